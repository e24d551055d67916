/* cli/rollback: `hotfix rollback HOTFIX-ID --site DIR [--json]`. */
#include <stdio.h>
#include <string.h>

#include "../report.h"
#include "../site.h"
#include "../txn.h"
#include "cli.h"

static const char options[] =
	"Options:\n"
	"  --site DIR   the site's root directory (holds site.xml)\n"
	"  --json       print the result as one JSON document on stdout\n\n"
	"Restores the originals the hotfix replaced (content, mode, owner and times), only\n"
	"if every file is still the one the hotfix installed (checked by SHA-256), and\n"
	"removes the hotfix from the site's registry; its log keeps the history.\n"
	"A hotfix that is not installed: exit 3.\n\n";

int cmd_rollback(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS,
						  { "site", required_argument, NULL, OPT_SITE },
						  { "json", no_argument, NULL, OPT_JSON },
						  { NULL, 0, NULL, 0 } };
	const struct cli_cmd *cmd = cli_find("rollback");
	struct cli_common c;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_txn_result txn;
	struct hf_rollback_result res;
	struct hf_err err;
	const char *site_root = NULL;
	int json = 0, opt, status = 0, r;

	cli_common_init(&c);
	hf_err_clear(&err);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == OPT_SITE)
			site_root = optarg;
		else if (opt == OPT_JSON)
			json = 1;
		else
			return cli_usage_error(cmd, "unknown option or missing argument: %s",
					       argv[optind - 1]);
	}
	if (c.help)
		return cli_help(cmd, options);
	if (optind != argc - 1)
		return cli_usage_error(cmd, "exactly one HOTFIX-ID is needed");
	if (!site_root)
		return cli_usage_error(cmd, "--site DIR is required");
	if (!hf_id_is_safe(argv[optind]))
		return cli_usage_error(cmd, "'%s' is not a hotfix id", argv[optind]);

	memset(&txn, 0, sizeof(txn));
	memset(&res, 0, sizeof(res));
	res.site_root = site_root;
	res.id = argv[optind];
	res.txn = &txn;
	r = cli_open_site(site_root, HF_LOCK_EXCLUSIVE, &site, &st, &err);
	res.site = site;
	if (!r)
		r = hf_txn_rollback(st, argv[optind], &txn, &err);
	hf_state_close(st);
	res.code = r ? err.code : HF_OK;
	res.message = err.code != HF_OK ? err.msg : NULL;
	if (json) {
		if (hf_report_rollback_json(stdout, &res))
			status = 1;
	} else if (!c.quiet && err.code == HF_OK) {
		hf_report_rollback_text(stdout, &res);
	}
	if (txn.warning[0])
		fprintf(stderr, "hotfix: warning: %s\n", txn.warning);
	if (err.code != HF_OK)
		status = cli_fail(&err);
	hf_site_free(site);
	return status;
}
