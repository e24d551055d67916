/* report_audit: every rendering of an audit -- text and JSON (urn:hotfix:audit:1) for
 * people and scripts, CSV (RFC 4180), XML (urn:hotfix:audit:1, schema
 * manifests/audit.xsd) and Graphviz DOT (the tree, each site coloured by compliance) for
 * tools -- and of `audit --verify-log` (text, urn:hotfix:verify-log:1).
 *
 * Owns: those formats and struct hf_logcheck_result.  It decides nothing: verdicts,
 * states, totals and drift come from audit, the log's problems from txlog.  Sites come
 * in the audit's order; a site's parent is drawn when it is part of the audit too.  A
 * site that could not be seen (HF_SITE_UNSEEN) has no code, type or service pack: those
 * fields are "?" or "-" (text), null (JSON), empty (CSV) or absent (XML), and DOT names
 * it by its root. */
#ifndef HOTFIX_REPORT_AUDIT_H
#define HOTFIX_REPORT_AUDIT_H

#include <stdio.h>

#include "audit.h"
#include "err.h"
#include "site.h"
#include "txlog.h"

void hf_report_audit_text(FILE *out, const struct hf_audit *a);
int hf_report_audit_json(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_report_audit_csv(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_report_audit_xml(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_report_audit_dot(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;

/* `audit --verify-log`: one site's transaction log as verified (txlog.h). */
struct hf_logcheck_result {
	const struct hf_site *site;
	const struct hf_txlog_check *check; /* NULL: could not be verified (message) */
	const char *message;
};

void hf_report_logcheck_text(FILE *out, const struct hf_logcheck_result *r);
int hf_report_logcheck_json(FILE *out, const struct hf_logcheck_result *r, size_t n) HF_MUST_CHECK;

#endif
