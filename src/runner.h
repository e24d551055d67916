/* runner: one run per site of a hierarchy, each in its own process, up to N at once, in an
 * order that keeps the version-skew rule.
 *
 * Owns: the worker processes and what they print.  Each site runs in a forked child
 * (its own transaction, its own lock; a crash in one cannot take the others down); its
 * stdout and stderr are captured whole and handed to the caller when it ends, so
 * outputs never interleave.  The child reports a one-line result ("WORD CHANGED") on a
 * third pipe.
 *
 * Order: HF_ORDER_PARENTS_FIRST starts a site only after its parent ended and allowed it
 * (apply); HF_ORDER_CHILDREN_FIRST only after all its children did (rollback);
 * HF_ORDER_ANY starts sites in file order.  A site whose parent (or child) failed or was
 * skipped is skipped, with the reason.  A failure is an exit status other than 0 and 3
 * of a site that ran (hf_status_failed: conflict, failed, busy, refused, an error, a site
 * refused under a not-applicable parent); a site skipped because its parent (or child)
 * did not succeed is no failure of its own, nor is one not applicable.
 *
 * Rings (hierarchy.h): the sites run ring by ring -- ring 0 first, rollback
 * (HF_ORDER_CHILDREN_FIRST) the last ring first -- each ring in the order above, up to
 * njobs at once inside it; a ring starts only once every site of the rings before it has
 * ended.  With one ring (a file that gives none) this is the order of before rings.
 *
 * The failure budget (struct hf_run_policy): when one more site failed than the budget
 * allows, the run halts: no site starts any more (each is skipped with job->halted set),
 * the running ones finish.  A failed site of ring 0 (the canary) halts the run before any
 * later ring, whatever the budget; rollback runs ring 0 last, so there it halts nothing.
 * The default budget 0 is the stop at the first failure of before budgets, with its
 * words ("not started: an earlier site failed"); a budget that was given says "not
 * started (halted)".
 *
 * Signals: while it schedules, the runner blocks SIGINT, SIGTERM and SIGHUP except
 * inside its one wait (ppoll), so none is missed; once one was caught (intr.h) it is sent
 * on to every running worker, no further site starts (each is skipped with
 * job->interrupted set), and the running ones are waited for as usual.  Workers start
 * with the caller's signal mask and dispositions (a writer's catch the three and ignore
 * SIGPIPE). */
#ifndef HOTFIX_RUNNER_H
#define HOTFIX_RUNNER_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "hierarchy.h"

enum hf_order { HF_ORDER_ANY, HF_ORDER_PARENTS_FIRST, HF_ORDER_CHILDREN_FIRST };

enum hf_job_state { HF_JOB_WAITING, HF_JOB_RUNNING, HF_JOB_DONE, HF_JOB_SKIPPED };

struct hf_job {
	enum hf_job_state state;
	int status;        /* the child's exit status (DONE); 1 if it died of a signal */
	char word[24];     /* result word from the child ("applied", ...), or "" */
	unsigned long changed;
	double seconds;    /* wall time of the run */
	char reason[300];  /* why skipped, or how the child died */
	int interrupted;   /* skipped because this signal was caught (intr.h), or 0 */
	int halted;        /* skipped because the run halted (the failure budget), or 0 */
	char *out, *errtext; /* captured stdout and stderr (NUL-terminated), or NULL */
	size_t outlen, errlen;
	/* private */
	pid_t pid;
	int fd[3];
	char *res;
	size_t reslen;
	double started;
};

struct hf_run_ops {
	/* In the child: run site i, write "WORD CHANGED\n" to result_fd, return the exit
	 * status.  stdout and stderr are captured. */
	int (*run)(void *ctx, size_t i, int result_fd);
	/* In the parent: site i started, ended or was skipped (job->state says which). */
	void (*event)(void *ctx, size_t i, const struct hf_job *job);
	/* In the parent: may the sites that wait for this finished one start? */
	int (*allows)(void *ctx, const struct hf_job *job);
};

/* A failure budget as given (--max-fail N or P%, --keep-going): parsed, then made a
 * count of sites once the run's size is known. */
#define HF_BUDGET_UNLIMITED ((size_t)-1)
#define HF_BUDGET_COUNT_MAX 100000 /* as many sites as a hierarchy file may list */
struct hf_budget {
	unsigned long value; /* a count, or a percentage (0 to 100) */
	int percent;
	int unlimited;       /* --keep-going */
};

/* "N" (0 to HF_BUDGET_COUNT_MAX) or "P%" (0 to 100), decimal digits only: 0, or -1 for
 * anything else (a sign, a space, "5%%", "101%"). */
int hf_budget_parse(const char *text, struct hf_budget *b) HF_MUST_CHECK;

/* How many of nsites may fail: the count, P% of nsites rounded down, or
 * HF_BUDGET_UNLIMITED. */
size_t hf_budget_sites(const struct hf_budget *b, size_t nsites);

struct hf_run_policy {
	int njobs;     /* up to this many sites at once (at least 1) */
	size_t budget; /* sites that may fail before the run halts; HF_BUDGET_UNLIMITED */
	int told;      /* the budget was given (--max-fail, --keep-going): a site the halt
			* keeps from starting is "not started (halted)" */
};

/* Why the run halted, if it did. */
enum hf_halt { HF_HALT_NONE, HF_HALT_BUDGET, HF_HALT_CANARY };

struct hf_run_result {
	enum hf_halt halt;
	size_t failed;    /* sites that failed (the budget's count) */
	size_t halted;    /* sites that never started because of the halt */
};

/* Run every site; jobs[] (h->n entries, zeroed by the caller) gets each outcome, res the
 * run's.  Errors only for the scheduler itself (fork, pipe, poll): -HF_E_IO. */
int hf_run_sites(const struct hf_hierarchy *h, enum hf_order order,
		 const struct hf_run_policy *policy, const struct hf_run_ops *ops, void *ctx,
		 struct hf_job *jobs, struct hf_run_result *res, struct hf_err *err) HF_MUST_CHECK;

/* Free what hf_run_sites captured. */
void hf_run_free(struct hf_job *jobs, size_t n);

/* 1 if an exit status is a failure (not 0, not 3). */
int hf_status_failed(int status);

#endif
