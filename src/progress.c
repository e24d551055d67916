/* progress: the core's side of a progress callback (progress.h). */
#include "progress.h"

#include <stddef.h>

void hf_progress_start(struct hf_progress_meter *m, const struct hf_progress *p,
		       const char *what, uint64_t total)
{
	m->p = p && p->cb ? p : NULL;
	m->what = what;
	m->total = total;
	m->next = total < HF_PROGRESS_STEP ? total : HF_PROGRESS_STEP;
	if (m->p)
		m->p->cb(m->p->ctx, what, 0, total);
	if (m->p && total == 0) /* an empty pass is complete at once */
		m->p = NULL;
}

void hf_progress_tell(struct hf_progress_meter *m, uint64_t done)
{
	m->p->cb(m->p->ctx, m->what, done, m->total);
	if (done >= m->total) {
		m->p = NULL; /* told complete: nothing more */
		return;
	}
	m->next = done + HF_PROGRESS_STEP < m->total ? done + HF_PROGRESS_STEP : m->total;
}
