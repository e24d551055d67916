/* rehearsal: space, backups and permissions a rollback (and the apply before it) needs. */
#include "rehearsal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fsop.h"
#include "registry.h"
#include "state.h"
#include "swap.h"

/* 1 if msg is already one of the "; "-separated problems. */
static int listed(const char *all, const char *msg)
{
	size_t n = strlen(msg);

	for (const char *p = all; n && (p = strstr(p, msg)) != NULL; p++)
		if ((p == all || (p - all >= 2 && p[-2] == ';' && p[-1] == ' ')) &&
		    (p[n] == '\0' || (p[n] == ';' && p[n + 1] == ' ')))
			return 1;
	return 0;
}

/* Add a problem, once: a directory holds several targets, and says so once. */
static void problem(struct hf_rehearsal *r, const char *fmt, ...) HF_PRINTF(2, 3);
static void problem(struct hf_rehearsal *r, const char *fmt, ...)
{
	size_t len = strlen(r->problems), n;
	char msg[sizeof(r->problems)];
	va_list ap;

	r->ok = 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len >= sizeof(r->problems) - 8 || listed(r->problems, msg))
		return;
	if (len) {
		memcpy(r->problems + len, "; ", 2);
		len += 2;
	}
	n = strlen(msg);
	if (n > sizeof(r->problems) - 1 - len) /* cut, as vsnprintf did */
		n = sizeof(r->problems) - 1 - len;
	memcpy(r->problems + len, msg, n);
	r->problems[len + n] = '\0';
}

/* One problem with an inode flag, once (a directory holds several targets). */
static void attr_problem(struct hf_rehearsal *r, const char *what, const char *flag,
			 const char *cannot, const char *path)
{
	char msg[400];

	snprintf(msg, sizeof(msg), "%s is %s (chattr +%c): a rollback cannot %s; run 'chattr -%c %s'",
		 what, flag, flag[0] == 'i' ? 'i' : 'a', cannot, flag[0] == 'i' ? 'i' : 'a', path);
	if (strstr(r->problems, msg))
		return;
	r->attrs_bad++;
	problem(r, "%s", msg);
}

/* The inode flags of rel (below the site root) that forbid a swap: immutable (no rename over
 * it, no new name in a directory) and append-only.  A file system without the ioctl cannot
 * tell (counted in attrs_unknown): no failure. */
static void check_attrs(const struct hf_site *site, const char *rel, int dir,
			struct hf_rehearsal *r)
{
	int fd = openat(site->rootfd, rel,
			O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			    (dir ? O_DIRECTORY : 0));
	int flags = 0, root = !strcmp(rel, ".");
	char what[1200], path[HF_STATE_NAME_MAX];

	if (fd < 0)
		return; /* a missing target is created; other errors show elsewhere */
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) {
		if (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS)
			r->attrs_unknown++;
		close(fd);
		return;
	}
	close(fd);
	snprintf(what, sizeof(what), "%s%s%s", root ? "the site root " : "", root ? site->root : rel,
		 dir && !root ? "/" : "");
	snprintf(path, sizeof(path), "%s%s%s", site->root, root ? "" : "/", root ? "" : rel);
	if (flags & FS_IMMUTABLE_FL)
		attr_problem(r, what, "immutable", dir ? "create or rename a file in it" : "replace it",
			     path);
	if (flags & FS_APPEND_FL)
		attr_problem(r, what, "append-only", dir ? "rename or remove a file in it"
							  : "replace it", path);
}

/* The target rel and every directory on the way to it below the site root. */
static void check_path_attrs(const struct hf_site *site, const char *rel, struct hf_rehearsal *r)
{
	char dir[HF_SITE_REL_MAX];

	for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		if ((size_t)(p - rel) >= sizeof(dir))
			return;
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - rel), rel);
		check_attrs(site, dir, 1, r);
	}
	check_attrs(site, rel, 0, r);
}

/* Every backup file the registry relies on: present, with the recorded SHA-256. */
static int check_backups(int sdir, const struct hf_registry *inst, struct hf_rehearsal *r,
			 struct hf_err *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < inst->n; i++) {
		const struct hf_registry_entry *h = &inst->hotfixes[i];

		for (size_t k = 0; !rc && k < h->nfiles; k++) {
			uint8_t sha[HF_SHA256_LEN];
			char rel[HF_STATE_REL_MAX];
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
	return rc;
}

int hf_rehearsal_run(const struct hf_site *site, int sdir, const struct hf_registry *reg,
		     const struct hf_plan *plan, struct hf_rehearsal *r, struct hf_err *err)
{
	struct statvfs vfs;

	memset(r, 0, sizeof(*r));
	r->ok = 1;
	r->writable = 1;
	for (size_t i = 0; plan && i < plan->n; i++) {
		const struct hf_plan_item *it = &plan->items[i];
		char dir[HF_SITE_REL_MAX];
		const char *slash;

		if (it->action != HF_ACT_INSTALL)
			continue;
		check_path_attrs(site, it->path, r); /* the site's spelling */
		r->staging_bytes += it->file->size;
		r->backup_bytes += it->size;
		slash = strrchr(it->path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - it->path) : 1,
			 slash ? it->path : ".");
		if (faccessat(site->rootfd, dir, W_OK, AT_EACCESS) != 0) {
			r->writable = 0;
			problem(r, "%s is not writable", dir);
		}
	}
	check_attrs(site, ".", 1, r);
	if (hf_site_has_state(site)) {
		check_attrs(site, HF_STATE_DIR, 1, r);
		check_attrs(site, HF_STATE_DIR "/" HF_STATE_BACKUP, 1, r);
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
	return check_backups(sdir, reg, r, err);
}
