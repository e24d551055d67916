/* report_run: what a hierarchy run prints at its end -- the summary table (text), or one
 * JSON document: the per-site documents the workers printed, merged into one "sites"
 * array, plus "summary", "totals" and "exit" (doc/hotfix.1 JSON).  Both end with the
 * run's totals: how many sites had each result word, in outcome's order (outcome.h),
 * and the run's wall time.
 *
 * Owns: struct hf_summary_row, struct hf_run_report and those two formats.  It decides
 * nothing: each row's result word, the run's budget, why it halted and its exit status
 * come from the hierarchy driver (src/cli/hier.c), the runner and the workers. */
#ifndef HOTFIX_REPORT_RUN_H
#define HOTFIX_REPORT_RUN_H

#include <stdio.h>

#include "err.h"
#include "site.h"

/* One site of a hierarchy run, for the summary. */
struct hf_summary_row {
	const struct hf_site *site;
	const char *result;    /* "applied", "current", "skipped", ... */
	unsigned long changed; /* files */
	double seconds;
	const char *reason;    /* why skipped or how it died; may be "" */
	int status;            /* the site's exit status; -1 when skipped */
	unsigned ring;         /* its ring (hierarchy.h) */
	int halted;            /* it never started: the run halted (runner.h) */
};

/* The run as a whole: its failure budget and whether it halted (runner.h). */
struct hf_run_report {
	long long budget;   /* sites that may fail; -1: no limit (--keep-going) */
	unsigned long failed;
	const char *halted; /* why it halted ("failure budget exceeded (3 failed, budget
			     * 2)"), or NULL */
	int tell_halt;      /* the text says it (a budget was given) */
	unsigned rings;
};

/* The summary table of a hierarchy run, "halted: WHY" when it halted and run->tell_halt,
 * its exit status (status < 0: none, -q), and one totals line: the count of each result
 * word that some site had, in outcome's order, and the wall time ("3 applied, 1
 * conflict, 1 skipped in 12.4 s"). */
void hf_report_summary_text(FILE *out, const char *command, const struct hf_summary_row *rows,
			    size_t n, const struct hf_run_report *run, int status, double seconds);

/* One JSON document for a hierarchy run: the per-site documents the workers printed
 * (docs[i] may be NULL: skipped) merged into one "sites" array, plus "summary".  The
 * schema is the command's (urn:hotfix:apply:1, ...); a worker's document that does not
 * parse counts as none; one without a "sites" array (list's, urn:hotfix:list:1, or an
 * error document, urn:hotfix:error:1) is itself the site's object, schema included.
 * The run's budget and halt: "rings", "budget" (null: no limit), "failed", "halted",
 * "halt_reason" (null when not halted), "not_started" (the codes of the sites the halt
 * kept from starting), and each summary entry's "ring". */
int hf_report_hierarchy_json(FILE *out, const char *command, const char *hierarchy,
			     const char *const *docs, const struct hf_summary_row *rows, size_t n,
			     const struct hf_run_report *run, int status,
			     double seconds) HF_MUST_CHECK;

#endif
