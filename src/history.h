/* history: the per-hotfix history, SITE/.hotfix/log/<ID>.log, and the same steps in syslog.
 *
 * Read by: people, and the log collectors fed by syslog -- never by hotfix itself.
 *
 * Owns: struct hf_history (close with hf_history_close).  One line per step, appended as
 * it happens: "TIME pid PID OP: MESSAGE", TIME in UTC with milliseconds.  The same step
 * goes to syslog(3) (journald reads it too) as one stable line of key=value fields:
 *   hotfix[PID]: site=CODE id=ID op=OP step=STEP[ file=PATH][ old=V][ new=V][ reason="..."]
 * Values are manifest paths, versions, codes and ids, which never hold a space; a reason
 * is quoted, with '"' and '\' escaped and control characters dropped.  Facility user;
 * priority info, err for step=failed.  Without a syslog socket the line is dropped.
 * The logs are for people; no decision is ever taken from them.  A log that cannot be
 * written costs a warning on stderr, never the transaction. */
#ifndef HOTFIX_HISTORY_H
#define HOTFIX_HISTORY_H

#include "err.h"
#include "state.h"

struct hf_history;

/* Open (creating) the log of hotfix id for operation op ("apply", "rollback",
 * "recover").  Never fails: on error the log is disabled after one warning. */
struct hf_history *hf_history_open(const struct hf_state *st, const char *id, const char *op);

/* What one step did, for syslog; NULL fields are left out. */
struct hf_history_step {
	const char *step;   /* start, stage, journal, backup, keep, swap, commit, done,
			     * failed, undo, recover, stop, start, health */
	const char *file;   /* the target path */
	const char *old;    /* version before */
	const char *new_;   /* version after */
	const char *reason; /* why, for failed and recover */
};

/* Log one step: fmt for the log file, s for syslog. */
void hf_history_add(struct hf_history *log, const struct hf_history_step *s, const char *fmt, ...)
    HF_PRINTF(3, 4);

/* The log file's path (for reports), or "" when log is NULL. */
const char *hf_history_path(const struct hf_history *log);

/* fsync and close; NULL is fine. */
void hf_history_close(struct hf_history *log);

#endif
