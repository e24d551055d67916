/* cli/hier: a single-site command run over every site of a hierarchy (--hierarchy FILE),
 * through the scheduler: progress on stderr, each site's report as it ends, a summary.
 * What differs per command -- the order, what is verified first, what runs under a
 * parent that is not applicable -- is the command's struct cli_hier_cmd (cli.h): this
 * file names no command and calls none but through it.  The run's failure budget
 * (--max-fail, --keep-going) and rings are the runner's; this file turns the options into
 * its policy, says on stderr when a ring starts, and reports the halt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hierarchy.h"
#include "intr.h"
#include "manifest.h"
#include "outcome.h"
#include "report_run.h"
#include "runner.h"
#include "cli.h"

struct hctx {
	const struct cli_hier_cmd *cmd;
	const struct cli_opts *o;
	const char *arg;
	const struct hf_hierarchy *h;
	size_t started, ended, failed, skipped;
	const size_t *ring_sites; /* sites per ring */
	unsigned ring_shown;      /* the last ring said to start, + 1; 0: none yet */
	int tell_halt;            /* a budget was given: a halted site is "not started" */
	int live; /* the progress line: stderr is a terminal, no --json (-q or not) */
	int drawn; /* it is on the terminal now */
	const struct hf_job *jobs; /* the parent's view; a worker sees it as of its fork */
};

static int run_one(void *ctx, size_t i, int result_fd)
{
	struct hctx *x = ctx;

	const struct hf_hsite *s = &x->h->sites[i];
	int status;

	/* under a parent that is not applicable: only a site that is not applicable either
	 * may go on (it changes nothing); any other would get newer files than its parent */
	if (x->cmd->under_na_parent && s->parent != HF_NO_PARENT &&
	    x->jobs[s->parent].status == HF_EXIT_NOTAPPLICABLE) {
		status = x->cmd->under_na_parent(x->o, x->arg, s->site->root);
		cli_result_fd = result_fd;
		if (status == HF_EXIT_NOTAPPLICABLE) {
			cli_result(hf_outcome_word(HF_OUT_NOT_APPLICABLE), 0);
			return HF_EXIT_NOTAPPLICABLE;
		}
		fprintf(stderr,
			"hotfix: %s: not %s: its parent %s is not applicable, and a child never "
			"gets newer hotfix files than its parent\n",
			s->site->code, x->cmd->done, x->h->sites[s->parent].site->code);
		cli_result(hf_outcome_word(HF_OUT_SKIPPED), 0);
		return HF_EXIT_FAILED;
	}
	cli_result_fd = result_fd;
	status = x->cmd->run(x->o, x->arg, s->site->root);
	cli_json_error(status); /* a failure without a report: the site's document */
	return status;
}

/* May the sites that wait for this one start?  Success, or not applicable: under apply,
 * a child of a site that is not applicable checks itself first (under_na_parent); under
 * rollback, a child without the hotfix is no reason to keep it on its parent. */
static int allows(void *ctx, const struct hf_job *job)
{
	(void)ctx;
	return job->status == HF_EXIT_OK || job->status == HF_EXIT_NOTAPPLICABLE;
}

/* The run's one progress line, redrawn in place after each event. */
static void progress_line(const struct hctx *x)
{
	fprintf(stderr, "\r\033[Ksites: %zu of %zu done, %zu running, %zu failed", x->ended,
		x->h->n, x->started - (x->ended - x->skipped), x->failed);
	if (x->skipped)
		fprintf(stderr, ", %zu skipped", x->skipped);
	fflush(stderr);
}

static void progress_clear(struct hctx *x)
{
	if (!x->drawn)
		return;
	fprintf(stderr, "\r\033[K");
	x->drawn = 0;
}

