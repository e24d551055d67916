/* report_check: what `check` prints -- the plan of each file, the payload, the rollback
 * rehearsal, the processes using the files, the matrix against the installed hotfixes --
 * as text for people and JSON for tools (urn:hotfix:check:1 for one manifest,
 * urn:hotfix:matrix:1 for several; doc/hotfix.1 JSON).
 *
 * Owns: struct hf_check_result and every format of it.  It decides nothing: the result
 * word is outcome's (hf_outcome_check, hf_outcome_word).  Also the pieces that apply's
 * report (report_txn) reuses: the in-use lines, the manifest's and one site's JSON. */
#ifndef HOTFIX_REPORT_CHECK_H
#define HOTFIX_REPORT_CHECK_H

#include <stdio.h>

#include "err.h"
#include "inuse.h"
#include "manifest.h"
#include "matrix.h"
#include "plan.h"
#include "rehearsal.h"
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
	const struct hf_rehearsal *rehearsal; /* check: would a rollback work (or NULL) */
	const struct hf_inuse *inuse; /* check: processes using files to be replaced */
	const struct hf_matrix *matrix; /* check: against the registry (and other manifests) */
};

/* The check's result word, as outcome decides it: "install", "current", "conflict",
 * "rehearsal-failed", "not-applicable", "error". */
const char *hf_check_result_word(const struct hf_check_result *r);

void hf_report_check_text(FILE *out, const struct hf_check_result *r);

/* Several manifests checked against one site: one document, urn:hotfix:matrix:1, with
 * each check (as in urn:hotfix:check:1, plus "hotfix") and the matrix. */
int hf_report_checks_json(FILE *out, const struct hf_check_result *r, size_t n,
			  const struct hf_matrix *mx) HF_MUST_CHECK;

/* The matrix as text: one row per file, a column per hotfix, then the flags. */
void hf_report_matrix_text(FILE *out, const struct hf_site *site, const struct hf_matrix *mx);
int hf_report_check_json(FILE *out, const struct hf_check_result *r, size_t n) HF_MUST_CHECK;

/* For report_txn (apply prints the check first).  json_t is jansson's (json.h). */
struct json_t;

/* The in-use lines: before (check: files the hotfix would replace) or after a swap.
 * Nothing when u is NULL or /proc was not scanned. */
void hf_report_inuse_text(FILE *out, const struct hf_inuse *u, int before);
/* The in-use array, or null when not scanned. */
struct json_t *hf_report_inuse_json(const struct hf_inuse *u);
/* A document's manifest members: hotfix, revision, manifest, manifest_sha256, ... */
struct json_t *hf_report_manifest_json(const struct hf_manifest *m);
/* One element of "sites": root, site, type, ..., result, files. */
struct json_t *hf_report_check_object(const struct hf_check_result *r);

#endif
