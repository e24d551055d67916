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
 * skipped is skipped, with the reason.  A failure is an exit status other than 0 and 3;
 * without keep_going, no site starts after the first failure.
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

/* Run every site; jobs[] (h->n entries, zeroed by the caller) gets each outcome.
 * Errors only for the scheduler itself (fork, pipe, poll): -HF_E_IO. */
int hf_run_sites(const struct hf_hierarchy *h, enum hf_order order, int njobs, int keep_going,
		 const struct hf_run_ops *ops, void *ctx, struct hf_job *jobs,
		 struct hf_err *err) HF_MUST_CHECK;

/* Free what hf_run_sites captured. */
void hf_run_free(struct hf_job *jobs, size_t n);

/* 1 if an exit status is a failure (not 0, not 3). */
int hf_status_failed(int status);

#endif
