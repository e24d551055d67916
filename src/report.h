/* report: what `check`, `audit` and `list` print, as text for people and JSON for tools.
 *
 * Owns: all output formatting, and the JSON library (jansson), which no other module
 * touches.  JSON documents carry a "schema" member naming their shape and version
 * (urn:hotfix:check:1, urn:hotfix:audit:1, urn:hotfix:list:1); see doc/hotfix.1. */
#ifndef HOTFIX_REPORT_H
#define HOTFIX_REPORT_H

#include <stdio.h>

#include "audit.h"
#include "err.h"
#include "installed.h"
#include "manifest.h"
#include "plan.h"
#include "site.h"

/* The outcome of checking one manifest against one site. */
struct hf_check_result {
	const struct hf_manifest *manifest;
	const struct hf_site *site; /* NULL if the site could not be opened */
	const char *site_root;
	const struct hf_plan *plan; /* NULL if no plan was made */
	enum hf_code code;          /* HF_OK, or why the check failed */
	const char *message;        /* the error message, when code != HF_OK */
	int payload_checked;        /* the payload's size and SHA-256 were verified */
	int verbose;                /* text: also print sizes and hashes per file */
};

/* Result word for a check: "install", "current", "conflict", "not-applicable", "error". */
const char *hf_check_result_word(const struct hf_check_result *r);

void hf_report_check_text(FILE *out, const struct hf_check_result *r);
int hf_report_check_json(FILE *out, const struct hf_check_result *r, size_t n) HF_MUST_CHECK;

void hf_report_audit_text(FILE *out, const struct hf_audit *a);
int hf_report_audit_json(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;

void hf_report_list_text(FILE *out, const struct hf_site *site, const struct hf_installed *inst);
int hf_report_list_json(FILE *out, const struct hf_site *site,
			const struct hf_installed *inst) HF_MUST_CHECK;

#endif
