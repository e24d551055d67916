/* cli/audit: `hotfix audit [MANIFEST...] (--site DIR | --hierarchy FILE) [--verify-hashes]
 * [--verify-log] [--format text|json|csv|xml|dot]`: the options, the manifests loaded, the core
 * (auditor.h: hf_auditor_open, hf_auditor_run -- the walk and drift -- and the exit
 * status), the report.
 *
 * An audit never reports what it did not see: a site that is busy (its lock held), whose
 * site.xml or state cannot be read, or whose interrupted transaction a reader may not
 * recover is reported unknown -- one record per manifest, with the reason -- and the
 * audit goes on; it never waits for a lock.  Exit 0: every site and file seen and
 * compliant; 1: something required, nothing unknown; 7 (HF_E_INCOMPLETE): something
 * unknown; 4 (before them): a MANIFEST could not be loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditor.h"
#include "authenticode.h"
#include "report_audit.h"
#include "report_txn.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", "csv", "xml", "dot", NULL };

const struct cli_syntax cli_audit_syntax = {
	CLI_SITE | CLI_HIERARCHY | CLI_VERIFY_HASHES | CLI_VERIFY_LOG | CLI_VERIFY_SIGNATURES |
		CLI_PE_TRUST,
	0, -1, "MANIFEST",
	"[MANIFEST...]", formats,
	"Formats: text (default), json, csv (RFC 4180), xml (manifests/audit.xsd) or dot\n"
	"(Graphviz: the tree, coloured by compliance).  With --hierarchy, parents first;\n"
	"files that differ from the parent site's (same service pack) are flagged: drift.\n"
	"A site that is busy, damaged or unreadable, or a file that cannot be read, is\n"
	"reported unknown, never compliant; audit then exits 7 (incomplete).\n"
	"With --verify-signatures, each installed file (ok or newer) must also carry\n"
	"an Authenticode signature valid against --pe-trust, or it is not compliant\n"
	"(verdict 'signature').\n\n"
};

static int print(const char *format, const struct hf_audit *a)
{
	if (!strcmp(format, "json"))
		return hf_report_audit_json(stdout, a);
	if (!strcmp(format, "csv"))
		return hf_report_audit_csv(stdout, a);
	if (!strcmp(format, "xml"))
		return hf_report_audit_xml(stdout, a);
	if (!strcmp(format, "dot"))
		return hf_report_audit_dot(stdout, a);
	hf_report_audit_text(stdout, a);
	return 0;
}

/* What the walk says on stderr (auditor.h). */
static void recovered(void *ctx, const struct hf_site *site, const struct hf_recovery *rec)
{
	(void)ctx;
	hf_report_recovery_text(stderr, site, rec);
}

static void unseen(void *ctx, const struct hf_site *site, const char *why, const char *hint)
{
	const struct cli_opts *o = ctx;

	cli_warn(&o->c, "%s: not audited, reported unknown: %s",
		 HF_SITE_UNSEEN(site) ? site->root : site->code, why);
	if (hint[0] && !o->c.quiet)
		fprintf(stderr, "hotfix: hint: %s\n", hint);
}

static void failed(void *ctx, const struct hf_err *err)
{
	(void)ctx;
	(void)cli_fail(err);
}

/* Print the log verification; 1 if it could not be written (JSON). */
static int print_logs(const char *format, const struct hf_auditor *ar)
{
	struct hf_logcheck_result *lc = calloc(ar->nsites, sizeof(*lc));
	int bad = 0;

	if (!lc) {
		struct hf_err err;

		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		(void)cli_fail(&err);
		return HF_EXIT_FAILED;
	}
	for (size_t i = 0; i < ar->nsites; i++) {
		lc[i].site = ar->logs[i].site;
		lc[i].check = ar->logs[i].checked ? &ar->logs[i].check : NULL;
		lc[i].message = ar->logs[i].message;
	}
	if (!strcmp(format, "json")) {
		if (hf_report_logcheck_json(stdout, lc, ar->nsites))
			bad = 1;
	} else {
		for (size_t i = 0; i < ar->nsites; i++)
			hf_report_logcheck_text(stdout, &lc[i]);
	}
	free(lc);
	return bad;
}

int cmd_audit(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find("audit");
	struct cli_opts o;
	struct hf_trust trust;
	struct hf_manifest **ms = NULL;
	struct hf_auditor ar;
	struct hf_auditor_hooks hooks = { recovered, unseen, failed, &o };
	struct hf_err err;
	const char *format;
	size_t nm = 0;
	int bad_input = 0, logs_bad = 0, st, status = cli_parse(argc, argv, "audit", &o);

	memset(&ar, 0, sizeof(ar));
	if (status >= 0)
		return status;
	if (o.nargs == 0 && !o.verify_log)
		return cli_usage_error(cli_find("audit"), "at least one MANIFEST is needed (or "
							  "--verify-log)");
	status = HF_EXIT_OK;
	format = o.format; /* one of formats[] (cli_parse) */
	hf_err_clear(&err);
	if (o.verify_log && strcmp(format, "text") != 0 &&
	    (o.nargs > 0 || strcmp(format, "json") != 0))
		return cli_usage_error(cmd, "--verify-log prints text, or JSON when no MANIFEST "
					    "is given");
	/* with MANIFESTs, a site that cannot be read is in the report, unknown */
	if (hf_auditor_open(&ar, o.hierarchy, o.site, (size_t)o.nargs, o.verify_log, &err)) {
		hf_auditor_free(&ar);
		if (o.hierarchy)
			cli_error_file(o.hierarchy);
		else
			cli_error_site(o.site);
		return cli_fail(&err);
	}
	ar.audit.verify_hashes = o.verify_hashes;
	if (o.verify_signatures && o.nargs > 0 &&
	    cli_pe_trust_open(&o, &ar.audit.pe_trust, &err) != 0) {
		hf_auditor_free(&ar);
		cli_error_file(o.pe_trust);
		return cli_fail(&err);
	}
	ar.trust = o.c.skip_signature ? NULL : o.c.trust;
	ar.hooks = &hooks;
	ms = calloc((size_t)o.nargs + 1, sizeof(struct hf_manifest *));
	if (!ms) {
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		status = cli_fail(&err);
		goto out;
	}
	/* Audit only reads: a manifest that fails to load is reported, the rest go on. */
	cli_trust(&o.c, &trust);
	for (int i = 0; i < o.nargs; i++) {
		if (hf_manifest_load(o.args[i], &trust, &ms[nm], &err)) {
			cli_error_file(o.args[i]);
			status = cli_fail(&err);
			bad_input = 1;
			continue;
		}
		nm++;
	}
	st = hf_auditor_run(&ar, ms, nm);
	if (st) {
		status = st;
		bad_input = 1;
	}
	if (ar.logs) {
		logs_bad = hf_auditor_logs_bad(&ar);
		if (print_logs(format, &ar))
			bad_input = 1;
	}
	if (nm > 0 && print(format, &ar.audit))
		status = HF_EXIT_FAILED;
	if (!bad_input)
		status = hf_auditor_status(&ar, nm, logs_bad);
out:
	hf_ac_trust_close(ar.audit.pe_trust);
	hf_auditor_free(&ar);
	for (size_t i = 0; i < nm; i++)
		hf_manifest_free(ms[i]);
	free(ms);
	return status;
}
