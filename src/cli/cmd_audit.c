/* cli/audit: `hotfix audit MANIFEST... (--site DIR | --hierarchy FILE) [--verify-hashes]
 * [--format text|json|csv|xml|dot]`.
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

#include "../audit.h"
#include "../hierarchy.h"
#include "../installed.h"
#include "../report_audit.h"
#include "../report_txn.h"
#include "../site.h"
#include "../txlog.h"
#include "../txn.h"
#include "cli.h"

static const char options[] =
	"Options:\n"
	"  --site DIR        the site's root directory (holds site.xml)\n"
	"  --hierarchy FILE  every site of a hierarchy, parents first; files that differ\n"
	"                    from the parent site's (same service pack) are flagged: drift\n"
	"  --verify-hashes   also compare each file's SHA-256 (reads every file whole)\n"
	"  --verify-log      check each site's hash-chained transaction log and its signed\n"
	"                    receipts (against --trust); MANIFESTs are then optional\n"
	"  --format FORMAT   text (default), json, csv (RFC 4180), xml (manifests/audit.xsd)\n"
	"                    or dot (Graphviz: the tree, coloured by compliance)\n\n"
	"A site that is busy, damaged or unreadable, or a file that cannot be read, is\n"
	"reported unknown, never compliant; audit then exits 7 (incomplete).\n\n";

static const char *const formats[] = { "text", "json", "csv", "xml", "dot" };

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

/* --verify-log of one site (lock held): into *chk, or a message in lc. */
static void verify_log(const struct cli_opts *o, struct hf_state *st, struct hf_site *site,
		       struct hf_logcheck_result *lc, struct hf_txlog_check *chk,
		       struct hf_err *err)
{
	struct hf_installed *inst = NULL;
	char display[4200];

	lc->site = site;
	snprintf(display, sizeof(display), "%s/%s", site->root, HF_STATE_DIR);
	if (hf_installed_load(site, &inst, err) == 0 &&
	    hf_txlog_verify(st->dirfd, display, inst->present, inst->sha256,
			    o->c.skip_signature ? NULL : o->c.trust, chk, err) == 0)
		lc->check = chk;
	else
		lc->message = err->msg;
	hf_installed_free(inst);
}

/* The site could not be audited (why: busy, damaged, unreadable): each manifest is
 * unknown there.  Returns 0, or the exit status of running out of memory. */
static int not_seen(const struct cli_opts *o, struct hf_audit *a, const struct hf_site *site,
		    struct hf_manifest **ms, size_t nm, const char *why)
{
	struct hf_err err;

	cli_warn(&o->c, "%s: not audited, reported unknown: %s",
		 HF_SITE_UNSEEN(site) ? site->root : site->code, why);
	for (size_t k = 0; k < nm; k++)
		if (hf_audit_unknown(a, ms[k], site, why, &err))
			return cli_fail(&err);
	return 0;
}

/* Audit one site under its (shared) lock, after recovering it; unseen says why the site
 * could not even be opened (or is NULL).  Returns 0, or the exit status of a site that
 * could not be audited and is not in the audit (reported): with no MANIFEST
 * (--verify-log alone), or out of memory. */
static int audit_site(const struct cli_opts *o, struct hf_audit *a, struct hf_site *site,
		      const char *unseen, struct hf_manifest **ms, size_t nm,
		      struct hf_logcheck_result *lc, struct hf_txlog_check *chk,
		      struct hf_err *lerr)
{
	struct hf_state *st = NULL;
	struct hf_recovery rec;
	struct hf_err err;
	int status = 0;

	hf_err_clear(&err);
	if (unseen) {
		if (lc) {
			lc->site = site;
			lc->message = unseen;
		}
		return not_seen(o, a, site, ms, nm, unseen);
	}
	if (hf_txn_open(site, HF_LOCK_SHARED, &st, &rec, &err)) {
		if (lc) {
			lc->site = site;
			*lerr = err;
			lc->message = lerr->msg;
		}
		if (nm == 0)
			return cli_fail(&err);
		return not_seen(o, a, site, ms, nm, err.msg); /* never waits: busy is unknown */
	}
	if (rec.damaged && nm > 0) {
		/* an interrupted transaction left the files in between: not audited */
		status = not_seen(o, a, site, ms, nm, rec.damage);
	} else {
		hf_report_recovery_text(stderr, site, &rec);
		for (size_t k = 0; k < nm; k++)
			if (hf_audit_site(a, ms[k], site, &err))
				status = cli_fail(&err);
	}
	if (lc) {
		hf_err_clear(lerr);
		verify_log(o, st, site, lc, chk, lerr);
	}
	hf_state_close(st);
	return status;
}

/* Print the log verification; 1 if any log has a problem or could not be verified. */
static int print_logs(const char *format, const struct hf_logcheck_result *lc, size_t n,
		      int *failed)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++)
		bad |= !lc[i].check || lc[i].check->problems != 0;
	if (!strcmp(format, "json")) {
		if (hf_report_logcheck_json(stdout, lc, n))
			*failed = 1;
	} else {
		for (size_t i = 0; i < n; i++)
			hf_report_logcheck_text(stdout, &lc[i]);
	}
	return bad;
}

