/* runner: fork one worker per site, capture its output, keep the tree order. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "intr.h"

#define CAPTURE_MAX (16 * 1024 * 1024) /* per stream per site */

int hf_status_failed(int status)
{
	return status != HF_EXIT_OK && status != HF_EXIT_NOTAPPLICABLE;
}

void hf_run_free(struct hf_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].out);
		free(jobs[i].errtext);
		free(jobs[i].res);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
	const struct hf_hierarchy *h;
	enum hf_order order;
	const struct hf_run_policy *policy;
	size_t failed;      /* sites that failed */
	int canary_failed;  /* a site of ring 0 did */
	enum hf_halt halt;  /* why no site starts any more, or HF_HALT_NONE */
	size_t nhalted;     /* sites the halt kept from starting */
	size_t *seq;        /* the order to start them in: ring by ring */
	size_t pos;         /* every site before seq[pos] has ended */
	const struct hf_run_ops *ops;
	void *ctx;
	struct hf_job *jobs;
	size_t running;
	int sig;            /* the signal caught and sent on to the workers, or 0 */
	sigset_t orig;      /* the caller's signal mask (workers get it back) */
	sigset_t open_mask; /* it without the caught signals (intr.h): the mask of the wait */
};

static void skip(struct run *r, size_t i, const char *why, const char *code)
{
	struct hf_job *j = &r->jobs[i];

	j->state = HF_JOB_SKIPPED;
	snprintf(j->reason, sizeof(j->reason), "%s%s", code, why);
	if (r->ops->event)
		r->ops->event(r->ctx, i, j);
}

static int done_ok(const struct run *r, size_t i)
{
	const struct hf_job *j = &r->jobs[i];

	return j->state == HF_JOB_DONE && r->ops->allows(r->ctx, j);
}

static int ended(const struct run *r, size_t i)
{
	return r->jobs[i].state == HF_JOB_DONE || r->jobs[i].state == HF_JOB_SKIPPED;
}

/* Once a signal was caught: send it on to every running worker (once). */
static void forward(struct run *r)
{
	int sig = hf_intr_signal();

	if (!sig || r->sig)
		return;
	r->sig = sig;
	for (size_t i = 0; i < r->h->n; i++)
		if (r->jobs[i].state == HF_JOB_RUNNING)
			kill(r->jobs[i].pid, sig);
}

/* Site i never starts: the run halted. */
static int halted(struct run *r, size_t i)
{
	r->jobs[i].halted = 1;
	r->nhalted++;
	skip(r, i,
	     r->policy->told ? "not started (halted)"
			     : "not started: an earlier site failed (--keep-going goes on)",
	     "");
	return -1;
}

/* A site the halt kept from starting keeps the sites waiting for it too (with a budget
 * given; before budgets they were skipped for it, and still are by default). */
static int halted_too(const struct run *r, size_t waited_for)
{
	return r->policy->told && r->jobs[waited_for].halted;
}

/* 1: may start now; 0: must wait; -1: skipped (reason set). */
static int ready(struct run *r, size_t i)
{
	const struct hf_hsite *s = &r->h->sites[i];

	if (r->sig) {
		char why[80];

		snprintf(why, sizeof(why), "not started: interrupted by %s", hf_intr_name(r->sig));
		r->jobs[i].interrupted = r->sig;
		skip(r, i, why, "");
		return -1;
	}

	if (r->order == HF_ORDER_PARENTS_FIRST && s->parent != HF_NO_PARENT) {
		if (!ended(r, s->parent))
			return 0;
		if (halted_too(r, s->parent))
			return halted(r, i);
		if (!done_ok(r, s->parent)) {
			skip(r, i,
			     " (the parent) did not succeed: a child never gets newer hotfix files "
			     "than its parent",
			     r->h->sites[s->parent].site->code);
			return -1;
		}
	}
	if (r->order == HF_ORDER_CHILDREN_FIRST) {
		for (size_t c = 0; c < s->nchildren; c++) {
			if (!ended(r, s->children[c]))
				return 0;
		}
		for (size_t c = 0; c < s->nchildren; c++)
			if (halted_too(r, s->children[c]))
				return halted(r, i);
		for (size_t c = 0; c < s->nchildren; c++) {
			if (!done_ok(r, s->children[c])) {
				skip(r, i,
				     " (a child) did not succeed: a parent never gets older hotfix "
				     "files than its children",
				     r->h->sites[s->children[c]].site->code);
				return -1;
			}
		}
	}
	if (r->halt == HF_HALT_BUDGET || (r->canary_failed && s->ring > 0)) {
		if (r->halt == HF_HALT_NONE)
			r->halt = HF_HALT_CANARY; /* a failed canary keeps the later rings */
		return halted(r, i);
	}
	return 1;
}

