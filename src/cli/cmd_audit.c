/* cli/audit: `hotfix audit MANIFEST... --site DIR [--verify-hashes] [--format F]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit.h"
#include "../report.h"
#include "../site.h"
#include "cli.h"

static const char options[] =
	"Options:\n"
	"  --site DIR        the site's root directory (holds site.xml)\n"
	"  --verify-hashes   also compare each file's SHA-256 (reads every file whole)\n"
	"  --format FORMAT   text (default) or json\n\n";

int cmd_audit(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "site", required_argument, NULL, OPT_SITE },
		{ "verify-hashes", no_argument, NULL, OPT_VERIFY_HASHES },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	const struct cli_cmd *cmd = cli_find("audit");
	struct cli_common c;
	struct hf_trust trust;
	struct hf_manifest **ms = NULL;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_audit audit = { 0 };
	struct hf_err err;
	const char *site_root = NULL, *format = "text";
	size_t nm = 0;
	int bad_input = 0, opt, status = 0;

	cli_common_init(&c);
	hf_err_clear(&err);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == OPT_SITE)
			site_root = optarg;
		else if (opt == OPT_VERIFY_HASHES)
			audit.verify_hashes = 1;
		else if (opt == OPT_FORMAT)
			format = optarg;
		else
			return cli_usage_error(cmd, "unknown option or missing argument: %s",
					       argv[optind - 1]);
	}
	if (c.help)
		return cli_help(cmd, options);
	if (optind >= argc)
		return cli_usage_error(cmd, "at least one MANIFEST is needed");
	if (!site_root)
		return cli_usage_error(cmd, "--site DIR is required");
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage_error(cmd, "unknown format '%s' (text or json)", format);

	cli_trust(&c, &trust);
	if (cli_open_site(site_root, HF_LOCK_SHARED, &site, &st, &err)) {
		hf_site_free(site);
		return cli_fail(&err);
	}
	ms = calloc((size_t)(argc - optind), sizeof(struct hf_manifest *));
	if (!ms) {
		hf_state_close(st);
		hf_site_free(site);
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	/* Audit only reads: a manifest that fails to load is reported, the rest go on. */
	for (int i = optind; i < argc; i++) {
		struct hf_manifest *m = NULL;

		if (hf_manifest_load(argv[i], &trust, &m, &err)) {
			status = cli_fail(&err);
			bad_input = 1;
			continue;
		}
		ms[nm++] = m;
		if (hf_audit_site(&audit, m, site, &err)) {
			status = cli_fail(&err);
			bad_input = 1;
		}
	}
	if (nm > 0) {
		int r = !strcmp(format, "json") ? hf_report_audit_json(stdout, &audit)
						: (hf_report_audit_text(stdout, &audit), 0);

		if (r)
			status = 1;
	}
	if (!bad_input)
		status = hf_audit_compliant(&audit, NULL) ? 0 : 1;
	hf_state_close(st);
	hf_audit_free(&audit);
	for (size_t i = 0; i < nm; i++)
		hf_manifest_free(ms[i]);
	free(ms);
	hf_site_free(site);
	return status;
}
