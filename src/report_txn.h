/* report_txn: what the transactions print -- `apply` (the check, then what the
 * transaction did), `rollback`, and what recovery did (the line of every command, and
 * `recover`'s report) -- as text and JSON (urn:hotfix:apply:1, urn:hotfix:rollback:1,
 * urn:hotfix:recover:1; doc/hotfix.1 JSON).
 *
 * Owns: struct hf_apply_result, struct hf_rollback_result and every format of them, and
 * of struct hf_recovery.  It decides nothing: the result words are outcome's
 * (hf_outcome_apply, hf_outcome_rollback, hf_outcome_recover). */
#ifndef HOTFIX_REPORT_TXN_H
#define HOTFIX_REPORT_TXN_H

#include <stdio.h>

#include "err.h"
#include "inuse.h"
#include "report_check.h"
#include "site.h"
#include "txn.h"

/* One line saying what recovery did ("" when nothing was pending). */
void hf_report_recovery_text(FILE *out, const struct hf_site *site, const struct hf_recovery *rec);

/* `recover`'s JSON document (urn:hotfix:recover:1) for the site at root (site: opened, or
 * NULL): its result word (outcome's), what was pending and what was done, or the error
 * (err->code != HF_OK; rec is then not read). */
int hf_report_recover_json(FILE *out, const char *root, const struct hf_site *site,
			   const char *result, const struct hf_recovery *rec,
			   const struct hf_err *err) HF_MUST_CHECK;

/* apply: the plan (as check prints it) and what the transaction did. */
struct hf_apply_result {
	struct hf_check_result check;
	const struct hf_txn_result *txn; /* NULL if no transaction was attempted */
	const struct hf_inuse *still;    /* processes still using a replaced inode */
};

/* As outcome decides it: "applied", "current", "conflict", "not-applicable", "failed",
 * "interrupted", "busy", "error" (or the check's word when no transaction ran). */
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

/* As outcome decides it: "rolled-back", "not-installed", "conflict", "failed",
 * "interrupted", "busy", "error". */
const char *hf_rollback_result_word(const struct hf_rollback_result *r);
void hf_report_rollback_text(FILE *out, const struct hf_rollback_result *r);
int hf_report_rollback_json(FILE *out, const struct hf_rollback_result *r) HF_MUST_CHECK;

#endif