static void event(void *ctx, size_t i, const struct hf_job *job)
{
	struct hctx *x = ctx;
	const struct hf_site *s = x->h->sites[i].site;

	if (job->state == HF_JOB_RUNNING)
		x->started++;
	else
		x->ended++;
	if (job->state == HF_JOB_SKIPPED)
		x->skipped++;
	if (job->state == HF_JOB_DONE && hf_status_failed(job->status))
		x->failed++;
	progress_clear(x); /* the reports below never share a line with it */
	if (job->state == HF_JOB_RUNNING && x->h->nrings > 1 &&
	    x->ring_shown != x->h->sites[i].ring + 1) {
		x->ring_shown = x->h->sites[i].ring + 1;
		if (!x->o->c.quiet)
			fprintf(stderr, "hotfix: ring %u of %u started (%zu site%s)\n",
				x->h->sites[i].ring, x->h->nrings, x->ring_sites[x->h->sites[i].ring],
				x->ring_sites[x->h->sites[i].ring] == 1 ? "" : "s");
	}
	if (job->state == HF_JOB_DONE) { /* the site's own report, whole */
		if (job->out && !x->o->json && !x->cmd->tree_order)
			fputs(job->out, stdout);
		fflush(stdout);
		if (job->errtext)
			fputs(job->errtext, stderr);
	}
	if (!x->o->c.quiet) {
		if (job->state == HF_JOB_RUNNING)
			fprintf(stderr, "hotfix: %s %s: %s started (%zu of %zu)\n", s->code,
				s->root, x->cmd->name, x->started, x->h->n);
		else if (job->state == HF_JOB_DONE)
			fprintf(stderr, "hotfix: %s: %s (exit %d, %.2f s; %zu of %zu done)%s%s\n",
				s->code, job->word[0] ? job->word : hf_outcome_word(HF_OUT_FAILED),
				job->status, job->seconds, x->ended, x->h->n,
				job->reason[0] ? ": " : "", job->reason);
		else if (job->halted && x->tell_halt)
			fprintf(stderr, "hotfix: %s: not started (halted; %zu of %zu done)\n", s->code,
				x->ended, x->h->n);
		else if (job->interrupted)
			fprintf(stderr, "hotfix: %s: not started (interrupted by %s; %zu of %zu done)\n",
				s->code, hf_intr_name(job->interrupted), x->ended, x->h->n);
		else
			fprintf(stderr, "hotfix: %s: skipped (%zu of %zu done): %s\n", s->code,
				x->ended, x->h->n, job->reason);
	}
	if (x->live) {
		progress_line(x);
		x->drawn = 1;
	}
}

/* The run's exit status (doc/DESIGN.md "Exit codes"): 0 all succeeded, 3 nothing
 * applicable, 6 some failed and some succeeded, else the failures' common status (1 when
 * they differ). */
static int overall(const struct hf_job *jobs, size_t n)
{
	size_t ok = 0, na = 0, bad = 0;
	int common = -1;

	for (size_t i = 0; i < n; i++) {
		int st = jobs[i].state == HF_JOB_SKIPPED ? HF_EXIT_FAILED : jobs[i].status;

		if (st == HF_EXIT_OK)
			ok++;
		else if (st == HF_EXIT_NOTAPPLICABLE)
			na++;
		else {
			bad++;
			common = common < 0 || common == st ? st : HF_EXIT_FAILED;
		}
	}
	if (!bad)
		return ok ? HF_EXIT_OK : HF_EXIT_NOTAPPLICABLE;
	return ok ? HF_EXIT_PARTIAL : common;
}

/* Seconds on the monotonic clock: the run's wall time, for people (nothing decides from
 * it). */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Why the run halted ("failure budget exceeded (3 failed, budget 2)"), into buf; NULL
 * when it did not. */
static const char *halt_reason(const struct hf_run_result *res, const struct hf_run_policy *p,
			       const struct hf_hierarchy *h, const struct hf_job *jobs,
			       const size_t *ring_sites, char *buf, size_t size)
{
	size_t canary = 0;

	if (res->halt == HF_HALT_NONE)
		return NULL;
	if (res->halt == HF_HALT_BUDGET) {
		snprintf(buf, size, "failure budget exceeded (%zu failed, budget %zu)", res->failed,
			 p->budget);
		return buf;
	}
	for (size_t i = 0; i < h->n; i++)
		canary += h->sites[i].ring == 0 && jobs[i].state == HF_JOB_DONE &&
			  hf_status_failed(jobs[i].status);
	snprintf(buf, size, "the canary failed (ring 0: %zu of %zu site%s failed); no later ring "
			    "started",
		 canary, ring_sites[0], ring_sites[0] == 1 ? "" : "s");
	return buf;
}

