/* hook: run an administrator's command without a shell, in a clean environment, with a
 * timeout (see hook.h). */
#include "hook.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "intr.h"

#define KILL_GRACE_MS 2000
#define SLICE_MS 50 /* how often a command whose output pipe stays open is checked */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int hf_hook_ok(const struct hf_hook_result *res)
{
	return res->exited && res->status == 0 && !res->timed_out && !res->interrupted;
}

const char *hf_hook_outcome(const struct hf_hook_result *res, char *buf, size_t len)
{
	if (res->interrupted)
		snprintf(buf, len, "ended (its process group got SIGTERM) because hotfix was "
			 "interrupted by %s", hf_intr_name(res->interrupted));
	else if (res->timed_out)
		snprintf(buf, len, "timed out after %.0f s and was killed", res->seconds);
	else if (res->exited)
		snprintf(buf, len, "exit status %d", res->status);
	else
		snprintf(buf, len, "killed by signal %d (%s)", res->status, strsignal(res->status));
	return buf;
}

void hf_hook_env(char *buf, size_t len, char *env[HF_HOOK_ENV_MAX], const char *site_root,
		 const char *code, const char *id, const char *op, const char *phase)
{
	const char *names[] = {"HOTFIX_SITE", "HOTFIX_SITE_CODE", "HOTFIX_ID", "HOTFIX_OP",
			       "HOTFIX_PHASE"};
	const char *values[] = {site_root, code, id, op, phase};
	const char *fixed[] = {("PATH=" HF_CMD_PATH), "LANG=C", "HOME=/"};
	size_t used = 0, n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		int w = snprintf(buf + used, len - used, "%s", fixed[i]);

		if (w < 0 || (size_t)w >= len - used)
			break;
		env[n++] = buf + used;
		used += (size_t)w + 1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int w;

		if (!values[i] || used >= len)
			continue;
		w = snprintf(buf + used, len - used, "%s=%.1000s", names[i], values[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		env[n++] = buf + used;
		used += (size_t)w + 1;
	}
	env[n] = NULL;
}

/* In the child: become the command's user (cred.drop), for good; -1 with errno if any
 * step fails, or if root could be regained after it. */
static int become(const struct hf_cred *c)
{
	if (!c->drop)
		return 0;
	if (setgroups(c->ngroups, c->groups) != 0 || setresgid(c->gid, c->gid, c->gid) != 0 ||
	    setresuid(c->uid, c->uid, c->uid) != 0)
		return -1;
	if (c->uid != 0 && (setuid(0) == 0 || geteuid() == 0 || getegid() != c->gid)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* In the child: never returns.  go: the parent writes one byte there once the run is
 * recorded (hf_hook_watch); parent: its pid. */
static void child(const struct hf_cmd *cmd, const char *cwd, char *const env[], int out, int go,
		  pid_t parent)
{
	char *shargv[] = {"sh", "-c", cmd->argv[0], NULL};
	sigset_t none;
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char byte;
	ssize_t n;

	setpgid(0, 0);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	do /* nothing runs before the parent has recorded the group (EOF: it gave up) */
		n = read(go, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	close_range(3, ~0U, 0);
	if (become(&cmd->cred) != 0) {
		dprintf(2, "hotfix: cannot run as uid %u gid %u: %s\n", (unsigned)cmd->cred.uid,
			(unsigned)cmd->cred.gid, strerror(errno));
		_exit(127);
	}
	if (cwd && chdir(cwd) != 0) {
		dprintf(2, "hotfix: cannot enter %s: %s\n", cwd, strerror(errno));
		_exit(127);
	}
	/* last before exec: after become(), since a change of credentials clears it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	if (cmd->resolved) {
		errno = cmd->exec_errno;
		if (cmd->path)
			execve(cmd->path, cmd->shell ? shargv : cmd->argv, env);
	} else if (cmd->shell) {
		execve("/bin/sh", shargv, env);
	} else {
		execvpe(cmd->argv[0], cmd->argv, env);
	}
	dprintf(2, "hotfix: cannot run %s: %s\n",
		cmd->resolved && cmd->path ? cmd->path : cmd->shell ? "/bin/sh" : cmd->argv[0],
		strerror(errno));
	_exit(127);
}

/* Keep the last HF_HOOK_OUT_MAX bytes of what the command printed. */
static void keep(struct hf_hook_result *res, const char *buf, size_t n)
{
	res->total += n;
	if (n >= HF_HOOK_OUT_MAX) {
		memcpy(res->out, buf + n - HF_HOOK_OUT_MAX, HF_HOOK_OUT_MAX);
		res->outlen = HF_HOOK_OUT_MAX;
	} else {
		if (res->outlen + n > HF_HOOK_OUT_MAX) {
			size_t drop = res->outlen + n - HF_HOOK_OUT_MAX;

			memmove(res->out, res->out + drop, res->outlen - drop);
			res->outlen -= drop;
		}
		memcpy(res->out + res->outlen, buf, n);
		res->outlen += n;
	}
	res->out[res->outlen] = '\0';
}

/* Read what is there; 1 at end of file. */
static int drain(int fd, struct hf_hook_result *res)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0)
			keep(res, buf, (size_t)n);
		else if (n == 0)
			return 1;
		else if (errno != EINTR)
			return errno != EAGAIN; /* a read error ends the capture too */
	}
}

/* Close both ends of a pipe that are open. */
static void close_pair(int p[2])
{
	for (int k = 0; k < 2; k++)
		if (p[k] >= 0)
			close(p[k]);
}

int hf_hook_run(const struct hf_cmd *cmd, const char *cwd, char *const env[],
		struct hf_hook_result *res, struct hf_err *err)
{
	return hf_hook_run_watched(cmd, cwd, env, NULL, res, err);
}

/* Start cmd in a process group of its own.  The child waits on a pipe until watch has been
 * told its pid (watch->started), so that nothing runs before a record of it exists.  *pid
 * is the child, *out the (non-blocking) read end of the pipe of its output. */
static int launch(const struct hf_cmd *cmd, const char *cwd, char *const env[],
		  const struct hf_hook_watch *watch, pid_t *pid_out, int *out, struct hf_err *err)
{
	int p[2] = { -1, -1 }, go[2] = { -1, -1 }, ws = 0;
	pid_t pid, self = getpid();

	if (pipe2(p, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
		int e = errno;

		close_pair(p);
		close_pair(go);
		return hf_err_set(err, HF_E_IO, "pipe: %s", strerror(e));
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close_pair(p);
		close_pair(go);
		return hf_err_set(err, HF_E_IO, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(go[1]);
		child(cmd, cwd, env, p[1], go[0], self);
	}
	setpgid(pid, pid); /* also here: no race with a kill before the child's own call */
	close(p[1]);
	close(go[0]);
	if (watch && watch->started && watch->started(watch->ctx, (long)pid, err) != 0) {
		close(go[1]); /* the child reads EOF and exits unrun */
		kill(-pid, SIGKILL);
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		close(p[0]);
		return -(int)err->code;
	}
	if (write(go[1], "g", 1) != 1) { /* cannot fail: the child holds the read end */
		int e = errno;

		close(go[1]);
		kill(-pid, SIGKILL);
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		close(p[0]);
		if (watch && watch->ended)
			watch->ended(watch->ctx);
		return hf_err_set(err, HF_E_IO, "cannot start the command: %s", strerror(e));
	}
	close(go[1]);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	*pid_out = pid;
	*out = p[0];
	return 0;
}

/* Wait for the command's exit, collecting its output (out) into res; at the deadline, or
 * when a signal is caught (res->interrupted), end its group: SIGTERM, then SIGKILL after a
 * grace.  *ws is its wait status (0 when it cannot be waited for), *open_pipe 0 once its
 * output reached the end.  Returns how far it was ended: 0 not, 1 SIGTERM, 2 SIGKILL. */
static int await_exit(pid_t pid, int out, double deadline, struct hf_hook_result *res,
		      int *ws, int *open_pipe)
{
	int killed = 0;

	for (;;) {
		struct pollfd pfd = {.fd = *open_pipe ? out : -1, .events = POLLIN};
		double left = deadline - now_s();
		pid_t w;
		int sig = hf_intr_pending();

		if (sig && killed == 0) { /* interrupted: ended as at a timeout, not as failed */
			res->interrupted = sig;
			kill(-pid, SIGTERM);
			deadline = now_s() + KILL_GRACE_MS / 1000.0;
			killed = 1;
			continue;
		}
		if (left <= 0) {
			if (killed == 0) {
				res->timed_out = 1;
				kill(-pid, SIGTERM);
				deadline = now_s() + KILL_GRACE_MS / 1000.0;
			} else if (killed == 1) {
				kill(-pid, SIGKILL);
				deadline = now_s() + 3600;
			}
			killed++;
			continue;
		}
		/* a signal makes poll return early (EINTR), and the loop looks at it */
		if (poll(&pfd, 1, left * 1000 < SLICE_MS ? (int)(left * 1000) + 1 : SLICE_MS) > 0 &&
		    drain(out, res))
			*open_pipe = 0;
		w = waitpid(pid, ws, WNOHANG);
		if (w == pid)
			return killed;
		if (w < 0 && errno != EINTR) {
			*ws = 0;
			return killed;
		}
	}
}

int hf_hook_run_watched(const struct hf_cmd *cmd, const char *cwd, char *const env[],
			const struct hf_hook_watch *watch, struct hf_hook_result *res,
			struct hf_err *err)
{
	double start = now_s();
	int out = -1, ws = 0, open_pipe = 1, killed, r;
	pid_t pid = -1;

	memset(res, 0, sizeof(*res));
	if (cmd->argc == 0 || !cmd->argv || !cmd->argv[0])
		return hf_err_set(err, HF_E_USAGE, "empty command");
	r = launch(cmd, cwd, env, watch, &pid, &out, err);
	if (r)
		return r;
	killed = await_exit(pid, out, start + cmd->timeout, res, &ws, &open_pipe);
	/* a command hotfix ended keeps its record: recovery ends what is left of its group */
	if (watch && watch->ended && !killed)
		watch->ended(watch->ctx);
	if (open_pipe)
		(void)drain(out, res); /* what it printed before it exited */
	close(out);
	res->seconds = now_s() - start;
	if (WIFEXITED(ws)) {
		res->exited = 1;
		res->status = WEXITSTATUS(ws);
	} else if (WIFSIGNALED(ws)) {
		res->status = WTERMSIG(ws);
	}
	return 0;
}
