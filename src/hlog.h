/* hlog: the per-hotfix history, SITE/.hotfix/log/<ID>.log, and the same steps in syslog.
 *
 * Owns: struct hf_hlog (close with hf_hlog_close).  One line per step, appended as it
 * happens: "TIME pid PID OP: MESSAGE", TIME in UTC with milliseconds.  The same step
 * goes to syslog(3) (journald reads it too) as one stable line of key=value fields:
 *   hotfix[PID]: site=CODE id=ID op=OP step=STEP[ file=PATH][ old=V][ new=V][ reason="..."]
 * Values are manifest paths, versions, codes and ids, which never hold a space; a reason
 * is quoted, with '"' and '\' escaped and control characters dropped.  Facility user;
 * priority info, err for step=failed.  Without a syslog socket the line is dropped.
 * The logs are for people; no decision is ever taken from them.  A log that cannot be
 * written costs a warning on stderr, never the transaction. */
#ifndef HOTFIX_HLOG_H
#define HOTFIX_HLOG_H

#include "err.h"
#include "state.h"

struct hf_hlog;

/* Open (creating) the log of hotfix id for operation op ("apply", "rollback",
 * "recover").  Never fails: on error the log is disabled after one warning. */
struct hf_hlog *hf_hlog_open(const struct hf_state *st, const char *id, const char *op);

/* What one step did, for syslog; NULL fields are left out. */
struct hf_hstep {
	const char *step;   /* start, stage, journal, backup, keep, swap, commit, done,
			     * failed, undo, recover, stop, start, health */
	const char *file;   /* the target path */
	const char *old;    /* version before */
	const char *new_;   /* version after */
	const char *reason; /* why, for failed and recover */
};

/* Log one step: fmt for the log file, s for syslog. */
void hf_hlog(struct hf_hlog *log, const struct hf_hstep *s, const char *fmt, ...) HF_PRINTF(3, 4);

/* The log file's path (for reports), or "" when log is NULL. */
const char *hf_hlog_path(const struct hf_hlog *log);

/* fsync and close; NULL is fine. */
void hf_hlog_close(struct hf_hlog *log);

#endif
