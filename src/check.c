/* check: the refusals apply would make, found without changing anything (check.h). */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "payload.h"
#include "state.h"

int hf_checks_init(struct hf_checks *cs, struct hf_manifest *const *ms, size_t n,
		   struct hf_err *err)
{
	memset(cs, 0, sizeof(*cs));
	cs->c = calloc(n, sizeof(*cs->c));
	if (!cs->c)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	cs->n = n;
	for (size_t i = 0; i < n; i++) {
		cs->c[i].manifest = ms[i];
		hf_err_clear(&cs->c[i].err);
	}
	return 0;
}

/* The manifest's Authenticode policy, as apply's stage() applies it: each file to install
 * extracted (into anonymous memory files, nothing on the site) and verified with the
 * message apply would give. */
static void judge_authenticode(struct hf_check *k, struct hf_ac_trust *t)
{
	const struct hf_plan *p = k->plan;
	size_t n = p->count[HF_ACT_INSTALL], w = 0;
	struct hf_payload_want *want = calloc(n ? n : 1, sizeof(*want));
	size_t *at = calloc(n ? n : 1, sizeof(*at)); /* want[i] is p->items[at[i]] */
	char which[HF_PAYLOAD_NAME_MAX + HF_SITE_REL_MAX + 16];
	int r = 0;

	if (!want || !at) {
		hf_err_set(&k->err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		want[i].fd = -1;
	for (size_t i = 0; i < p->n && w < n; i++) {
		const struct hf_plan_item *it = &p->items[i];

		if (it->action != HF_ACT_INSTALL)
			continue;
		at[w] = i;
		want[w].source = it->file->source;
		want[w].size = it->file->size;
		want[w].sha256 = it->file->sha256;
		want[w].fd = memfd_create("hotfix-check", MFD_CLOEXEC);
		if (want[w++].fd < 0) {
			hf_err_set(&k->err, HF_E_IO, "memfd_create: %s", strerror(errno));
			goto out;
		}
	}
	/* the payload was verified just before, with progress: this pass is silent */
	r = hf_payload_extract(k->manifest, want, w, NULL, &k->err);
	for (size_t i = 0; !r && i < w; i++) {
		const struct hf_plan_item *it = &p->items[at[i]];

		snprintf(which, sizeof(which), "staged %s (%s)", it->file->source, it->path);
		r = hf_ac_require(t, want[i].fd, it->file->size, which, &k->err);
	}
out:
	for (size_t i = 0; want && i < w; i++)
		if (want[i].fd >= 0)
			close(want[i].fd);
	free(want);
	free(at);
}

/* The plan's verdict: conflicts refuse; else the payload, when something is to install,
 * and the manifest's Authenticode policy. */
static void judge_plan(struct hf_check *k, const struct hf_site *site,
		       const struct hf_progress *pr, struct hf_ac_trust *pe_trust)
{
	const struct hf_plan *p = k->plan;

	if (p->count[HF_ACT_CONFLICT]) {
		hf_err_set(&k->err, HF_E_CONFLICT,
			   "%s: %zu file(s) in conflict; %s cannot be applied as is", site->code,
			   p->count[HF_ACT_CONFLICT], k->manifest->id);
		hf_err_hint(&k->err, "restore or investigate the files marked 'conflict'");
	} else if (p->count[HF_ACT_INSTALL]) {
		k->payload_checked = hf_payload_verify(k->manifest, pr, &k->err) == 0;
		if (k->payload_checked && k->manifest->authenticode_required)
			judge_authenticode(k, pe_trust);
	}
}

/* Would a rollback work?  A failed rehearsal refuses, as apply could not be undone. */
static void rehearse(struct hf_check *k, const struct hf_site *site, int sdir,
		     const struct hf_registry *inst)
{
	if (hf_rehearsal_run(site, sdir, inst, k->plan, &k->rehearsal, &k->err) != 0)
		return;
	k->rehearsed = 1;
	if (!k->rehearsal.ok) {
		hf_err_set(&k->err, HF_E_CONFLICT, "%s: rollback rehearsal failed: %s", site->code,
			   k->rehearsal.problems);
		hf_err_hint(&k->err, "free space, restore the backups named, or fix permissions "
				     "before applying");
	}
}

size_t hf_check_targets(const struct hf_plan *p, struct hf_inuse_target *t)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct hf_plan_item *it = &p->items[i];

		if (it->action != HF_ACT_INSTALL || !it->present)
			continue;
		t[n].dev = it->st.st_dev;
		t[n].ino = it->st.st_ino;
		t[n++].path = it->path;
	}
	return n;
}

