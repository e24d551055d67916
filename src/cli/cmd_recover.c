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
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS,
						  { "site", required_argument, NULL, OPT_SITE },
						  { NULL, 0, NULL, 0 } };
	const struct cli_cmd *cmd = cli_find("recover");
	struct cli_common c;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_recovery rec;
	struct hf_err err;
	const char *site_root = NULL;
	int opt, status = 0, r;

	cli_common_init(&c);
	hf_err_clear(&err);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == OPT_SITE)
			site_root = optarg;
		else
			return cli_usage_error(cmd, "unknown option or missing argument: %s",
					       argv[optind - 1]);
	}
	if (c.help)
		return cli_help(cmd, options);
	if (optind != argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (!site_root)
		return cli_usage_error(cmd, "--site DIR is required");

	r = hf_site_open(site_root, &site, &err);
	if (!r)
		r = hf_state_open(site, HF_LOCK_EXCLUSIVE, &st, &err);
	if (!r)
		r = hf_txn_recover(st, &rec, &err);
	if (r) {
		status = cli_fail(&err);
	} else if (!rec.pending) {
		if (!c.quiet)
			printf("%s: nothing to recover\n", site->code);
	} else {
		hf_report_recovery_text(stdout, site, &rec);
	}
	hf_state_close(st);
	hf_site_free(site);
	return status;
}
