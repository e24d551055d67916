/* cli/check: `hotfix check MANIFEST --site DIR [--json]` -- the plan, changing nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../installed.h"
#include "../payload.h"
#include "../plan.h"
#include "../rehearse.h"
#include "../report.h"
#include "../site.h"
#include "../txn.h"
#include "cli.h"

static const char options[] = "Options:\n"
			      "  --site DIR   the site's root directory (holds site.xml)\n"
			      "  --hierarchy FILE  every site of a hierarchy (see hotfix(1));\n"
			      "               --jobs N sites at once, --keep-going past failures\n"
			      "  --json       print the result as one JSON document on stdout\n"
			      "  -v           also print each file's size and SHA-256, installed and\n"
			      "               in the hotfix\n\n";

int cli_check(const struct cli_opts *o, const char *manifest, const char *site_root)
{
	const struct cli_common *c = &o->c;
	int json = o->json;
	struct hf_manifest *m = NULL;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_plan *plan = NULL;
	struct hf_check_result res;
	struct hf_rehearsal reh;
	struct hf_inuse inuse;
	struct hf_inuse_target *targets = NULL;
	struct hf_err err;
	int status, r;

	status = cli_load_manifest(c, manifest, &m);
	if (status)
		return status;
	hf_err_clear(&err);

	memset(&res, 0, sizeof(res));
	memset(&inuse, 0, sizeof(inuse));
	res.manifest = m;
	res.site_root = site_root;
	res.verbose = c->verbose;
	r = cli_open_site(site_root, HF_LOCK_SHARED, &site, &st, &err);
	res.site = site;
	if (!r) { /* an older revision than this site accepted: refused, as apply would */
		struct hf_installed *inst = NULL;

		r = hf_installed_load(site, &inst, &err);
		if (!r)
			r = hf_installed_check_fresh(inst, site->code, m->id, m->revision, &err);
		hf_installed_free(inst);
	}
	if (!r)
		r = hf_plan_make(m, site, HF_HASH_EQUAL, &plan, &err);
	if (!r) {
		res.plan = plan;
		if (plan->count[HF_ACT_CONFLICT]) {
			hf_err_set(&err, HF_E_CONFLICT,
				   "%s: %zu file(s) in conflict; %s cannot be applied as is",
				   site->code, plan->count[HF_ACT_CONFLICT], m->id);
			hf_err_hint(&err, "restore or investigate the files marked 'conflict'");
		} else if (plan->count[HF_ACT_INSTALL]) {
			r = hf_payload_verify(m, &err);
			res.payload_checked = (r == 0);
		}
	}
	if (plan && err.code == HF_OK) {
		r = hf_rehearse(site, plan, &reh, &err);
		if (!r) {
			res.rehearsal = &reh;
			if (!reh.ok) {
				hf_err_set(&err, HF_E_CONFLICT, "%s: rollback rehearsal failed: %s",
					   site->code, reh.problems);
				hf_err_hint(&err, "free space, restore the backups named, or fix "
						  "permissions before applying");
			}
		}
	}
	hf_state_close(st); /* the lock is not needed for printing */
	if (plan && plan->count[HF_ACT_INSTALL]) { /* who uses the files to be replaced */
		size_t n = 0;

		targets = calloc(plan->n, sizeof(*targets));
		for (size_t i = 0; targets && i < plan->n; i++) {
			const struct hf_plan_item *it = &plan->items[i];

			if (it->action != HF_ACT_INSTALL || !it->present)
				continue;
			targets[n].dev = it->st.st_dev;
			targets[n].ino = it->st.st_ino;
			targets[n++].path = it->file->path;
		}
		cli_inuse(c, targets, n, &inuse);
		res.inuse = &inuse;
	}
	res.code = err.code;
	res.message = err.code != HF_OK ? err.msg : NULL;
	status = 0;
	if (json) {
		if (hf_report_check_json(stdout, &res, 1))
			status = 1;
	} else if (!c->quiet || err.code != HF_OK) {
		hf_report_check_text(stdout, &res);
	}
	if (err.code != HF_OK)
		status = cli_fail(&err); /* messages go to stderr, also with --json */
	cli_result(hf_check_result_word(&res), 0);
	hf_inuse_free(&inuse);
	free(targets);
	hf_plan_free(plan);
	hf_site_free(site);
	hf_manifest_free(m);
	return status;
}

int cmd_check(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_SITE | CLI_HIERARCHY | CLI_JSON, 1, 1,
					       "MANIFEST", options };
	struct cli_opts o;
	int r = cli_parse(argc, argv, "check", &syn, &o);

	if (r >= 0)
		return r;
	if (o.hierarchy)
		return cli_hierarchy("check", &o, o.args[0], cli_check);
	return cli_check(&o, o.args[0], o.site);
}