static void child(struct run *r, size_t i, int out[2], int errp[2], int res[2])
{
	int status;

	close(out[0]);
	close(errp[0]);
	close(res[0]);
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(errp[1], STDERR_FILENO) < 0)
		_exit(HF_EXIT_FAILED);
	close(out[1]);
	close(errp[1]);
	/* the caller's mask and dispositions: a writer's worker catches SIGINT, SIGTERM and
	 * SIGHUP and ignores SIGPIPE (intr.h) -- a parent that dies costs it no transaction */
	sigprocmask(SIG_SETMASK, &r->orig, NULL);
	status = r->ops->run(r->ctx, i, res[1]);
	fflush(stdout);
	fflush(stderr);
	close(res[1]);
	_exit(status);
}

static int start(struct run *r, size_t i, struct hf_err *err)
{
	struct hf_job *j = &r->jobs[i];
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, res[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(res, O_CLOEXEC)) {
		int e = errno;

		for (int k = 0; k < 2; k++) {
			if (out[k] >= 0)
				close(out[k]);
			if (errp[k] >= 0)
				close(errp[k]);
			if (res[k] >= 0)
				close(res[k]);
		}
		return hf_err_set(err, HF_E_IO, "pipe: %s", strerror(e));
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(out[0]), close(out[1]), close(errp[0]), close(errp[1]);
		close(res[0]), close(res[1]);
		return hf_err_set(err, HF_E_IO, "fork: %s", strerror(e));
	}
	if (pid == 0)
		child(r, i, out, errp, res);
	close(out[1]);
	close(errp[1]);
	close(res[1]);
	j->pid = pid;
	j->fd[0] = out[0];
	j->fd[1] = errp[0];
	j->fd[2] = res[0];
	j->state = HF_JOB_RUNNING;
	j->started = now();
	r->running++;
	if (r->ops->event)
		r->ops->event(r->ctx, i, j);
	return 0;
}

/* Append what fd has to buf; 1 at EOF. */
static int drain(int fd, char **buf, size_t *len)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return 1;
	if (*len + (size_t)n > CAPTURE_MAX)
		return 0; /* keep reading, drop the excess */
	{
		char *grown = realloc(*buf, *len + (size_t)n + 1);

		if (!grown)
			return 0;
		*buf = grown;
	}
	memcpy(*buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 0;
}

