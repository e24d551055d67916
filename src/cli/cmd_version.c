/* cli/version: `hotfix version FILE...` -- PE file and product versions. */
#include <stdio.h>

#include "pe.h"
#include "cli.h"

static const char options[] = "Output: one line per file, PATH<TAB>FILEVERSION<TAB>"
			      "PRODUCTVERSION;\n'-' for both and a reason on stderr when a file "
			      "has no version resource\n(exit status 4 then).\n\n";

int cmd_version(int argc, char **argv)
{
	static const struct cli_syntax syn = { 0, 1, -1, "FILE", options };
	struct cli_opts o;
	int status = cli_parse(argc, argv, "version", &syn, &o);

	if (status >= 0)
		return status;
	status = HF_EXIT_OK;
	for (int i = 0; i < o.nargs; i++) {
		struct hf_pe_info pe;
		struct hf_err err;
		char fv[HF_VERSION_STRLEN], pv[HF_VERSION_STRLEN];

		if (hf_pe_read_path(o.args[i], &pe, &err)) {
			printf("%s\t-\t-\n", o.args[i]);
			fprintf(stderr, "hotfix: %s\n", err.msg);
			status = HF_EXIT_UNUSABLE;
			continue;
		}
		printf("%s\t%s\t%s\n", o.args[i], hf_version_format(&pe.file_version, fv),
		       hf_version_format(&pe.product_version, pv));
	}
	return status;
}
