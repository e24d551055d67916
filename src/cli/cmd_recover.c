/* cli/recover: `hotfix recover (--site DIR | --hierarchy FILE)` -- finish or undo an
 * interrupted transaction; its report as text or JSON (urn:hotfix:recover:1). */
#include <stdio.h>

#include "outcome.h"
#include "report_txn.h"
#include "site.h"
#include "txn.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_recover_syntax = {
	CLI_SITE | CLI_HIERARCHY | CLI_JOBS, 0, 0, NULL, NULL, formats,
	"Every command that opens a site does this first; 'recover' does only this and\n"
	"says what it did: nothing pending, finished (the transaction had committed) or\n"
	"undone (the site is as before it).\n\n"
};

int cli_recover(const struct cli_opts *o, const char *unused, const char *site_root)
{
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_recovery rec = { 0 };
	struct hf_err err;
	const char *word;
	int status = HF_EXIT_OK, r, unwritten;

	(void)unused;
	hf_err_clear(&err);
	cli_error_site(site_root);
	r = hf_site_open(site_root, &site, &err);
	if (!r) /* recovery may run the site's stop and start commands */
		r = hf_site_trust(site, &err);
	if (!r)
		r = hf_state_open(site, HF_LOCK_EXCLUSIVE, &st, &err);
	if (!r)
		r = hf_txn_recover(st, &rec, &err);
	word = hf_outcome_word(r ? hf_outcome_recover(1, err.code, NULL)
				 : hf_outcome_recover(0, HF_OK, &rec));
	/* the report is the document, the error's too; an output that cannot be written
	 * changes no status (main) */
	unwritten = o->json && hf_report_recover_json(stdout, site_root, site, word, &rec, &err) &&
		    !ferror(stdout);
	if (r) {
		status = cli_signal_status(NULL, NULL, cli_fail(&err));
		cli_result(word, 0);
	} else if (!rec.pending) {
		if (!o->c.quiet && !o->json)
			printf("%s: nothing to recover\n", site->code);
		cli_result(word, 0);
	} else {
		if (!o->json)
			hf_report_recovery_text(stdout, site, &rec);
		cli_result(word, (unsigned long)rec.restored);
	}
	if (!r) /* recovery is never interrupted: it finished first */
		status = cli_signal_status(site->code,
					   rec.pending ? "the recovery had begun; it finished first"
						       : "nothing was pending",
					   status);
	hf_state_close(st);
	hf_site_free(site);
	return unwritten && !status ? HF_EXIT_FAILED : status;
}

static const struct cli_hier_cmd hier = { "recover", HF_ORDER_ANY, 0, cli_recover, NULL, NULL, 0 };

int cmd_recover(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, "recover", &o);

	if (r >= 0)
		return r;
	cli_catch_signals();
	if (o.hierarchy)
		return cli_hierarchy(&hier, &o, NULL);
	return cli_recover(&o, NULL, o.site);
}
