/* hookrec: the record of a site's command while it runs -- SITE/.hotfix/hook -- and the
 * ending of one that a dead hotfix left running.
 *
 * Owns: the record's format and its parser (hostile input: bounded, every field
 * checked), the decision whether a process group found on the machine is the one
 * recorded (hf_hookrec_judge), and the ending of that group (hf_hookrec_settle).
 *
 * The record, text, at most HF_HOOKREC_MAX bytes, these lines in this order:
 *   hotfix-hook 1
 *   boot BOOT-ID     /proc/sys/kernel/random/boot_id when it was written
 *   pgid N           the command's process group (its first process's pid), 2..4194304
 *   start T          that process's start time in clock ticks after boot
 *                    (/proc/N/stat field 22), 1..2^63-1
 *   sid N            the session the group belongs to (hotfix's own)
 *   by PID           the hotfix process that ran it
 *   op OP            apply, rollback or recover
 *   id ID            the hotfix (- when recovery knew none)
 *   phase PHASE      stop, start or health
 *   cmd TEXT         the command, for messages only (printable, at most 500 bytes)
 * It is written (atomically and durably, through fsop) once the child exists and before
 * it runs anything (hook.h's watch), and removed when the command has exited by itself;
 * a command ended by hotfix (timeout, interruption) keeps it, so that recovery ends what
 * is left of its group.  Commands run only while a journal or .hotfix/services exists,
 * so recovery always runs when a record is left.
 *
 * Whose group: the record is trusted to signal a group only if hotfix may signal it at
 * all (pgid > 1, not hotfix's own process or group), the machine has not restarted since
 * (boot id), and either the process whose pid is pgid is the one recorded (same start
 * time and session), or no such process exists and every live member of the group is in the
 * recorded session and started no earlier than the recorded start time (a process group
 * keeps its number from reuse while it has members).  A damaged or unreadable record (a
 * symlink, say) signals nothing; it is reported and removed. */
#ifndef HOTFIX_HOOKREC_H
#define HOTFIX_HOOKREC_H

#include <stddef.h>

#include "err.h"
#include "history.h"
#include "hook.h"

#define HF_HOOKREC_FILE "hook"
#define HF_HOOKREC_MAX 4096
#define HF_HOOKREC_CMD_MAX 500
#define HF_HOOKREC_PID_MAX 4194304 /* the kernel's PID_MAX_LIMIT */

struct hf_hookrec {
	char boot[37];
	long pgid, sid, by;
	unsigned long long start;
	char op[16], id[65], phase[8];
	char cmd[HF_HOOKREC_CMD_MAX + 1];
};

/* The record as text into buf (len bytes); its length, or -1 if it does not fit. */
int hf_hookrec_format(const struct hf_hookrec *r, char *buf, size_t len);

/* Parse a record.  Errors: -HF_E_MALFORMED, saying which line and what is wrong. */
int hf_hookrec_parse(const char *buf, size_t len, const char *display, struct hf_hookrec *r,
		     struct hf_err *err) HF_MUST_CHECK;

/* One process, from /proc/PID/stat. */
struct hf_proc {
	long pid, pgrp, sid;
	char state; /* R, S, D, Z, ... */
	unsigned long long start;
};

/* Parse the text of /proc/PID/stat.  Returns 0, or -1 when it is not one. */
int hf_proc_parse_stat(const char *buf, size_t len, struct hf_proc *p);

enum hf_hook_verdict {
	HF_HOOK_GONE,     /* nothing of the recorded group runs */
	HF_HOOK_OURS,     /* the recorded group runs: end it */
	HF_HOOK_FOREIGN,  /* a group with that number runs, but it is not the recorded one */
	HF_HOOK_REBOOTED, /* the record is from before the machine last started */
	HF_HOOK_UNSAFE,   /* the record names a group hotfix never signals */
};

/* Whose group: procs[n] are the processes whose pid is r->pgid or whose group is
 * r->pgid; boot the current boot id; self_pid and self_pgid hotfix's own. */
enum hf_hook_verdict hf_hookrec_judge(const struct hf_hookrec *r, const char *boot,
				      long self_pid, long self_pgid, const struct hf_proc *procs,
				      size_t n);

/* A watch (hook.h) that writes the record into dirfd (SITE/.hotfix; display names it)
 * while the command runs.  The strings are copied (cut to fit). */
struct hf_hookrec_watch {
	struct hf_hook_watch watch;
	int dirfd;
	const char *display;
	struct hf_hookrec rec;
};

void hf_hookrec_watch_init(struct hf_hookrec_watch *x, int dirfd, const char *display,
			   const char *op, const char *id, const char *phase, const char *cmd);

/* Recovery, before it runs a command of its own: if dirfd holds a record, end the group
 * it names when that group is the recorded one -- SIGTERM, up to 2 s, SIGKILL, up to 5 s
 * more -- then remove the record (and a hook.tmp).  said (len bytes) gets one sentence
 * for the report when there is something to say, else "".  procdir is "/proc" (tests
 * may name another).  Errors: -HF_E_BUSY (the group would not end: the record stays),
 * -HF_E_IO (the record could not be removed, or /proc could not be read). */
int hf_hookrec_settle(int dirfd, const char *display, const char *procdir, struct hf_history *log,
		      char *said, size_t len, struct hf_err *err) HF_MUST_CHECK;

#endif
