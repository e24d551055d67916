/* intr: SIGINT, SIGTERM, SIGHUP and SIGQUIT while a command changes sites -- caught, remembered,
 * and acted upon at the next safe point, never in the handler.
 *
 * Owns: the process's dispositions of those four signals and of SIGPIPE and SIGXFSZ, for the
 * commands that change sites (apply, rollback, recover; readers keep the defaults).  The
 * handler only records the first signal (a volatile sig_atomic_t); SA_RESTART, so that
 * read, write, fsync and rename in any library resume instead of failing with EINTR,
 * while poll and nanosleep (which never resume) return early and the waits of hook.c,
 * service.c and runner.c look at the flag.  A signal that was ignored when hotfix started
 * (nohup, a background job of a non-interactive shell) stays ignored.  SIGPIPE is
 * ignored: a reader of the output that goes away costs EPIPE on a write, never the
 * process in the middle of a transaction (hook children get the default back, hook.h).
 * SIGXFSZ is ignored too: a file grown past RLIMIT_FSIZE (ulimit -f) fails that write
 * with EFBIG, a failure like ENOSPC that the transaction undoes, instead of killing it.
 *
 * Safe points: txn.c asks hf_intr_check() between steps and between files, payload.c
 * while it stages, hook.c while a command runs (it then ends the command's process
 * group).  Recovery -- the undo of an interrupted transaction, or the finishing of a
 * committed one -- holds the interruption (hf_intr_hold): a second signal during it is
 * recorded but changes nothing, and the undo always finishes.  The caller exits with
 * 128 + the signal's number. */
#ifndef HOTFIX_INTR_H
#define HOTFIX_INTR_H

#include <signal.h>

#include "err.h"

/* Catch SIGINT, SIGTERM, SIGHUP and SIGQUIT (unless ignored at start) and ignore SIGPIPE
 * and SIGXFSZ. */
void hf_intr_catch(void);

/* The first of the three signals caught, or 0. */
int hf_intr_signal(void);

/* The signal caught, when interruption is not held; else 0. */
int hf_intr_pending(void);

/* -HF_E_INTR ("interrupted by SIGTERM") when hf_intr_pending(); else 0. */
int hf_intr_check(struct hf_err *err) HF_MUST_CHECK;

/* Hold interruption (nested): while held, hf_intr_pending() is 0. */
void hf_intr_hold(void);
void hf_intr_release(void);

/* "SIGINT", "SIGTERM", "SIGHUP", or "signal N". */
const char *hf_intr_name(int sig);

/* The set {SIGINT, SIGTERM, SIGHUP}. */
void hf_intr_sigset(sigset_t *set);

#endif
