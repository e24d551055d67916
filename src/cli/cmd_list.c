/* cli/list: `hotfix list --site DIR [--json]` -- the site's installed hotfixes. */
#include <stdio.h>

#include "registry.h"
#include "report_inventory.h"
#include "site.h"
#include "cli.h"

static const char options[] = "Options:\n"
			      "  --site DIR   the site's root directory (holds site.xml)\n"
			      "  --json       print a JSON document\n\n";

int cmd_list(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_SITE | CLI_JSON, 0, 0, NULL, options };
	struct cli_opts o;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_registry *inst = NULL;
	struct hf_err err;
	int status = cli_parse(argc, argv, "list", &syn, &o);

	if (status >= 0)
		return status;
	status = HF_EXIT_OK;
	hf_err_clear(&err);
	if (cli_open_site(o.site, HF_LOCK_SHARED, &site, &st, &err) ||
	    hf_registry_load(site, st->dirfd, &inst, &err)) {
		status = cli_fail(&err);
	} else if (o.json) {
		status = hf_report_list_json(stdout, site, inst) ? HF_EXIT_FAILED : HF_EXIT_OK;
	} else {
		hf_report_list_text(stdout, site, inst);
	}
	hf_state_close(st);
	hf_registry_free(inst);
	hf_site_free(site);
	return status;
}
