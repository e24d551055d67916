/* cli/inventory: `hotfix inventory --hierarchy FILE [--format ansible]` -- the hierarchy
 * as an inventory for an orchestration engine, so that its view and hotfix's stay one. */
#include <stdio.h>
#include <string.h>

#include "hierarchy.h"
#include "report_inventory.h"
#include "cli.h"

static const char options[] =
	"Options:\n"
	"  --hierarchy FILE  the hierarchy (required)\n"
	"  --format FORMAT   ansible (default): a YAML inventory (written as JSON) with the\n"
	"                    groups central, primary and secondary and, per site, the host\n"
	"                    variables hotfix_site_root, hotfix_site_code, hotfix_site_type,\n"
	"                    hotfix_parent, hotfix_servicepack and hotfix_tier\n\n";

int cmd_inventory(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_HIERARCHY | CLI_FORMAT, 0, 0, NULL, options };
	const struct cli_cmd *cmd = cli_find("inventory");
	struct hf_hierarchy *h = NULL;
	struct cli_opts o;
	struct hf_err err;
	int status = cli_parse(argc, argv, "inventory", &syn, &o);

	if (status >= 0)
		return status;
	if (!o.hierarchy)
		return cli_usage_error(cmd, "--hierarchy FILE is required");
	if (o.format && strcmp(o.format, "ansible") != 0)
		return cli_usage_error(cmd, "unknown format '%s' (ansible)", o.format);
	hf_err_clear(&err);
	if (hf_hierarchy_load(o.hierarchy, &h, &err))
		return cli_fail(&err);
	status = hf_report_inventory_ansible(stdout, h) ? HF_EXIT_FAILED : HF_EXIT_OK;
	hf_hierarchy_free(h);
	return status;
}
