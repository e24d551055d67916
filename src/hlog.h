/* hlog: the per-hotfix history, SITE/.hotfix/log/<ID>.log.
 *
 * Owns: struct hf_hlog (close with hf_hlog_close).  One line per step, appended as it
 * happens: "TIME pid PID OP: MESSAGE", TIME in UTC with milliseconds.  The log is for people; no decision is ever
 * taken from it.  A log that cannot be written costs a warning on stderr, never the
 * transaction. */
#ifndef HOTFIX_HLOG_H
#define HOTFIX_HLOG_H

#include "err.h"
#include "state.h"

struct hf_hlog;

/* Open (creating) the log of hotfix id for operation op ("apply", "rollback",
 * "recover").  Never fails: on error the log is disabled after one warning. */
struct hf_hlog *hf_hlog_open(const struct hf_state *st, const char *id, const char *op);

void hf_hlog(struct hf_hlog *log, const char *fmt, ...) HF_PRINTF(2, 3);

/* fsync and close; NULL is fine. */
void hf_hlog_close(struct hf_hlog *log);

/* Current UTC time as xs:dateTime ("2026-11-28T01:02:03Z") into buf (>= 21 bytes). */
char *hf_utc_now(char *buf, size_t len);

#endif
