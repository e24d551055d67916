/* cli/apply: `hotfix apply MANIFEST (--site DIR | --hierarchy FILE) [--dry-run] ...` (its usage
 * line is made from cli_apply_syntax: cli_usage). */
#include <stdio.h>
#include <string.h>

#include "authenticode.h"
#include "plan.h"
#include "report_txn.h"
#include "site.h"
#include "txn.h"
#include "txlog.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_apply_syntax = {
	CLI_SITE | CLI_HIERARCHY | CLI_JOBS | CLI_DRY_RUN | CLI_RECEIPT | CLI_PE_TRUST, 1, 1,
	"MANIFEST",
	"MANIFEST", formats,
	"With -v, also each file's size and SHA-256.  A hierarchy is applied parents\n"
	"before children.  The site is locked, anything a crash left pending is\n"
	"recovered, the plan is made from the files' version resources and hashes, then\n"
	"the new files are staged, verified and swapped in under a journal.  Any\n"
	"failure is undone: the site ends exactly as before or as after.  A manifest\n"
	"with <authenticode required=\"true\"/> has each staged file's Authenticode\n"
	"signature verified against --pe-trust: one not valid refuses the apply.\n\n"
};

/* report_txn's printers of an apply, for cli_txn_end */
static int apply_json(FILE *out, const void *res)
{
	return hf_report_apply_json(out, res);
}

static void apply_text(FILE *out, const void *res)
{
	hf_report_apply_text(out, res);
}

int cli_apply(const struct cli_opts *o, const char *manifest, const char *site_root)
{
	const struct cli_common *c = &o->c;
	struct hf_manifest *m = NULL;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_plan *plan = NULL;
	struct hf_txn_result txn;
	struct hf_apply_result res;
	struct hf_inuse still;
	struct hf_receipt_key rkey = {o->receipt_key, o->receipt_cert};
	struct cli_txn_report rep;
	struct hf_ac_trust *pe = NULL;
	struct hf_err err;
	char say[CLI_SAY_MAX];
	int status = HF_EXIT_OK, r;

	status = cli_load_manifest(c, manifest, &m);
	if (!status)
		status = cli_pe_trust_for(o, &m, 1, &pe); /* before the site is touched */
	if (status) {
		hf_manifest_free(m);
		return status;
	}
	hf_err_clear(&err);
	memset(&res, 0, sizeof(res));
	memset(&txn, 0, sizeof(txn));
	memset(&still, 0, sizeof(still));
	res.check.manifest = m;
	res.check.site_root = site_root;
	res.check.verbose = c->verbose;
	r = cli_open_site(site_root, HF_LOCK_EXCLUSIVE, &site, &st, &err);
	if (!r && o->receipt_key)
		st->receipt = &rkey;
	if (!r)
		st->pe_trust = pe;
	if (!r)
		st->progress = cli_progress(o);
	res.check.site = site;
	if (!r)
		/* the transaction hashes every target itself; the plan only needs the hash to
		 * decide (or to show it, with -v) */
		r = hf_plan_make(m, site, c->verbose ? HF_HASH_ALL : HF_HASH_EQUAL, &plan, &err);
	if (!r) {
		res.check.plan = plan;
		res.txn = &txn;
		r = hf_txn_apply(st, plan, &txn, &err);
		cli_progress_clear();
		res.check.payload_checked = !r && txn.changed;
	}
	hf_state_close(st);
	if (!r && txn.changed) { /* who still runs the files just replaced */
		cli_inuse(c, txn.replaced, txn.nreplaced, &still);
		res.still = &still;
	}
	res.check.code = err.code;
	res.check.message = err.code != HF_OK ? err.msg : NULL;
	snprintf(say, sizeof(say), txn.changed ? "the apply of %s had committed; finished"
					       : "nothing to do for %s; nothing was changed",
		 m->id);
	rep.res = &res;
	rep.json = apply_json;
	rep.text = apply_text;
	rep.text_shown = !c->quiet || err.code != HF_OK;
	rep.word = hf_apply_result_word(&res);
	status = cli_txn_end(o, &rep, &txn, &err, site, say);
	hf_inuse_free(&still);
	hf_txn_result_free(&txn);
	hf_plan_free(plan);
	hf_site_free(site);
	hf_ac_trust_close(pe);
	hf_manifest_free(m);
	return status;
}

/* parents first; a child of a site that is not applicable is checked first (cli.h) */
static const struct cli_hier_cmd hier = { "apply", HF_ORDER_PARENTS_FIRST, 1, cli_apply,
					  cli_check, "applied", 0 };

int cmd_apply(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, "apply", &o);

	if (r >= 0)
		return r;
	if (!o.dry_run)
		cli_catch_signals();
	if (o.hierarchy)
		return cli_hierarchy(o.dry_run ? &cli_check_hier : &hier, &o, o.args[0]);
	if (o.dry_run)
		return cli_check(&o, o.args[0], o.site);
	return cli_apply(&o, o.args[0], o.site);
}
