/* outcome: the words hotfix uses for how a command ended on one site -- decided here,
 * from the error code and the results of the core, never by a printer.
 *
 * Owns: enum hf_outcome, its one table of words (hf_outcome_word), and the rules that
 * pick a site's outcome for check, apply, rollback and recover.  The words are part of
 * the interface: "result" in the JSON documents, the word a hierarchy worker sends on
 * its result pipe (runner.h), the summary's RESULT column (doc/hotfix.1 JSON, HIERARCHY).
 * Audit's verdicts ("compliant", ...) are audit's own (audit.h). */
#ifndef HOTFIX_OUTCOME_H
#define HOTFIX_OUTCOME_H

#include "err.h"
#include "plan.h"
#include "rehearsal.h"
#include "txn.h"

enum hf_outcome {
	HF_OUT_INSTALL,          /* check: files to install, nothing in the way */
	HF_OUT_CURRENT,          /* check, apply: every file current or newer */
	HF_OUT_CONFLICT,         /* a file in the way: refused, nothing changed */
	HF_OUT_NOT_APPLICABLE,   /* no file set for the site's product and service pack */
	HF_OUT_REHEARSAL_FAILED, /* check: a rollback would not work */
	HF_OUT_ERROR,            /* anything else: the error says what */
	HF_OUT_APPLIED,          /* apply: files replaced */
	HF_OUT_FAILED,           /* a transaction failed (undone, or not: the result says) */
	HF_OUT_INTERRUPTED,      /* a signal stopped it */
	HF_OUT_BUSY,             /* the site's lock was held */
	HF_OUT_ROLLED_BACK,      /* rollback: the originals are back */
	HF_OUT_NOT_INSTALLED,    /* rollback: the hotfix is not installed */
	HF_OUT_NOTHING,          /* recover: nothing was pending */
	HF_OUT_CLEANED,          /* recover: residue of a run that changed nothing removed */
	HF_OUT_FINISHED,         /* recover: the transaction had committed; finished */
	HF_OUT_UNDONE,           /* recover: the transaction was undone */
	HF_OUT_SKIPPED,          /* hierarchy: not run, its parent failed or was skipped, or
				  * (apply) was not applicable where this site is */
	HF_OUT_NOT_STARTED,      /* hierarchy: not started, a signal came first */
	HF_OUT_CHECKED,          /* check of several manifests on one site */
	HF_OUT_LISTED,           /* list: the site's registry was read */
};
#define HF_OUTCOMES (HF_OUT_LISTED + 1)

/* "install", "current", "conflict", "not-applicable", "rehearsal-failed", "error",
 * "applied", "failed", "interrupted", "busy", "rolled-back", "not-installed", "nothing",
 * "cleaned", "finished", "undone", "skipped", "not-started", "checked", "listed"; "?" for a value
 * out of range. */
const char *hf_outcome_word(enum hf_outcome o);

/* The outcome whose word is word (the inverse of hf_outcome_word), or HF_OUTCOMES when
 * none has it: a hierarchy summary counts its sites per outcome, in this enum's order. */
enum hf_outcome hf_outcome_of_word(const char *word);

/* check: code (HF_OK, or why the check failed) first -- not applicable, else any error
 * but a conflict is an error; then the plan (NULL: error): a conflicting file, then a
 * failed rehearsal (NULL: none was run), then a file to install, else current. */
enum hf_outcome hf_outcome_check(enum hf_code code, const struct hf_plan *plan,
				 const struct hf_rehearsal *rehearsal);

/* apply: busy, failed or interrupted by code; with a transaction (txn != NULL) and
 * HF_OK, applied when it changed files, else current; otherwise what the check said. */
enum hf_outcome hf_outcome_apply(enum hf_code code, const struct hf_txn_result *txn,
				 enum hf_outcome check);

/* rollback: by code -- HF_OK rolled back, not applicable = not installed, conflict,
 * HF_E_TXN failed, interrupted, busy, else error. */
enum hf_outcome hf_outcome_rollback(enum hf_code code);

/* recover: busy or failed (by code) when recovery returned an error (rec may then be
 * NULL); else nothing pending, cleaned (no journal), finished (committed) or undone. */
enum hf_outcome hf_outcome_recover(int failed, enum hf_code code, const struct hf_recovery *rec);

#endif