/* A stand-in for the site at root, whose site.xml could not be read: only its root. */
static struct hf_site *stand_in(const char *root)
{
	struct hf_site *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->rootfd = -1;
	s->root = strdup(root);
	if (!s->root) {
		free(s);
		return NULL;
	}
	return s;
}

int cmd_audit(int argc, char **argv)
{
	static const struct cli_syntax syn = { CLI_SITE | CLI_HIERARCHY | CLI_VERIFY_HASHES |
						       CLI_FORMAT | CLI_VERIFY_LOG,
					       0, -1, "MANIFEST", options };
	const struct cli_cmd *cmd = cli_find("audit");
	struct cli_opts o;
	struct hf_trust trust;
	struct hf_manifest **ms = NULL;
	struct hf_site *site = NULL;
	struct hf_hierarchy *h = NULL;
	struct hf_audit audit = { 0 };
	struct hf_err err, *lerr = NULL;
	char *unseen = NULL; /* --site: why the site could not be opened */
	struct hf_logcheck_result *lc = NULL;
	struct hf_txlog_check *chk = NULL;
	const char *format;
	size_t nm = 0, known = 0, nsites;
	int bad_input = 0, logs_bad = 0, status = cli_parse(argc, argv, "audit", &syn, &o);

	if (status >= 0)
		return status;
	if (o.nargs == 0 && !o.verify_log)
		return cli_usage_error(cli_find("audit"), "at least one MANIFEST is needed (or "
							  "--verify-log)");
	status = 0;
	format = o.format ? o.format : "text";
	audit.verify_hashes = o.verify_hashes;
	hf_err_clear(&err);
	for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
		known |= !strcmp(format, formats[k]);
	if (!known)
		return cli_usage_error(cmd, "unknown format '%s' (text, json, csv, xml or dot)",
				       format);
	if (o.verify_log && strcmp(format, "text") != 0 &&
	    (o.nargs > 0 || strcmp(format, "json") != 0))
		return cli_usage_error(cmd, "--verify-log prints text, or JSON when no MANIFEST "
					    "is given");
	/* with MANIFESTs, a site that cannot be read is in the report, unknown */
	if (o.hierarchy) {
		if (o.nargs > 0 ? hf_hierarchy_load_partial(o.hierarchy, &h, &err)
				: hf_hierarchy_load(o.hierarchy, &h, &err))
			return cli_fail(&err);
	} else if (hf_site_open(o.site, &site, &err)) {
		if (err.code != HF_E_IO || o.nargs == 0)
			return cli_fail(&err);
		site = stand_in(o.site);
		unseen = strdup(err.msg);
		if (!site || !unseen) {
			hf_site_free(site);
			free(unseen);
			hf_err_set(&err, HF_E_NOMEM, "out of memory");
			return cli_fail(&err);
		}
	}
	nsites = h ? h->n : 1;
	ms = calloc((size_t)o.nargs + 1, sizeof(struct hf_manifest *));
	if (o.verify_log) {
		lc = calloc(nsites, sizeof(*lc));
		chk = calloc(nsites, sizeof(*chk));
		lerr = calloc(nsites, sizeof(*lerr));
	}
	if (!ms || (o.verify_log && (!lc || !chk || !lerr))) {
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		status = cli_fail(&err);
		goto out;
	}
	/* Audit only reads: a manifest that fails to load is reported, the rest go on. */
	cli_trust(&o.c, &trust);
	for (int i = 0; i < o.nargs; i++) {
		if (hf_manifest_load(o.args[i], &trust, &ms[nm], &err)) {
			status = cli_fail(&err);
			bad_input = 1;
			continue;
		}
		nm++;
	}
	if (h) {
		for (size_t k = 0; k < h->n; k++) { /* parents first */
			const struct hf_hsite *hs = &h->sites[h->order[k]];
			int st = audit_site(&o, &audit, hs->site, hs->unseen, ms, nm,
					    lc ? &lc[k] : NULL, chk ? &chk[k] : NULL,
					    lerr ? &lerr[k] : NULL);

			if (st) {
				status = st;
				bad_input = 1;
			}
		}
		for (size_t i = 0; i < h->n; i++)
			if (h->sites[i].parent != HF_NO_PARENT)
				(void)hf_audit_drift(&audit, h->sites[i].site,
						     h->sites[h->sites[i].parent].site);
	} else if (site) { /* opened above, or a stand-in */
		int st = audit_site(&o, &audit, site, unseen, ms, nm, lc, chk, lerr);

		if (st) {
			status = st;
			bad_input = 1;
		}
	}
	if (lc)
		logs_bad = print_logs(format, lc, nsites, &bad_input);
	if (nm > 0 && print(format, &audit))
		status = 1;
	if (!bad_input && nm > 0 && !hf_audit_complete(&audit, NULL))
		status = hf_exit_code(HF_E_INCOMPLETE); /* whatever else: the report says */
	else if (!bad_input)
		status = (nm == 0 || hf_audit_compliant(&audit, NULL)) && !logs_bad ? 0 : 1;
out:
	free(lc);
	free(chk);
	free(lerr);
	hf_audit_free(&audit);
	for (size_t i = 0; i < nm; i++)
		hf_manifest_free(ms[i]);
	free(ms);
	hf_site_free(site);
	free(unseen);
	hf_hierarchy_free(h);
	return status;
}
