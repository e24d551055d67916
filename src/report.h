/* report: what `check`, `audit` and `list` print, as text for people and JSON for tools.
 *
 * Owns: all output formatting, and the JSON library (jansson), which no other module
 * touches.  JSON documents carry a "schema" member naming their shape and version
 * (urn:hotfix:check:1, urn:hotfix:apply:1, urn:hotfix:rollback:1, urn:hotfix:audit:1,
 * urn:hotfix:list:1); see doc/hotfix.1. */
#ifndef HOTFIX_REPORT_H
#define HOTFIX_REPORT_H

#include <stdio.h>

#include "audit.h"
#include "err.h"
#include "hierarchy.h"
#include "installed.h"
#include "inuse.h"
#include "manifest.h"
#include "matrix.h"
#include "plan.h"
#include "rehearse.h"
#include "site.h"
#include "txlog.h"
#include "txn.h"

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
	const struct hf_rehearsal *rehearsal; /* check: would a rollback work (or NULL) */
	const struct hf_inuse *inuse; /* check: processes using files to be replaced */
	const struct hf_matrix *matrix; /* check: against the registry (and other manifests) */
};

/* Result word for a check: "install", "current", "conflict", "not-applicable", "error". */
const char *hf_check_result_word(const struct hf_check_result *r);

void hf_report_check_text(FILE *out, const struct hf_check_result *r);

/* Several manifests checked against one site: one document, urn:hotfix:matrix:1, with
 * each check (as in urn:hotfix:check:1, plus "hotfix") and the matrix. */
int hf_report_checks_json(FILE *out, const struct hf_check_result *r, size_t n,
			  const struct hf_matrix *mx) HF_MUST_CHECK;

/* The matrix as text: one row per file, a column per hotfix, then the flags. */
void hf_report_matrix_text(FILE *out, const struct hf_site *site, const struct hf_matrix *mx);
int hf_report_check_json(FILE *out, const struct hf_check_result *r, size_t n) HF_MUST_CHECK;

/* One line saying what recovery did ("" when nothing was pending). */
void hf_report_recovery_text(FILE *out, const struct hf_site *site, const struct hf_recovery *rec);

/* apply: the plan (as check prints it) and what the transaction did. */
struct hf_apply_result {
	struct hf_check_result check;
	const struct hf_txn_result *txn; /* NULL if no transaction was attempted */
	const struct hf_inuse *still;    /* processes still using a replaced inode */
};

/* "applied", "current", "conflict", "not-applicable", "failed", "interrupted", "busy",
 * "error". */
const char *hf_apply_result_word(const struct hf_apply_result *r);
void hf_report_apply_text(FILE *out, const struct hf_apply_result *r);
int hf_report_apply_json(FILE *out, const struct hf_apply_result *r) HF_MUST_CHECK;

/* rollback of one hotfix on one site. */
struct hf_rollback_result {
	const struct hf_site *site; /* NULL if it could not be opened */
	const char *site_root, *id;
	const struct hf_txn_result *txn;
	enum hf_code code;
	const char *message;
	const struct hf_inuse *still; /* processes still using a replaced inode */
};

/* "rolled-back", "not-installed", "conflict", "failed", "interrupted", "busy", "error". */
const char *hf_rollback_result_word(const struct hf_rollback_result *r);
void hf_report_rollback_text(FILE *out, const struct hf_rollback_result *r);
int hf_report_rollback_json(FILE *out, const struct hf_rollback_result *r) HF_MUST_CHECK;

/* `audit --verify-log`: one site's transaction log as verified (txlog.h). */
struct hf_logcheck_result {
	const struct hf_site *site;
	const struct hf_txlog_check *check; /* NULL: could not be verified (message) */
	const char *message;
};

void hf_report_logcheck_text(FILE *out, const struct hf_logcheck_result *r);
int hf_report_logcheck_json(FILE *out, const struct hf_logcheck_result *r, size_t n) HF_MUST_CHECK;

/* One site of a hierarchy run, for the summary. */
struct hf_summary_row {
	const struct hf_site *site;
	const char *result;    /* "applied", "current", "skipped", ... */
	unsigned long changed; /* files */
	double seconds;
	const char *reason;    /* why skipped or how it died; may be "" */
	int status;            /* the site's exit status; -1 when skipped */
};

/* The summary table of a hierarchy run, and its exit status. */
void hf_report_summary_text(FILE *out, const char *command, const struct hf_summary_row *rows,
			    size_t n, int status);

/* One JSON document for a hierarchy run: the per-site documents the workers printed
 * (docs[i] may be NULL: skipped) merged into one "sites" array, plus "summary". */
int hf_report_hierarchy_json(FILE *out, const char *command, const char *hierarchy,
			     const char *const *docs, const struct hf_summary_row *rows, size_t n,
			     int status) HF_MUST_CHECK;

void hf_report_audit_text(FILE *out, const struct hf_audit *a);
int hf_report_audit_json(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;

void hf_report_list_text(FILE *out, const struct hf_site *site, const struct hf_installed *inst);
int hf_report_list_json(FILE *out, const struct hf_site *site,
			const struct hf_installed *inst) HF_MUST_CHECK;

/* The hierarchy as an Ansible inventory (YAML, written as JSON, which YAML reads): groups
 * central, primary and secondary under all; each site a host named by its code, with
 * hotfix_site_root (absolute), hotfix_site_code, hotfix_site_type, hotfix_parent (null
 * for the central site), hotfix_servicepack and hotfix_tier (0, 1, 2). */
int hf_report_inventory_ansible(FILE *out, const struct hf_hierarchy *h) HF_MUST_CHECK;

#endif
