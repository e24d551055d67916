/* cli/list: `hotfix list (--site DIR | --hierarchy FILE)` -- the installed hotfixes of a
 * site, or of every site of a hierarchy (one report per site, in tree order). */
#include <stdio.h>

#include "outcome.h"
#include "registry.h"
#include "report_inventory.h"
#include "site.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_list_syntax = {
	CLI_SITE | CLI_HIERARCHY | CLI_JOBS, 0, 0, NULL, NULL, formats,
	"Per hotfix: its id, revision, when it was installed and, per file, the version\n"
	"it replaced and the version it installed.  With --hierarchy, one report per\n"
	"site, in tree order (parents first), then the summary.\n\n"
};

static int list_site(const struct cli_opts *o, const char *unused, const char *root)
{
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_registry *inst = NULL;
	struct hf_err err;
	int status = HF_EXIT_OK;

	(void)unused;
	hf_err_clear(&err);
	if (cli_open_site(root, HF_LOCK_SHARED, &site, &st, &err) ||
	    hf_registry_load(site, st->dirfd, &inst, &err)) {
		status = cli_fail(&err);
	} else if (o->json) {
		status = hf_report_list_json(stdout, site, inst) ? HF_EXIT_FAILED : HF_EXIT_OK;
	} else {
		hf_report_list_text(stdout, site, inst);
	}
	cli_result(hf_outcome_word(!status ? HF_OUT_LISTED
				   : err.code == HF_E_BUSY ? HF_OUT_BUSY : HF_OUT_ERROR), 0);
	hf_state_close(st);
	hf_registry_free(inst);
	hf_site_free(site);
	return status;
}

/* a reader: any order runs; the reports are printed in tree order */
static const struct cli_hier_cmd hier = { "list", HF_ORDER_ANY, 0, list_site, NULL, NULL, 1 };

int cmd_list(int argc, char **argv)
{
	struct cli_opts o;
	int status = cli_parse(argc, argv, "list", &o);

	if (status >= 0)
		return status;
	if (o.hierarchy)
		return cli_hierarchy(&hier, &o, NULL);
	return list_site(&o, NULL, o.site);
}
