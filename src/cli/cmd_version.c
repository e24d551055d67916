/* cli/version: `hotfix version FILE... [--format text|json]` -- PE file and product
 * versions. */
#include <stdio.h>
#include <stdlib.h>

#include "pe.h"
#include "report_inventory.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_version_syntax = {
	0, 1, -1, "FILE", "FILE...", formats,
	"Output: one line per file, PATH<TAB>FILEVERSION<TAB>PRODUCTVERSION;\n"
	"'-' for both and a reason on stderr when a file has no version resource\n"
	"(exit status 4 then; with -q, only the reason).  JSON: urn:hotfix:version:1.\n\n"
};

int cmd_version(int argc, char **argv)
{
	struct cli_opts o;
	struct hf_pe_version_row *rows;
	int status = cli_parse(argc, argv, "version", &o);

	if (status >= 0)
		return status;
	status = HF_EXIT_OK;
	rows = calloc((size_t)o.nargs, sizeof(*rows));
	if (!rows) {
		struct hf_err err;

		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	for (int i = 0; i < o.nargs; i++) {
		struct hf_pe_version_row *r = &rows[i];
		struct hf_pe_info pe;

		r->path = o.args[i];
		hf_err_clear(&r->err);
		if (hf_pe_read_path(o.args[i], &pe, &r->err)) {
			fprintf(stderr, "hotfix: %s\n", r->err.msg);
			status = HF_EXIT_UNUSABLE;
			continue;
		}
		r->ok = 1;
		r->file_version = pe.file_version;
		r->product_version = pe.product_version;
	}
	if (o.json) {
		if (hf_report_version_json(stdout, rows, (size_t)o.nargs))
			status = HF_EXIT_FAILED;
	} else {
		hf_report_version_text(stdout, rows, (size_t)o.nargs, o.c.quiet);
	}
	free(rows);
	return status;
}
