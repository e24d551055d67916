/* auditor: an audit over one site or a hierarchy (auditor.h). */
#include "auditor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "state.h"

/* A stand-in for the site at root, whose site.xml could not be read: only its root. */
static struct hf_site *stand_in(const char *root)
{
	struct hf_site *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->rootfd = -1;
	s->root = strdup(root);
	if (!s->root) {
		free(s);
		return NULL;
	}
	return s;
}

int hf_auditor_open(struct hf_auditor *ar, const char *hierarchy, const char *root,
		    size_t nm, int verify_log, struct hf_err *err)
{
	memset(ar, 0, sizeof(*ar));
	if (hierarchy) {
		int r = nm > 0 ? hf_hierarchy_load_partial(hierarchy, &ar->h, err)
			       : hf_hierarchy_load(hierarchy, &ar->h, err);

		if (r)
			return r;
	} else if (hf_site_open(root, &ar->site, err)) {
		if (err->code != HF_E_IO || nm == 0)
			return -(int)err->code;
		ar->site = stand_in(root);
		ar->unseen = strdup(err->msg);
		if (!ar->site || !ar->unseen)
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	ar->nsites = ar->h ? ar->h->n : 1;
	if (verify_log) {
		ar->logs = calloc(ar->nsites, sizeof(*ar->logs));
		if (!ar->logs)
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	return 0;
}

static int failed(const struct hf_auditor *ar, const struct hf_err *err)
{
	if (ar->hooks && ar->hooks->failed)
		ar->hooks->failed(ar->hooks->ctx, err);
	return hf_exit_code(err->code);
}

/* The site could not be audited (why: busy, damaged, unreadable): each manifest is
 * unknown there.  Returns 0, or the exit status of running out of memory. */
static int not_seen(struct hf_auditor *ar, const struct hf_site *site,
		    struct hf_manifest *const *ms, size_t nm, const char *why, const char *hint)
{
	struct hf_err err;

	if (ar->hooks && ar->hooks->unseen)
		ar->hooks->unseen(ar->hooks->ctx, site, why, hint);
	for (size_t k = 0; k < nm; k++)
		if (hf_audit_unknown(&ar->audit, ms[k], site, why, &err))
			return failed(ar, &err);
	return 0;
}

/* --verify-log of one site (lock held): the check, or why not in lc. */
static void verify_log(const struct hf_auditor *ar, struct hf_state *st,
		       const struct hf_site *site, struct hf_auditor_log *lc)
{
	struct hf_registry *inst = NULL;
	char display[HF_SITE_NAME_MAX];

	lc->site = site;
	hf_err_clear(&lc->err);
	snprintf(display, sizeof(display), "%s/%s", site->root, HF_STATE_DIR);
	if (hf_registry_load(site, st->dirfd, &inst, &lc->err) == 0 &&
	    hf_txlog_verify(st->dirfd, display, inst->present, inst->sha256, ar->trust, &lc->check,
			    &lc->err) == 0)
		lc->checked = 1;
	else
		lc->message = lc->err.msg;
	hf_registry_free(inst);
}

/* Audit one site under its (shared) lock, after recovering it; unseen says why the site
 * could not even be opened (or is NULL).  Returns 0, or the exit status of a site that
 * could not be audited and is not in the audit. */
static int audit_site(struct hf_auditor *ar, struct hf_site *site, const char *unseen,
		      struct hf_manifest *const *ms, size_t nm, struct hf_auditor_log *lc)
{
	struct hf_state *st = NULL;
	struct hf_recovery rec;
	struct hf_err err;
	int status = HF_EXIT_OK;

	hf_err_clear(&err);
	if (unseen) {
		if (lc) {
			lc->site = site;
			lc->message = unseen;
		}
		return not_seen(ar, site, ms, nm, unseen, "");
	}
	if (hf_txn_open(site, HF_LOCK_SHARED, &st, &rec, &err)) {
		if (lc) {
			lc->site = site;
			lc->err = err;
			lc->message = lc->err.msg;
		}
		if (nm == 0)
			return failed(ar, &err);
		/* never waits: busy is unknown */
		return not_seen(ar, site, ms, nm, err.msg, err.hint);
	}
	if (rec.damaged && nm > 0) {
		/* an interrupted transaction left the files in between: not audited */
		status = not_seen(ar, site, ms, nm, rec.damage, "");
	} else {
		if (ar->hooks && ar->hooks->recovered)
			ar->hooks->recovered(ar->hooks->ctx, site, &rec);
		for (size_t k = 0; k < nm; k++)
			if (hf_audit_site(&ar->audit, ms[k], site, &err))
				status = failed(ar, &err);
	}
	if (lc)
		verify_log(ar, st, site, lc);
	hf_state_close(st);
	return status;
}

int hf_auditor_run(struct hf_auditor *ar, struct hf_manifest *const *ms, size_t nm)
{
	const struct hf_hierarchy *h = ar->h;
	int status = HF_EXIT_OK, st;

	if (!h) { /* opened, or a stand-in */
		return ar->site ? audit_site(ar, ar->site, ar->unseen, ms, nm, ar->logs) : 0;
	}
	for (size_t k = 0; k < h->n; k++) { /* parents first */
		const struct hf_hsite *hs = &h->sites[h->order[k]];

		st = audit_site(ar, hs->site, hs->unseen, ms, nm, ar->logs ? &ar->logs[k] : NULL);
		if (st)
			status = st;
	}
	for (size_t i = 0; i < h->n; i++)
		if (h->sites[i].parent != HF_NO_PARENT)
			(void)hf_audit_drift(&ar->audit, h->sites[i].site,
					     h->sites[h->sites[i].parent].site);
	return status;
}

int hf_auditor_logs_bad(const struct hf_auditor *ar)
{
	int bad = 0;

	for (size_t i = 0; ar->logs && i < ar->nsites; i++)
		bad |= !ar->logs[i].checked || ar->logs[i].check.problems != 0;
	return bad;
}

int hf_auditor_status(const struct hf_auditor *ar, size_t nm, int logs_bad)
{
	if (nm > 0 && !hf_audit_complete(&ar->audit, NULL))
		return hf_exit_code(HF_E_INCOMPLETE); /* whatever else: the report says */
	return (nm == 0 || hf_audit_compliant(&ar->audit, NULL)) && !logs_bad ? HF_EXIT_OK
									      : HF_EXIT_FAILED;
}

void hf_auditor_free(struct hf_auditor *ar)
{
	free(ar->logs);
	hf_audit_free(&ar->audit);
	hf_site_free(ar->site);
	free(ar->unseen);
	hf_hierarchy_free(ar->h);
	memset(ar, 0, sizeof(*ar));
}
