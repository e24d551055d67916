/* progress: how the core tells its caller how far a long pass over bytes has come
 * (verifying a payload, staging it), so that the command line can show it.  The core
 * never prints: it calls a callback its caller gave, and the caller renders it (or not).
 *
 * Owns: struct hf_progress (the caller's callback) and struct hf_progress_meter, the
 * core's side: it calls the callback once when a pass starts (done 0), at most once per
 * HF_PROGRESS_STEP bytes as it goes -- one comparison per block on the hot path, never
 * a call per byte -- and once when the pass is complete (done == total).  A pass that
 * fails stops calling; the caller clears what it shows when the call into the core
 * returns.  Nothing decides from it. */
#ifndef HOTFIX_PROGRESS_H
#define HOTFIX_PROGRESS_H

#include <stdint.h>

#define HF_PROGRESS_STEP (1024 * 1024) /* bytes between two calls, at most one a step */

struct hf_progress {
	/* what: "verifying payload", "staging payload"; total: bytes of the pass */
	void (*cb)(void *ctx, const char *what, uint64_t done, uint64_t total);
	void *ctx;
};

struct hf_progress_meter {
	const struct hf_progress *p; /* NULL: nothing is told, and the meter costs nothing */
	const char *what;
	uint64_t total, next;
};

/* Begin a pass of total bytes (p may be NULL): the callback is told done 0. */
void hf_progress_start(struct hf_progress_meter *m, const struct hf_progress *p,
		       const char *what, uint64_t total);

/* done bytes of the pass so far: the callback is told when done reached the next step,
 * or the total (then once; a pass that goes past its total is told it once too). */
/* private: hf_progress_update's call, past its one comparison */
void hf_progress_tell(struct hf_progress_meter *m, uint64_t done);

static inline void hf_progress_update(struct hf_progress_meter *m, uint64_t done)
{
	if (m->p && done >= m->next)
		hf_progress_tell(m, done);
}

#endif
