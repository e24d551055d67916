/* cli/authenticode: `hotfix authenticode FILE... [--pe-trust PEM] [--format text|json]`
 * -- the Authenticode signatures of PE files (authenticode.h), one verdict per file. */
#include <stdio.h>
#include <stdlib.h>

#include "authenticode.h"
#include "report_authenticode.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_authenticode_syntax = {
	CLI_PE_TRUST, 1, -1, "FILE", "FILE...", formats,
	"Output: one line per file, PATH<TAB>STATUS<TAB>SIGNER, STATUS one of valid,\n"
	"expired, untrusted, unsigned, invalid ('-' when no signer; a file that cannot\n"
	"be read is an error and invalid, no line with -q); why a file is not valid on\n"
	"stderr (not with -q), and with -v every signature.  A file is invalid\n"
	"when any of its signatures is, else its best signature's status.  Revocation\n"
	"and page hashes are not checked.  JSON: urn:hotfix:authenticode:1.\n"
	"Exit status here: 0 all valid, 1 some unsigned, untrusted or expired, 4 some\n"
	"invalid or unreadable (or the trust file unusable).\n\n"
};

/* The exit status a file's verdict asks for */
static int file_status(const struct hf_ac_row *r)
{
	if (!r->ok || r->res->status == HF_AC_INVALID)
		return HF_EXIT_UNUSABLE;
	return r->res->status == HF_AC_VALID ? HF_EXIT_OK : HF_EXIT_FAILED;
}

int cmd_authenticode(int argc, char **argv)
{
	struct cli_opts o;
	struct hf_ac_trust *t = NULL;
	struct hf_ac_result *res = NULL;
	struct hf_report_ac *doc = NULL;
	struct hf_err err;
	int status = cli_parse(argc, argv, "authenticode", &o), worst = HF_EXIT_OK;

	if (status >= 0)
		return status;
	status = HF_EXIT_OK;
	hf_err_clear(&err);
	if (cli_pe_trust_open(&o, &t, &err) != 0) {
		cli_error_file(o.pe_trust);
		return cli_fail(&err);
	}
	res = malloc(sizeof(*res));
	if (!res || (o.json && !(doc = hf_report_ac_begin(o.pe_trust)))) {
		free(res);
		hf_ac_trust_close(t);
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	for (int i = 0; i < o.nargs; i++) {
		struct hf_ac_row r = { .path = o.args[i], .ok = 1, .res = res };
		int st;

		hf_err_clear(&r.err);
		if (hf_ac_verify_path(t, o.args[i], 0, res, &r.err) != 0) {
			r.ok = 0;
			(void)cli_fail(&r.err); /* an error: said even with -q */
		}
		if (doc) {
			if (hf_report_ac_add(doc, &r) != 0)
				status = HF_EXIT_FAILED; /* told by the missing document */
		} else if (r.ok || !o.c.quiet) { /* -q: no line for an error (as version) */
			hf_report_ac_line(stdout, &r);
			if (!o.c.quiet)
				hf_report_ac_reason(stderr, &r);
		}
		if (o.c.verbose)
			hf_report_ac_signatures(stderr, &r);
		st = file_status(&r);
		if (st > worst)
			worst = st;
	}
	if (doc && hf_report_ac_dump(stdout, doc) != 0 && !ferror(stdout))
		status = HF_EXIT_FAILED;
	free(res);
	hf_ac_trust_close(t);
	/* a JSON document that could not be made: at least 1 (the error document says so) */
	return status > worst ? status : worst;
}
