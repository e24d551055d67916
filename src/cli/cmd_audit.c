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
	static const struct cli_syntax syn = { CLI_SITE | CLI_VERIFY_HASHES | CLI_FORMAT, 1, -1,
					       "MANIFEST", options };
	const struct cli_cmd *cmd = cli_find("audit");
	struct cli_opts o;
	struct hf_trust trust;
	struct hf_manifest **ms = NULL;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_audit audit = { 0 };
	struct hf_err err;
	const char *format;
	size_t nm = 0;
	int bad_input = 0, status = cli_parse(argc, argv, "audit", &syn, &o);

	if (status >= 0)
		return status;
	status = 0;
	format = o.format ? o.format : "text";
	audit.verify_hashes = o.verify_hashes;
	hf_err_clear(&err);
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage_error(cmd, "unknown format '%s' (text or json)", format);

	cli_trust(&o.c, &trust);
	if (cli_open_site(o.site, HF_LOCK_SHARED, &site, &st, &err)) {
		hf_site_free(site);
		return cli_fail(&err);
	}
	ms = calloc((size_t)o.nargs, sizeof(struct hf_manifest *));
	if (!ms) {
		hf_state_close(st);
		hf_site_free(site);
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	/* Audit only reads: a manifest that fails to load is reported, the rest go on. */
	for (int i = 0; i < o.nargs; i++) {
		struct hf_manifest *m = NULL;

		if (hf_manifest_load(o.args[i], &trust, &m, &err)) {
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
