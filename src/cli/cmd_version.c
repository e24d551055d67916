/* cli/version: `hotfix version FILE...` -- PE file and product versions. */
#include <stdio.h>

#include "../pe.h"
#include "cli.h"

static const char options[] = "Output: one line per file, PATH<TAB>FILEVERSION<TAB>"
			      "PRODUCTVERSION;\n'-' for both and a reason on stderr when a file "
			      "has no version resource\n(exit status 4 then).\n\n";

int cmd_version(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	const struct cli_cmd *cmd = cli_find("version");
	struct cli_common c;
	int opt, status = 0;

	cli_common_init(&c);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1)
		if (!cli_common_option(&c, opt, optarg))
			return cli_usage_error(cmd, "unknown option: %s", argv[optind - 1]);
	if (c.help)
		return cli_help(cmd, options);
	if (optind >= argc)
		return cli_usage_error(cmd, "at least one FILE is needed");
	for (int i = optind; i < argc; i++) {
		struct hf_pe_info pe;
		struct hf_err err;
		char fv[HF_VERSION_STRLEN], pv[HF_VERSION_STRLEN];

		if (hf_pe_read_path(argv[i], &pe, &err)) {
			printf("%s\t-\t-\n", argv[i]);
			fprintf(stderr, "hotfix: %s\n", err.msg);
			status = 4;
			continue;
		}
		printf("%s\t%s\t%s\n", argv[i], hf_version_format(&pe.file_version, fv),
		       hf_version_format(&pe.product_version, pv));
	}
	return status;
}
