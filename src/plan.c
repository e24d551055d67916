/* plan: inspect each target file (version resource, hash) and decide per the table. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "pe.h"

const char *hf_action_name(enum hf_action a)
{
	static const char *const names[] = { "install", "current", "newer", "conflict" };

	return (unsigned)a < 4 ? names[a] : "?";
}

int hf_plan_applicable(const struct hf_manifest *m, const struct hf_site *site,
		       struct hf_err *err)
{
	char sps[256];

	if (strcmp(m->product_name, site->product_name) ||
	    strcmp(m->product_version, site->product_version))
		return hf_err_set(err, HF_E_NOTAPPLICABLE,
				  "%s: %s is for %s %s; this site runs %s %s", site->code, m->id,
				  m->product_name, m->product_version, site->product_name,
				  site->product_version);
	if (!hf_manifest_fileset(m, site->servicepack)) {
		hf_err_set(err, HF_E_NOTAPPLICABLE,
			   "%s: %s does not apply to service pack %u; it applies to service "
			   "pack %s",
			   site->code, m->id, site->servicepack,
			   hf_manifest_servicepacks(m, sps, sizeof(sps)));
		hf_err_hint(err, "install a supported service pack on %s first", site->code);
		return -HF_E_NOTAPPLICABLE;
	}
	return 0;
}

/* A read of a present file failed (local says how): an error, or -- survey -- an item
 * whose content is not known. */
static int unread(const struct hf_site *site, struct hf_plan_item *it, int survey,
		  const struct hf_err *local, struct hf_err *err)
{
	it->unread = 1;
	it->action = HF_ACT_CONFLICT;
	it->hashed = 0;
	snprintf(it->reason, sizeof(it->reason), "cannot read: %.480s", local->msg);
	return survey ? 0 : hf_err_set(err, HF_E_IO, "%s: %s", site->code, local->msg);
}

/* Fill one item from the file on disk.  Returns <0 only for real I/O errors (never when
 * surveying: the item is then unread). */
