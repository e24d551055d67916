/* cli/rollback: `hotfix rollback HOTFIX-ID (--site DIR | --hierarchy FILE) ...` (its usage
 * line is made from cli_rollback_syntax: cli_usage). */
#include <stdio.h>
#include <string.h>

#include "name.h"
#include "report_txn.h"
#include "site.h"
#include "txn.h"
#include "txlog.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_rollback_syntax = {
	CLI_SITE | CLI_HIERARCHY | CLI_JOBS | CLI_RECEIPT, 1, 1, "HOTFIX-ID", "HOTFIX-ID", formats,
	"A hierarchy is rolled back children before parents.\n"
	"Restores the originals the hotfix replaced (content, mode, owner and times), only\n"
	"if every file is still the one the hotfix installed (checked by SHA-256), and\n"
	"removes the hotfix from the site's registry; its log keeps the history.\n"
	"A hotfix that is not installed: exit 3.\n\n"
};

/* report_txn's printers of a rollback, for cli_txn_end */
static int rollback_json(FILE *out, const void *res)
{
	return hf_report_rollback_json(out, res);
}

static void rollback_text(FILE *out, const void *res)
{
	hf_report_rollback_text(out, res);
}

int cli_rollback(const struct cli_opts *o, const char *id, const char *site_root)
{
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_txn_result txn;
	struct hf_rollback_result res;
	struct hf_inuse still;
	struct hf_receipt_key rkey = {o->receipt_key, o->receipt_cert};
	struct cli_txn_report rep;
	struct hf_err err;
	char say[CLI_SAY_MAX];
	int status, r;

	hf_err_clear(&err);
	memset(&txn, 0, sizeof(txn));
	memset(&res, 0, sizeof(res));
	memset(&still, 0, sizeof(still));
	res.site_root = site_root;
	res.id = id;
	res.txn = &txn;
	r = cli_open_site(site_root, HF_LOCK_EXCLUSIVE, &site, &st, &err);
	if (!r && o->receipt_key)
		st->receipt = &rkey;
	res.site = site;
	if (!r)
		r = hf_txn_rollback(st, id, &txn, &err);
	hf_state_close(st);
	if (!r && txn.changed) {
		cli_inuse(&o->c, txn.replaced, txn.nreplaced, &still);
		res.still = &still;
	}
	res.code = r ? err.code : HF_OK;
	res.message = err.code != HF_OK ? err.msg : NULL;
	snprintf(say, sizeof(say), "the rollback of %s had committed; finished", id);
	rep.res = &res;
	rep.json = rollback_json;
	rep.text = rollback_text;
	/* a failed transaction: its step, file and log, even with -q */
	rep.text_shown = (!o->c.quiet && err.code == HF_OK) || txn.step[0] || txn.signal;
	rep.word = hf_rollback_result_word(&res);
	status = cli_txn_end(o, &rep, &txn, &err, site, say);
	hf_inuse_free(&still);
	hf_txn_result_free(&txn);
	hf_site_free(site);
	return status;
}

/* children first; the operand is a HOTFIX-ID, nothing to verify first */
static const struct cli_hier_cmd hier = { "rollback", HF_ORDER_CHILDREN_FIRST, 0, cli_rollback,
					  NULL, NULL, 0 };

int cmd_rollback(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, "rollback", &o);

	if (r >= 0)
		return r;
	if (!hf_name_safe_id(o.args[0]))
		return cli_usage_error(cli_find("rollback"), "'%s' is not a hotfix id", o.args[0]);
	cli_catch_signals();
	if (o.hierarchy)
		return cli_hierarchy(&hier, &o, o.args[0]);
	return cli_rollback(&o, o.args[0], o.site);
}
