/* rehearse: space, backups and permissions a rollback (and the apply before it) needs. */
#include "rehearse.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fsop.h"
#include "installed.h"
#include "state.h"
#include "swap.h"

static void problem(struct hf_rehearsal *r, const char *fmt, ...) HF_PRINTF(2, 3);
static void problem(struct hf_rehearsal *r, const char *fmt, ...)
{
	size_t len = strlen(r->problems);
	va_list ap;

	r->ok = 0;
	if (len >= sizeof(r->problems) - 8)
		return;
	if (len)
		len += (size_t)snprintf(r->problems + len, sizeof(r->problems) - len, "; ");
	va_start(ap, fmt);
	vsnprintf(r->problems + len, sizeof(r->problems) - len, fmt, ap);
	va_end(ap);
}

/* Every backup file the registry relies on: present, with the recorded SHA-256. */
static int check_backups(const struct hf_site *site, struct hf_rehearsal *r, struct hf_err *err)
{
	struct hf_installed *inst = NULL;
	int sdir, rc = hf_installed_load(site, &inst, err);

	if (rc)
		return rc;
	sdir = openat(site->rootfd, HF_STATE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (size_t i = 0; !rc && i < inst->n; i++) {
		const struct hf_inst_hotfix *h = &inst->hotfixes[i];

		for (size_t k = 0; !rc && k < h->nfiles; k++) {
			uint8_t sha[HF_SHA256_LEN];
			char rel[1200];
			const char *leaf;
			int dir = -1, present = 0;
			struct hf_err quiet;

			r->backups_checked++;
			snprintf(rel, sizeof(rel), "%s/%s/%s", HF_STATE_BACKUP, h->id,
				 h->files[k].path);
			if (sdir >= 0 &&
			    hf_fs_open_parent(sdir, rel, 0, &dir, &leaf, rel, &quiet) == 0) {
				rc = hf_swap_hash(dir, leaf, &present, sha, NULL, rel, err);
				close(dir);
			}
			if (!rc && (!present || memcmp(sha, h->files[k].old_sha256, HF_SHA256_LEN))) {
				r->backups_bad++;
				problem(r, "the backup of %s for %s is %s", h->files[k].path, h->id,
					present ? "damaged" : "missing");
			}
		}
	}
	if (sdir >= 0)
		close(sdir);
	hf_installed_free(inst);
	return rc;
}

int hf_rehearse(const struct hf_site *site, const struct hf_plan *plan, struct hf_rehearsal *r,
		struct hf_err *err)
{
	struct statvfs vfs;

	memset(r, 0, sizeof(*r));
	r->ok = 1;
	r->writable = 1;
	for (size_t i = 0; plan && i < plan->n; i++) {
		const struct hf_plan_item *it = &plan->items[i];
		char dir[1100];
		const char *slash;

		if (it->action != HF_ACT_INSTALL)
			continue;
		r->staging_bytes += it->file->size;
		r->backup_bytes += it->size;
		slash = strrchr(it->file->path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - it->file->path) : 1,
			 slash ? it->file->path : ".");
		if (faccessat(site->rootfd, dir, W_OK, AT_EACCESS) != 0) {
			r->writable = 0;
			problem(r, "%s is not writable", dir);
		}
	}
	if (faccessat(site->rootfd, hf_site_has_state(site) ? HF_STATE_DIR : ".", W_OK,
		      AT_EACCESS) != 0) {
		r->writable = 0;
		problem(r, "%s/%s is not writable", site->root,
			hf_site_has_state(site) ? HF_STATE_DIR : "");
	}
	if (fstatvfs(site->rootfd, &vfs) == 0) {
		uint64_t need = r->staging_bytes + r->backup_bytes;

		r->free_bytes = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
		if (r->free_bytes < need)
			problem(r, "%llu bytes free, %llu needed for staging and backups",
				(unsigned long long)r->free_bytes, (unsigned long long)need);
	} else {
		problem(r, "free space unknown (statvfs failed)");
	}
	return check_backups(site, r, err);
}