static void reap(struct run *r, size_t i)
{
	struct hf_job *j = &r->jobs[i];
	int ws = 0;

	while (waitpid(j->pid, &ws, 0) < 0 && errno == EINTR)
		;
	j->seconds = now() - j->started;
	if (WIFEXITED(ws)) {
		j->status = WEXITSTATUS(ws);
	} else {
		j->status = HF_EXIT_FAILED;
		snprintf(j->reason, sizeof(j->reason), "the worker died of signal %d",
			 WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	}
	if (j->res) { /* "WORD CHANGED\n" */
		size_t w = strcspn(j->res, " \n");

		if (w < sizeof(j->word)) {
			memcpy(j->word, j->res, w);
			j->word[w] = '\0';
			if (j->res[w] == ' ')
				j->changed = strtoul(j->res + w + 1, NULL, 10);
		}
	}
	j->state = HF_JOB_DONE;
	r->running--;
	if (hf_status_failed(j->status)) {
		r->failed++;
		if (r->h->sites[i].ring == 0)
			r->canary_failed = 1;
		if (r->failed > r->policy->budget) /* one more than the budget allows */
			r->halt = HF_HALT_BUDGET;
	}
	if (r->ops->event)
		r->ops->event(r->ctx, i, j);
}

/* Wait for output from the running children; reap those whose pipes all closed. */
static int wait_some(struct run *r, struct hf_err *err)
{
	size_t n = r->h->n, np = 0;
	struct pollfd *p = calloc(3 * r->running + 1, sizeof(*p));
	size_t *who = calloc(3 * r->running + 1, sizeof(*who));
	int rc;

	if (!p || !who) {
		free(p);
		free(who);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (r->jobs[i].state != HF_JOB_RUNNING)
			continue;
		for (int k = 0; k < 3; k++) {
			if (r->jobs[i].fd[k] < 0)
				continue;
			p[np].fd = r->jobs[i].fd[k];
			p[np].events = POLLIN;
			who[np++] = i * 3 + (size_t)k;
		}
	}
	/* signals are let in only here: one caught before is waiting, not missed */
	rc = ppoll(p, np, NULL, &r->open_mask);
	if (rc < 0 && errno == EINTR) {
		forward(r);
		rc = 0; /* nothing to read: the caller's loop goes on */
	}
	if (rc < 0) {
		free(p);
		free(who);
		return hf_err_set(err, HF_E_IO, "poll: %s", strerror(errno));
	}
	for (size_t q = 0; rc > 0 && q < np; q++) {
		struct hf_job *j = &r->jobs[who[q] / 3];
		int k = (int)(who[q] % 3);
		char **buf = k == 0 ? &j->out : k == 1 ? &j->errtext : &j->res;
		size_t *len = k == 0 ? &j->outlen : k == 1 ? &j->errlen : &j->reslen;

		if (!p[q].revents)
			continue;
		if (drain(p[q].fd, buf, len)) {
			close(j->fd[k]);
			j->fd[k] = -1;
			if (j->fd[0] < 0 && j->fd[1] < 0 && j->fd[2] < 0)
				reap(r, who[q] / 3);
		}
	}
	free(p);
	free(who);
	return 0;
}

int hf_budget_parse(const char *text, struct hf_budget *b)
{
	size_t len = strlen(text), digits = strspn(text, "0123456789");
	int percent = len > 0 && text[len - 1] == '%';
	unsigned long v = 0;

	memset(b, 0, sizeof(*b));
	if (digits == 0 || digits != len - (size_t)percent || digits > 6)
		return -1; /* a sign, a space, "%%", nothing, or too long to be in bounds */
	for (size_t k = 0; k < digits; k++)
		v = v * 10 + (unsigned long)(text[k] - '0');
	if (v > (percent ? 100UL : (unsigned long)HF_BUDGET_COUNT_MAX))
		return -1;
	b->value = v;
	b->percent = percent;
	return 0;
}

size_t hf_budget_sites(const struct hf_budget *b, size_t nsites)
{
	if (b->unlimited)
		return HF_BUDGET_UNLIMITED;
	if (b->percent) /* rounded down; nsites <= 100000 in a file, no overflow */
		return nsites / 100 * b->value + nsites % 100 * b->value / 100;
	return b->value;
}

/* One pass over the sites that may start: the current ring (the first with a site that
 * has not ended) -- or, once the run halted or was interrupted, every site left, so that
 * each is skipped at once.  *changed counts the sites started or skipped. */
static int pass(struct run *r, size_t njobs, size_t *waiting, size_t *changed,
		struct hf_err *err)
{
	const struct hf_hierarchy *h = r->h;
	unsigned ring = h->sites[r->seq[r->pos]].ring;
	int rc = 0;

	for (size_t k = r->pos; k < h->n && !rc; k++) {
		size_t i = r->seq[k];

		if (r->jobs[i].state != HF_JOB_WAITING)
			continue;
		if (h->sites[i].ring != ring && !r->sig && r->halt == HF_HALT_NONE &&
		    !r->canary_failed) {
			(*waiting)++; /* a later ring: once this one has ended */
			break;
		}
		if (r->running >= njobs && !r->sig) { /* interrupted: skip at once */
			(*waiting)++;
			continue;
		}
		switch (ready(r, i)) {
		case 1:
			rc = start(r, i, err);
			(*changed)++;
			break;
		case 0:
			(*waiting)++;
			break;
		default:
			(*changed)++;
			break;
		}
	}
	return rc;
}

int hf_run_sites(const struct hf_hierarchy *h, enum hf_order order,
		 const struct hf_run_policy *policy, const struct hf_run_ops *ops, void *ctx,
		 struct hf_job *jobs, struct hf_run_result *res, struct hf_err *err)
{
	struct run r = { .h = h, .order = order, .policy = policy, .ops = ops, .ctx = ctx,
			 .jobs = jobs };
	size_t *in = calloc(h->n ? h->n : 1, sizeof(*in));
	size_t *seq = calloc(h->n ? h->n : 1, sizeof(*seq));
	size_t njobs = policy->njobs < 1 ? 1 : (size_t)policy->njobs;
	sigset_t three, orig, open_mask;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (!in || !seq) {
		free(in);
		free(seq);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	/* parents first: breadth-first order; children first: its reverse; any: the file's;
	 * each ring by ring (children first: the last ring first) */
	for (size_t k = 0; k < h->n; k++)
		in[k] = order == HF_ORDER_ANY ? k : h->order[k];
	hf_hierarchy_by_ring(h, in, seq);
	if (order == HF_ORDER_CHILDREN_FIRST)
		for (size_t k = 0; k < h->n; k++)
			in[k] = seq[h->n - 1 - k];
	else
		memcpy(in, seq, h->n * sizeof(*in));
	free(seq);
	r.seq = in;
	hf_intr_sigset(&three);
	sigprocmask(SIG_BLOCK, &three, &orig);
	open_mask = orig;
	sigdelset(&open_mask, SIGINT);
	sigdelset(&open_mask, SIGTERM);
	sigdelset(&open_mask, SIGHUP);
	sigdelset(&open_mask, SIGQUIT);
	r.orig = orig; /* (through locals: gcc -fanalyzer loses r once its address escapes) */
	r.open_mask = open_mask;
	for (size_t i = 0; i < h->n; i++)
		jobs[i].fd[0] = jobs[i].fd[1] = jobs[i].fd[2] = -1;
	for (;;) {
		size_t waiting = 0, changed = 0;

		forward(&r);
		while (r.pos < h->n && ended(&r, r.seq[r.pos]))
			r.pos++;
		if (r.pos == h->n) /* every site ended (a running one has not) */
			break;
		rc = pass(&r, njobs, &waiting, &changed, err);
		if (rc)
			break;
		if (r.running == 0 && changed)
			continue; /* a ring may have ended without running anything */
		if (r.running == 0) {
			/* nothing runs and nothing can start: only possible if the tree is broken */
			rc = hf_err_set(err, HF_E_MALFORMED, "%zu site(s) can never start", waiting);
			break;
		}
		rc = wait_some(&r, err);
		if (rc)
			break;
	}
	while (r.running > 0 && wait_some(&r, err) == 0)
		; /* after a scheduler error, still collect the children */
	sigprocmask(SIG_SETMASK, &orig, NULL);
	res->halt = r.halt;
	res->failed = r.failed;
	res->halted = r.nhalted;
	free(in);
	return rc;
}
