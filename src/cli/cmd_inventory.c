/* cli/inventory: `hotfix inventory --hierarchy FILE [--format ansible|json]` -- the
 * hierarchy as an inventory for an orchestration engine, so that its view and hotfix's
 * stay one; or as hotfix's own JSON document (urn:hotfix:inventory:1). */
#include <stdio.h>
#include <string.h>

#include "hierarchy.h"
#include "report_inventory.h"
#include "cli.h"

static const char *const formats[] = { "ansible", "json", NULL };

const struct cli_syntax cli_inventory_syntax = {
	CLI_HIERARCHY, 0, 0, NULL, NULL, formats,
	"Formats: ansible (default), a YAML inventory (written as JSON) with the groups\n"
	"central, primary and secondary and, per site, the host variables\n"
	"hotfix_site_root, hotfix_site_code, hotfix_site_type, hotfix_parent,\n"
	"hotfix_servicepack and hotfix_tier; json, the sites in tree order\n"
	"(urn:hotfix:inventory:1).\n\n"
};

int cmd_inventory(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find("inventory");
	struct hf_hierarchy *h = NULL;
	struct cli_opts o;
	struct hf_err err;
	int status = cli_parse(argc, argv, "inventory", &o);

	if (status >= 0)
		return status;
	if (!o.hierarchy)
		return cli_usage_error(cmd, "--hierarchy FILE is required");
	hf_err_clear(&err);
	if (hf_hierarchy_load(o.hierarchy, &h, &err)) {
		cli_error_file(o.hierarchy);
		return cli_fail(&err);
	}
	if (o.json)
		status = hf_report_inventory_json(stdout, h) ? HF_EXIT_FAILED : HF_EXIT_OK;
	else
		status = hf_report_inventory_ansible(stdout, h) ? HF_EXIT_FAILED : HF_EXIT_OK;
	hf_hierarchy_free(h);
	return status;
}
