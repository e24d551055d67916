/* cli/recover: `hotfix recover --site DIR` -- finish or undo an interrupted transaction. */
#include <stdio.h>

#include "../report.h"
#include "../site.h"
#include "../txn.h"
#include "cli.h"

static const char options[] =
	"Options:\n"
	"  --site DIR   the site's root directory (holds site.xml)\n\n"
	"Every command that opens a site does this first; 'recover' does only this and\n"
	"says what it did: nothing pending, finished (the transaction had committed) or\n"
	"undone (the site is as before it).\n\n";

int cmd_recover(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_SITE, 0, 0, NULL, options };
	struct cli_opts o;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_recovery rec;
	struct hf_err err;
	int status = 0, r = cli_parse(argc, argv, "recover", &syn, &o);

	if (r >= 0)
		return r;
	hf_err_clear(&err);
	r = hf_site_open(o.site, &site, &err);
	if (!r)
		r = hf_state_open(site, HF_LOCK_EXCLUSIVE, &st, &err);
	if (!r)
		r = hf_txn_recover(st, &rec, &err);
	if (r) {
		status = cli_fail(&err);
	} else if (!rec.pending) {
		if (!o.c.quiet)
			printf("%s: nothing to recover\n", site->code);
	} else {
		hf_report_recovery_text(stdout, site, &rec);
	}
	hf_state_close(st);
	hf_site_free(site);
	return status;
}