static int inspect(const struct hf_site *site, struct hf_plan_item *it, enum hf_hash_mode hash,
		   int survey, struct hf_err *err)
{
	const struct hf_mfile *f = it->file;
	char want[HF_VERSION_STRLEN], have[HF_VERSION_STRLEN];
	struct hf_pe_info pe;
	struct hf_err local;
	struct stat st;
	int fd = -1, sys_errno = 0, cmp, r = 0;

	hf_version_format(&f->version, want);
	r = hf_site_open_file(site, f->path, &fd, it->path, &sys_errno, &local);
	if (r != 0) {
		it->action = HF_ACT_CONFLICT;
		it->ambiguous = r == -HF_E_CONFLICT;
		if (it->ambiguous)
			snprintf(it->reason, sizeof(it->reason), "%.500s", local.msg);
		else if (sys_errno == ENOENT)
			snprintf(it->reason, sizeof(it->reason), "missing (expected %s or older)",
				 want);
		else
			snprintf(it->reason, sizeof(it->reason), "cannot open: %.480s", local.msg);
		/* a symlink or a non-directory on the way was seen; anything else
		 * (EACCES, EIO, ...) hides what is there */
		it->unread = !it->ambiguous && sys_errno != ENOENT && sys_errno != ELOOP &&
			     sys_errno != ENOTDIR;
		return 0;
	}
	if (fstat(fd, &st) != 0) {
		hf_err_set(&local, HF_E_IO, "%s: fstat: %s", it->path, strerror(errno));
		r = unread(site, it, survey, &local, err);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		it->action = HF_ACT_CONFLICT;
		snprintf(it->reason, sizeof(it->reason), "not a regular file (%s)",
			 hf_file_type(st.st_mode));
		goto out;
	}
	it->present = 1;
	it->size = (uint64_t)st.st_size;
	it->st = st;
	r = hf_pe_read_fd(fd, it->size, it->path, &pe, &local);
	if (r == -HF_E_IO) {
		r = unread(site, it, survey, &local, err);
		goto out;
	}
	if (r) {
		r = 0;
		it->action = HF_ACT_CONFLICT;
		snprintf(it->reason, sizeof(it->reason), "no readable version: %.480s", local.msg);
	} else {
		it->has_version = 1;
		it->installed = pe.file_version;
	}
	if (hash == HF_HASH_ALL ||
	    (hash == HF_HASH_EQUAL && it->has_version &&
	     hf_version_cmp(&it->installed, &f->version) == 0)) {
		uint64_t hashed_size = 0;

		r = hf_sha256_fd(fd, it->path, it->sha256, &hashed_size, &local);
		if (r) {
			r = unread(site, it, survey, &local, err);
			goto out;
		}
		it->hashed = 1;
	}
	if (!it->has_version)
		goto out;
	hf_version_format(&it->installed, have);
	cmp = hf_version_cmp(&it->installed, &f->version);
	if (cmp < 0) {
		it->action = HF_ACT_INSTALL;
		snprintf(it->reason, sizeof(it->reason), "%s installed, %s in the hotfix", have,
			 want);
	} else if (cmp > 0) {
		it->action = HF_ACT_NEWER;
		snprintf(it->reason, sizeof(it->reason),
			 "%s installed is newer than %s; left alone (never downgrade)", have, want);
	} else if (!it->hashed && it->size != f->size) { /* the size is free (fstat): compared */
		it->action = HF_ACT_CONFLICT;
		snprintf(it->reason, sizeof(it->reason),
			 "modified: version %s as expected but size %llu, the hotfix's is %llu",
			 have, (unsigned long long)it->size, (unsigned long long)f->size);
	} else if (!it->hashed) {
		it->action = HF_ACT_CURRENT;
		snprintf(it->reason, sizeof(it->reason), "%s installed (hash not verified)", have);
	} else if (memcmp(it->sha256, f->sha256, HF_SHA256_LEN) == 0 && it->size == f->size) {
		it->action = HF_ACT_CURRENT;
		snprintf(it->reason, sizeof(it->reason), "%s installed, same SHA-256", have);
	} else {
		char hex[HF_SHA256_HEX];

		it->action = HF_ACT_CONFLICT;
		snprintf(it->reason, sizeof(it->reason),
			 "modified: version %s as expected but SHA-256 %.16s... and %llu bytes "
			 "differ from the hotfix's",
			 have, hf_sha256_hex(it->sha256, hex), (unsigned long long)it->size);
	}
out:
	close(fd);
	return r;
}

static int make(const struct hf_manifest *m, const struct hf_site *site,
		enum hf_hash_mode hash, int survey, struct hf_plan **out, struct hf_err *err)
{
	struct hf_plan *p = NULL;
	int r;

	*out = NULL;
	r = hf_plan_applicable(m, site, err);
	if (r)
		return r;
	p = calloc(1, sizeof(*p));
	if (!p)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	p->manifest = m;
	p->site = site;
	p->fileset = hf_manifest_fileset(m, site->servicepack);
	p->items = calloc(p->fileset->nfiles ? p->fileset->nfiles : 1, sizeof(*p->items));
	if (!p->items) {
		hf_plan_free(p);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < p->fileset->nfiles; i++) {
		struct hf_plan_item *it = &p->items[p->n++];

		it->file = &p->fileset->files[i];
		r = inspect(site, it, hash, survey, err);
		if (r) {
			hf_plan_free(p);
			return r;
		}
		p->count[it->action]++;
	}
	*out = p;
	return 0;
}

int hf_plan_make(const struct hf_manifest *m, const struct hf_site *site,
		 enum hf_hash_mode hash, struct hf_plan **out, struct hf_err *err)
{
	return make(m, site, hash, 0, out, err);
}

int hf_plan_survey(const struct hf_manifest *m, const struct hf_site *site,
		   enum hf_hash_mode hash, struct hf_plan **out, struct hf_err *err)
{
	return make(m, site, hash, 1, out, err);
}

void hf_plan_free(struct hf_plan *plan)
{
	if (!plan)
		return;
	free(plan->items);
	free(plan);
}
