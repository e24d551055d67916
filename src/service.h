/* service: a site's services around a swap -- the stop, start and health commands of
 * site.xml <services>, each run through hook (no shell unless asked, clean environment,
 * timeout), each attempt logged with its outcome and output.
 *
 * Owns: the order of attempts of one phase (health: 1 + retries attempts, `interval`
 * seconds apart) and the environment the commands see (hook.h, plus HOTFIX_* naming the
 * site, the hotfix, the operation and the phase). */
#ifndef HOTFIX_SERVICE_H
#define HOTFIX_SERVICE_H

#include <stddef.h>

#include "err.h"
#include "history.h"
#include "site.h"

enum hf_service_phase { HF_SERVICE_STOP, HF_SERVICE_START, HF_SERVICE_HEALTH };

const char *hf_service_phase_name(enum hf_service_phase phase);

/* 1 if the site names stop and start commands (services to restart around a swap). */
int hf_service_restarts(const struct hf_site *site);

/* 1 if the site names a stop/start pair or a health command. */
int hf_service_any(const struct hf_site *site);

/* Run one phase for hotfix id during operation op ("apply", "rollback", "recover").
 * A phase the site does not name succeeds at once.  out (len bytes, may be NULL) gets
 * the output of the last attempt.  While a command runs, SITE/.hotfix/hook records it
 * (hookrec.h) in sdir, the state directory the caller locked (st->dirfd; -1: no record).  Errors:
 * -HF_E_HOOK ("health check failed after 3 attempt(s): exit status 1"), -HF_E_INTR (hotfix was
 * interrupted (intr.h): the command was ended, or not started, and no further attempt is made),
 * -HF_E_IO (the command could not be started or recorded), -HF_E_UNSAFE (hf_site_trust has not
 * passed on this site: nothing runs). */
int hf_service_run(const struct hf_site *site, int sdir, enum hf_service_phase phase,
		   const char *id, const char *op, struct hf_history *log, char *out, size_t len,
		   struct hf_err *err) HF_MUST_CHECK;

#endif
