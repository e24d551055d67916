/* cli/recover: `hotfix recover --site DIR` -- finish or undo an interrupted transaction. */
#include <stdio.h>

#include "outcome.h"
#include "report_txn.h"
#include "site.h"
#include "txn.h"
#include "cli.h"

static const char options[] =
	"Options:\n"
	"  --site DIR   the site's root directory (holds site.xml)\n"
	"  --hierarchy FILE  every site of a hierarchy (--jobs N at once)\n\n"
	"Every command that opens a site does this first; 'recover' does only this and\n"
	"says what it did: nothing pending, finished (the transaction had committed) or\n"
	"undone (the site is as before it).\n\n";

int cli_recover(const struct cli_opts *o, const char *unused, const char *site_root)
{
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_recovery rec = { 0 };
	struct hf_err err;
	int status = HF_EXIT_OK, r;

	(void)unused;
	hf_err_clear(&err);
	r = hf_site_open(site_root, &site, &err);
	if (!r) /* recovery may run the site's stop and start commands */
		r = hf_site_trust(site, &err);
	if (!r)
		r = hf_state_open(site, HF_LOCK_EXCLUSIVE, &st, &err);
	if (!r)
		r = hf_txn_recover(st, &rec, &err);
	if (r) {
		status = cli_signal_status(NULL, NULL, cli_fail(&err));
		cli_result(hf_outcome_word(hf_outcome_recover(1, err.code, NULL)), 0);
	} else if (!rec.pending) {
		if (!o->c.quiet)
			printf("%s: nothing to recover\n", site->code);
		cli_result(hf_outcome_word(hf_outcome_recover(0, HF_OK, &rec)), 0);
	} else {
		hf_report_recovery_text(stdout, site, &rec);
		cli_result(hf_outcome_word(hf_outcome_recover(0, HF_OK, &rec)),
			   (unsigned long)rec.restored);
	}
	if (!r) /* recovery is never interrupted: it finished first */
		status = cli_signal_status(site->code,
					   rec.pending ? "the recovery had begun; it finished first"
						       : "nothing was pending",
					   status);
	hf_state_close(st);
	hf_site_free(site);
	return status;
}

static const struct cli_hier_cmd hier = { "recover", HF_ORDER_ANY, 0, cli_recover, NULL, NULL };

int cmd_recover(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_SITE | CLI_HIERARCHY, 0, 0, NULL, options };
	struct cli_opts o;
	int r = cli_parse(argc, argv, "recover", &syn, &o);

	if (r >= 0)
		return r;
	cli_catch_signals();
	if (o.hierarchy)
		return cli_hierarchy(&hier, &o, NULL);
	return cli_recover(&o, NULL, o.site);
}
