/* cli/check: `hotfix check MANIFEST... --site DIR [--json]` -- the plan, changing nothing;
 * with several manifests (or hotfixes installed), the overlap matrix too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../installed.h"
#include "../matrix.h"
#include "../payload.h"
#include "../plan.h"
#include "../rehearse.h"
#include "../report_check.h"
#include "../site.h"
#include "../txn.h"
#include "cli.h"

static const char options[] = "Options:\n"
			      "  --site DIR   the site's root directory (holds site.xml)\n"
			      "  --hierarchy FILE  every site of a hierarchy (see hotfix(1));\n"
			      "               --jobs N sites at once, --keep-going past failures\n"
			      "  --json       print the result as one JSON document on stdout\n"
			      "  -v           also print each file's size and SHA-256, installed and\n"
			      "               in the hotfix\n\n"
			      "With several MANIFESTs (--site only): each is checked, then a matrix\n"
			      "of the files each hotfix touches, installed ones included, flags two\n"
			      "hotfixes owning a file, a file that would go down in version (in the\n"
			      "order given), and a hotfix a newer one supersedes.\n\n";

/* One manifest checked against one site (its lock held): what it prints from. */
struct check_run {
	struct hf_manifest *m;
	struct hf_plan *plan;
	struct hf_check_result res;
	struct hf_rehearsal reh;
	struct hf_inuse inuse;
	struct hf_inuse_target *targets;
	struct hf_err err;
};

static void check_one(const struct cli_common *c, struct check_run *cr, struct hf_site *site,
		      const struct hf_installed *inst, const char *site_root)
{
	struct hf_err *err = &cr->err;
	struct hf_manifest *m = cr->m;
	int r;

	memset(&cr->res, 0, sizeof(cr->res));
	cr->res.manifest = m;
	cr->res.site_root = site_root;
	cr->res.site = site;
	cr->res.verbose = c->verbose;
	/* an older revision than this site accepted: refused, as apply would */
	r = hf_installed_check_fresh(inst, site->code, m->id, m->revision, err);
	if (!r)
		r = hf_plan_make(m, site, HF_HASH_EQUAL, &cr->plan, err);
	if (!r) {
		cr->res.plan = cr->plan;
		if (cr->plan->count[HF_ACT_CONFLICT]) {
			hf_err_set(err, HF_E_CONFLICT,
				   "%s: %zu file(s) in conflict; %s cannot be applied as is",
				   site->code, cr->plan->count[HF_ACT_CONFLICT], m->id);
			hf_err_hint(err, "restore or investigate the files marked 'conflict'");
		} else if (cr->plan->count[HF_ACT_INSTALL]) {
			r = hf_payload_verify(m, err);
			cr->res.payload_checked = (r == 0);
		}
	}
	if (cr->plan && err->code == HF_OK) {
		r = hf_rehearse(site, cr->plan, &cr->reh, err);
		if (!r) {
			cr->res.rehearsal = &cr->reh;
			if (!cr->reh.ok) {
				hf_err_set(err, HF_E_CONFLICT, "%s: rollback rehearsal failed: %s",
					   site->code, cr->reh.problems);
				hf_err_hint(err, "free space, restore the backups named, or fix "
						 "permissions before applying");
			}
		}
	}
	if (cr->plan && cr->plan->count[HF_ACT_INSTALL]) { /* who uses the files to replace */
		size_t n = 0;

		cr->targets = calloc(cr->plan->n, sizeof(*cr->targets));
		for (size_t i = 0; cr->targets && i < cr->plan->n; i++) {
			const struct hf_plan_item *it = &cr->plan->items[i];

			if (it->action != HF_ACT_INSTALL || !it->present)
				continue;
			cr->targets[n].dev = it->st.st_dev;
			cr->targets[n].ino = it->st.st_ino;
			cr->targets[n++].path = it->file->path;
		}
		cli_inuse(c, cr->targets, n, &cr->inuse);
		cr->res.inuse = &cr->inuse;
	}
	cr->res.code = err->code;
	cr->res.message = err->code != HF_OK ? err->msg : NULL;
}

static void check_free(struct check_run *cr)
{
	hf_inuse_free(&cr->inuse);
	free(cr->targets);
	hf_plan_free(cr->plan);
	hf_manifest_free(cr->m);
}