/* Who uses the files to replace (the hits copy their names: t is not kept). */
static void scan_inuse(struct hf_check *k, const char *proc)
{
	struct hf_inuse_target *t = calloc(k->plan->n + 1, sizeof(*t));
	struct hf_err err;
	size_t n = t ? hf_check_targets(k->plan, t) : 0;

	hf_err_clear(&err);
	if (hf_inuse_scan(proc, t, n, &k->inuse, &err) != 0)
		snprintf(k->inuse_warning, sizeof(k->inuse_warning), "%s", err.msg);
	free(t);
	k->inuse_asked = 1;
}

static void check_one(struct hf_check *k, const struct hf_site *site, int sdir,
		      const struct hf_registry *inst, const char *proc,
		      const struct hf_checks *cs)
{
	const struct hf_manifest *m = k->manifest;

	if (hf_registry_check_fresh(inst, site->code, m->id, m->revision, &k->err) == 0 &&
	    hf_plan_make(m, site, HF_HASH_EQUAL, &k->plan, &k->err) == 0)
		judge_plan(k, site, cs->progress, cs->pe_trust);
	if (k->plan && k->err.code == HF_OK)
		rehearse(k, site, sdir, inst);
	if (k->plan && k->plan->count[HF_ACT_INSTALL])
		scan_inuse(k, proc);
}

/* The matrix of the manifests checked and the site's registry. */
static int matrix_of(struct hf_checks *cs, struct hf_err *err)
{
	const struct hf_manifest **ms = calloc(cs->n + 1, sizeof(struct hf_manifest *));
	const struct hf_plan **plans = calloc(cs->n + 1, sizeof(struct hf_plan *));
	int r;

	if (!ms || !plans) {
		free(ms);
		free(plans);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < cs->n; i++) {
		ms[i] = cs->c[i].manifest;
		plans[i] = cs->c[i].plan;
	}
	r = hf_matrix_build(cs->inst, ms, plans, cs->n, &cs->matrix, err);
	free(ms);
	free(plans);
	return r;
}

void hf_check_site(struct hf_checks *cs, struct hf_site *site, int sdir, const char *proc)
{
	struct hf_err err;

	hf_err_clear(&err);
	/* apply's order: the site's trust, then its lock (a user who could not take it as a
	 * writer is told so once, not through the rehearsal's every directory) */
	if (hf_site_trust(site, &err) != 0 || hf_state_writable(site, &err) != 0 ||
	    hf_registry_load(site, sdir, &cs->inst, &err) != 0) {
		hf_checks_refuse(cs, &err);
		return;
	}
	cs->site_ok = 1;
	for (size_t i = 0; i < cs->n; i++)
		check_one(&cs->c[i], site, sdir, cs->inst, proc, cs);
	/* a matrix that cannot be built leaves the checks as they are */
	cs->has_matrix = matrix_of(cs, &err) == 0;
}

void hf_checks_refuse(struct hf_checks *cs, const struct hf_err *why)
{
	for (size_t i = 0; i < cs->n; i++)
		cs->c[i].err = *why;
}

int hf_checks_status(const struct hf_checks *cs)
{
	int status = HF_EXIT_OK, any = 0, na = 0;

	for (size_t i = 0; i < cs->n; i++) {
		int s =
		    cs->c[i].err.code != HF_OK ? (int)hf_exit_code(cs->c[i].err.code) : HF_EXIT_OK;

		any |= s != HF_EXIT_NOTAPPLICABLE;
		na += s == HF_EXIT_NOTAPPLICABLE;
		if (s != HF_EXIT_NOTAPPLICABLE && s > status)
			status = s;
	}
	return !any && na ? HF_EXIT_NOTAPPLICABLE : status;
}

void hf_checks_free(struct hf_checks *cs)
{
	hf_matrix_free(&cs->matrix);
	hf_registry_free(cs->inst);
	for (size_t i = 0; cs->c && i < cs->n; i++) {
		hf_inuse_free(&cs->c[i].inuse);
		hf_plan_free(cs->c[i].plan);
	}
	free(cs->c);
	memset(cs, 0, sizeof(*cs));
}
