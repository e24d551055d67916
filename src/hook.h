/* hook: run one administrator's command (a site's stop, start or health command) --
 * without a shell unless the command asks for one, in a clean environment, with a
 * timeout, and with what it prints kept for the log and the report.
 *
 * Owns: the child process of one run of a command (cmd.h: what the command is).
 *
 * The child gets: stdin from /dev/null; stdout and stderr into one pipe, whose last
 * HF_HOOK_OUT_MAX bytes are kept; no other descriptor (close_range); default signal
 * dispositions and an empty mask; its own process group; the caller's directory; and
 * only the environment given (hf_hook_env builds the standard one).  A command whose
 * executable was resolved and checked beforehand (site.c: `resolved`) runs that exact
 * file by execve(); otherwise a command of argv runs by execvpe() with the PATH of that
 * environment, and a shell command as `/bin/sh -c TEXT`.  A command with credentials
 * (`cred.drop`) becomes that user in the child before the exec -- supplementary groups,
 * group, user, and then a check that it cannot become root again -- or does not run.  On timeout the whole process group gets SIGTERM, and SIGKILL two
 * seconds later.  The run ends when the command exits: a daemon it started may keep
 * the pipe open, and is neither waited for nor killed (but the pipe is closed: a daemon
 * that goes on writing to it gets EPIPE; hotfix(1) HOOKS says so).
 *
 * A run never outlives hotfix unseen: the child waits, before it runs anything, until
 * the caller's watch (when given) has recorded its process group (hookrec.h); it then
 * asks for SIGKILL when the hotfix thread that forked it dies (PR_SET_PDEATHSIG, set
 * last, after any change of credentials, which would clear it; hooks are forked from the
 * main thread only).  A command started while hotfix is interrupted (intr.h), or running
 * when the signal comes, is ended like one past its timeout -- SIGTERM to its group,
 * SIGKILL 2 seconds later -- and res->interrupted says by which signal; recovery holds
 * the interruption, so its own stop and start always run to their end. */
#ifndef HOTFIX_HOOK_H
#define HOTFIX_HOOK_H

#include <stddef.h>
#include <sys/types.h>

#include "cmd.h"
#include "err.h"

#define HF_HOOK_OUT_MAX 4096
#define HF_HOOK_ENV_MAX 16
struct hf_hook_result {
	int exited;      /* exited normally: status is its exit code */
	int status;      /* exit code, or the signal that ended it */
	int timed_out;   /* killed for running past the timeout */
	double seconds;
	char out[HF_HOOK_OUT_MAX + 1]; /* the last bytes it printed, NUL-terminated */
	size_t outlen;
	unsigned long long total; /* bytes it printed in all */
	int interrupted; /* ended because hotfix caught this signal (intr.h), or 0 */
};

/* Told in the parent about one run: started() once the child exists, in its own
 * process group pgid, but before it runs the command -- an error there ends the child
 * unrun and is the error of the run; ended() once the command has exited by itself (a
 * daemon it started may live on) -- not when hotfix ended it (timeout, interruption):
 * what is left of its group is then for recovery to end (hookrec.h). */
struct hf_hook_watch {
	int (*started)(void *ctx, long pgid, struct hf_err *err);
	void (*ended)(void *ctx);
	void *ctx;
};

/* 1 when the run succeeded: exit code 0 within the timeout, not interrupted. */
int hf_hook_ok(const struct hf_hook_result *res);

/* "exit status 3", "killed by signal 9", "timed out after 5 s" */
const char *hf_hook_outcome(const struct hf_hook_result *res, char *buf, size_t len);

/* Run cmd in directory cwd (a path; NULL: the current one) with the environment env
 * (NULL-terminated "NAME=value" strings).  The outcome is in res, whatever it is; the
 * return is an error only when the command could not be started at all (-HF_E_IO:
 * pipe, fork; exec failures show as exit status 127 with the reason in out). */
int hf_hook_run(const struct hf_cmd *cmd, const char *cwd, char *const env[],
		struct hf_hook_result *res, struct hf_err *err) HF_MUST_CHECK;

/* The same, telling watch (may be NULL) when the command starts and ends. */
int hf_hook_run_watched(const struct hf_cmd *cmd, const char *cwd, char *const env[],
			const struct hf_hook_watch *watch, struct hf_hook_result *res,
			struct hf_err *err) HF_MUST_CHECK;

/* The standard clean environment: PATH (system directories only), LANG=C, HOME=/, and
 * HOTFIX_SITE, HOTFIX_SITE_CODE, HOTFIX_ID, HOTFIX_OP, HOTFIX_PHASE from the arguments
 * (each optional: NULL leaves it out).  Strings go into buf (len bytes, 4 KiB is plenty);
 * pointers into env[HF_HOOK_ENV_MAX].  Values are cut at 1000 bytes. */
void hf_hook_env(char *buf, size_t len, char *env[HF_HOOK_ENV_MAX], const char *site_root,
		 const char *code, const char *id, const char *op, const char *phase);

#endif
