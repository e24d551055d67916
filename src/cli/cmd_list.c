/* cli/list: `hotfix list --site DIR [--json]` -- the site's installed hotfixes. */
#include <stdio.h>

#include "../installed.h"
#include "../report.h"
#include "../site.h"
#include "cli.h"

static const char options[] = "Options:\n"
			      "  --site DIR   the site's root directory (holds site.xml)\n"
			      "  --json       print a JSON document\n\n";

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS,
						  { "site", required_argument, NULL, OPT_SITE },
						  { "json", no_argument, NULL, OPT_JSON },
						  { NULL, 0, NULL, 0 } };
	const struct cli_cmd *cmd = cli_find("list");
	struct cli_common c;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_installed *inst = NULL;
	struct hf_err err;
	const char *site_root = NULL;
	int json = 0, opt, status = 0;

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
	if (optind != argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (!site_root)
		return cli_usage_error(cmd, "--site DIR is required");
	if (cli_open_site(site_root, HF_LOCK_SHARED, &site, &st, &err) ||
	    hf_installed_load(site, &inst, &err)) {
		status = cli_fail(&err);
	} else if (json) {
		status = hf_report_list_json(stdout, site, inst) ? 1 : 0;
	} else {
		hf_report_list_text(stdout, site, inst);
	}
	hf_state_close(st);
	hf_installed_free(inst);
	hf_site_free(site);
	return status;
}