/* The matrix of the manifests checked and the site's registry (which outlives mx). */
static int matrix_of(const struct hf_installed *inst, struct check_run *cr, size_t n,
		     struct hf_matrix *mx, struct hf_err *err)
{
	const struct hf_manifest **ms = calloc(n, sizeof(struct hf_manifest *));
	const struct hf_plan **plans = calloc(n, sizeof(struct hf_plan *));
	int r;

	if (!ms || !plans) {
		free(ms);
		free(plans);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		ms[i] = cr[i].m;
		plans[i] = cr[i].plan;
	}
	r = hf_matrix_build(inst, ms, plans, n, mx, err);
	free(ms);
	free(plans);
	return r;
}

/* Check n manifests against one site, then the matrix of them all and the registry.
 * Exit status: the worst of the checks, where "not applicable" (3) counts only when every
 * manifest is. */
static int check_site(const struct cli_opts *o, char **manifests, size_t n,
		      const char *site_root)
{
	const struct cli_common *c = &o->c;
	struct check_run *cr = calloc(n, sizeof(*cr));
	struct hf_check_result *results = calloc(n, sizeof(*results));
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_matrix mx;
	struct hf_installed *inst = NULL;
	struct hf_err err;
	int status = 0, any = 0, na = 0, r;

	memset(&mx, 0, sizeof(mx));
	hf_err_clear(&err);
	if (!cr || !results) {
		free(cr);
		free(results);
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	for (size_t i = 0; i < n; i++) {
		status = cli_load_manifest(c, manifests[i], &cr[i].m);
		if (status)
			goto out;
	}
	r = cli_open_site(site_root, HF_LOCK_SHARED, &site, &st, &err);
	if (!r) /* check runs nothing, but refuses what apply would refuse */
		r = hf_site_trust(site, &err);
	if (!r)
		r = hf_installed_load(site, &inst, &err);
	for (size_t i = 0; i < n; i++) {
		hf_err_clear(&cr[i].err);
		if (r) { /* the site (or its registry) could not be read: the same error for each */
			memset(&cr[i].res, 0, sizeof(cr[i].res));
			cr[i].res.manifest = cr[i].m;
			cr[i].res.site_root = site_root;
			cr[i].err = err;
			cr[i].res.code = err.code;
			cr[i].res.message = cr[i].err.msg;
		} else {
			check_one(c, &cr[i], site, inst, site_root);
		}
		results[i] = cr[i].res;
	}
	if (!r && matrix_of(inst, cr, n, &mx, &err) == 0)
		for (size_t i = 0; i < n; i++)
			results[i].matrix = &mx;
	hf_state_close(st); /* the lock is not needed for printing */
	if (o->json) {
		if (n == 1 ? hf_report_check_json(stdout, results, 1)
			   : hf_report_checks_json(stdout, results, n, r ? NULL : &mx))
			status = 1;
	} else {
		for (size_t i = 0; i < n; i++)
			if (!c->quiet || cr[i].err.code != HF_OK)
				hf_report_check_text(stdout, &results[i]);
		if (n > 1 && !r)
			hf_report_matrix_text(stdout, site, &mx);
	}
	for (size_t i = 0; i < n; i++) {
		int s = cr[i].err.code != HF_OK ? cli_fail(&cr[i].err) : 0;

		any |= s != 3;
		na += s == 3;
		if (s != 3 && s > status)
			status = s;
	}
	if (!any && na)
		status = 3;
	cli_result(n == 1 ? hf_check_result_word(&results[0]) : "checked", 0);
out:
	hf_matrix_free(&mx);
	hf_installed_free(inst);
	for (size_t i = 0; i < n; i++)
		check_free(&cr[i]);
	free(cr);
	free(results);
	hf_site_free(site);
	return status;
}

int cli_check(const struct cli_opts *o, const char *manifest, const char *site_root)
{
	char *one[] = {(char *)manifest};

	return check_site(o, one, 1, site_root);
}

int cmd_check(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_SITE | CLI_HIERARCHY | CLI_JSON, 1, -1,
					       "MANIFEST", options };
	struct cli_opts o;
	int r = cli_parse(argc, argv, "check", &syn, &o);

	if (r >= 0)
		return r;
	if (o.hierarchy && o.nargs > 1)
		return cli_usage_error(cli_find("check"), "several manifests are checked against "
							  "one --site at a time");
	if (o.hierarchy)
		return cli_hierarchy("check", &o, o.args[0], cli_check);
	return check_site(&o, o.args, (size_t)o.nargs, o.site);
}