int cli_hierarchy(const struct cli_hier_cmd *cmd, const struct cli_opts *o, const char *arg)
{
	double began = now();
	static const struct hf_run_ops ops = { run_one, event, allows };
	struct hf_hierarchy *h = NULL;
	struct hf_job *jobs = NULL;
	struct hf_summary_row *rows = NULL;
	struct hf_run_policy policy = { o->jobs, 0, o->max_fail_given || o->keep_going };
	struct hf_run_result res;
	struct hf_run_report run;
	struct hf_budget budget = o->max_fail;
	size_t ring_sites[HF_RING_MAX + 2] = { 0 };
	char **docs = NULL, why[200];
	struct hf_err err;
	struct hctx x;
	int status;

	hf_err_clear(&err);
	if (hf_hierarchy_load(o->hierarchy, &h, &err)) {
		cli_error_file(o->hierarchy);
		return cli_fail(&err);
	}
	if (arg && cmd->verify_first) { /* verify the manifest once, first */
		struct hf_manifest *m = NULL;

		status = cli_load_manifest(&o->c, arg, &m);
		hf_manifest_free(m);
		if (status) {
			hf_hierarchy_free(h);
			return status;
		}
	}
	memset(&x, 0, sizeof(x));
	x.cmd = cmd;
	x.o = o;
	x.arg = arg;
	x.h = h;
	x.live = isatty(STDERR_FILENO) && !o->json;
	jobs = calloc(h->n, sizeof(*jobs));
	x.jobs = jobs;
	rows = calloc(h->n, sizeof(*rows));
	docs = calloc(h->n, sizeof(*docs));
	if (!jobs || !rows || !docs) {
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		status = cli_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < h->n; i++)
		ring_sites[h->sites[i].ring]++;
	x.ring_sites = ring_sites;
	x.tell_halt = policy.told;
	if (o->keep_going)
		budget.unlimited = 1; /* --keep-going: no limit (cli_parse: not with --max-fail) */
	policy.budget = hf_budget_sites(&budget, h->n);
	if (hf_run_sites(h, cmd->order, &policy, &ops, &x, jobs, &res, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	progress_clear(&x); /* nothing of it stays */
	status = overall(jobs, h->n);
	run.budget = policy.budget == HF_BUDGET_UNLIMITED ? -1 : (long long)policy.budget;
	run.failed = (unsigned long)res.failed;
	run.halted = halt_reason(&res, &policy, h, jobs, ring_sites, why, sizeof(why));
	run.tell_halt = policy.told;
	run.rings = h->nrings;
	if (run.halted && policy.told) /* a halt with a budget given: not all was done */
		status = HF_EXIT_PARTIAL;
	if (hf_intr_signal()) /* the summary still says what ran, what was undone, what not */
		status = HF_EXIT_SIGNAL_BASE + hf_intr_signal();
	for (size_t k = 0; k < h->n; k++) {
		size_t i = cmd->tree_order ? h->order[k] : k;
		int st = jobs[i].status;

		if (cmd->tree_order && jobs[i].out && !o->json)
			fputs(jobs[i].out, stdout);
		rows[k].site = h->sites[i].site;
		rows[k].result = jobs[i].interrupted || (jobs[i].halted && policy.told)
					 ? hf_outcome_word(HF_OUT_NOT_STARTED)
				 : jobs[i].state == HF_JOB_SKIPPED ? hf_outcome_word(HF_OUT_SKIPPED)
				 : jobs[i].word[0]		   ? jobs[i].word
								   : hf_outcome_word(HF_OUT_FAILED);
		if (jobs[i].state == HF_JOB_DONE && st > HF_EXIT_SIGNAL_BASE &&
		    st < HF_EXIT_SIGNAL_BASE + NSIG && !jobs[i].reason[0])
			snprintf(jobs[i].reason, sizeof(jobs[i].reason), "interrupted by %s%s",
				 hf_intr_name(st - HF_EXIT_SIGNAL_BASE),
				 !strcmp(jobs[i].word, hf_outcome_word(HF_OUT_INTERRUPTED))
					 ? ": undone, the site is as before"
					 : ": it had finished first");
		rows[k].changed = jobs[i].changed;
		rows[k].seconds = jobs[i].seconds;
		rows[k].reason = jobs[i].reason;
		rows[k].status = jobs[i].state == HF_JOB_SKIPPED ? -1 : jobs[i].status;
		rows[k].ring = h->sites[i].ring;
		rows[k].halted = jobs[i].halted;
		docs[k] = jobs[i].out;
	}
	if (o->json) {
		/* an output that cannot be written changes no status (main) */
		if (hf_report_hierarchy_json(stdout, cmd->name, h->path, (const char *const *)docs,
					     rows, h->n, &run, status, now() - began) &&
		    !ferror(stdout))
			status = HF_EXIT_FAILED;
	} else {
		hf_report_summary_text(stdout, cmd->name, rows, h->n, &run,
				       o->c.quiet ? -1 : status, now() - began);
	}
out:
	hf_run_free(jobs, h->n);
	free(jobs);
	free(rows);
	free(docs);
	hf_hierarchy_free(h);
	return status;
}
