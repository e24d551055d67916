/* hasher: SHA-256 on a worker thread, fed through a ring of slots (see hasher.h). */
#include "hasher.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "progress.h"

struct hf_hasher {
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* a slot was submitted or hashed, or quit was set */
	struct hf_sha256_ctx sha;
	uint8_t *buf[HF_HASHER_SLOTS];
	size_t len[HF_HASHER_SLOTS];
	unsigned head;       /* the oldest submitted slot (the worker's next) */
	unsigned queued;     /* submitted and not yet hashed */
	int quit;
	int failed;          /* the worker's update failed: werr says why */
	struct hf_err werr;
};

static void *worker(void *arg)
{
	struct hf_hasher *h = arg;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		unsigned i;
		int bad;

		while (!h->queued && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->queued)
			break;
		i = h->head;
		bad = h->failed;
		pthread_mutex_unlock(&h->mu);
		/* the slot is ours to read until it is released below */
		if (!bad && hf_sha256_update(&h->sha, h->buf[i], h->len[i], &h->werr))
			bad = 1;
		pthread_mutex_lock(&h->mu);
		h->failed = bad;
		h->head = (h->head + 1) % HF_HASHER_SLOTS;
		h->queued--;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int hf_hasher_new(struct hf_hasher **out, int threaded, struct hf_err *err)
{
	struct hf_hasher *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	for (int i = 0; i < HF_HASHER_SLOTS; i++) {
		h->buf[i] = malloc(HF_HASHER_SLOT);
		if (!h->buf[i]) {
			hf_hasher_free(h);
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
		}
	}
	if (threaded && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    pthread_mutex_init(&h->mu, NULL) == 0) {
		if (pthread_cond_init(&h->cv, NULL) != 0) {
			pthread_mutex_destroy(&h->mu);
		} else {
			/* the worker blocks every signal: they go to the main thread, whose
			 * waits look at them (intr.h) */
			sigset_t all, old;
			int rc;

			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			rc = pthread_create(&h->thread, NULL, worker, h);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			if (rc != 0) {
				pthread_cond_destroy(&h->cv);
				pthread_mutex_destroy(&h->mu);
			} else {
				h->threaded = 1;
			}
		}
	}
	*out = h;
	return 0;
}

void hf_hasher_free(struct hf_hasher *h)
{
	if (!h)
		return;
	if (h->threaded) {
		pthread_mutex_lock(&h->mu);
		h->quit = 1;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
	}
	hf_sha256_abort(&h->sha);
	for (int i = 0; i < HF_HASHER_SLOTS; i++)
		free(h->buf[i]);
	free(h);
}

int hf_hasher_threaded(const struct hf_hasher *h)
{
	return h->threaded;
}

/* Wait until the worker has hashed every submitted slot; the worker's failure, if any. */
static int drain(struct hf_hasher *h, struct hf_err *err)
{
	int failed;

	if (!h->threaded)
		return 0;
	pthread_mutex_lock(&h->mu);
	while (h->queued)
		pthread_cond_wait(&h->cv, &h->mu);
	failed = h->failed;
	pthread_mutex_unlock(&h->mu);
	if (failed) {
		*err = h->werr;
		return -(int)err->code;
	}
	return 0;
}

int hf_hasher_begin(struct hf_hasher *h, struct hf_err *err)
{
	int r = drain(h, err);

	hf_sha256_abort(&h->sha);
	h->failed = 0; /* the worker is idle: nothing is queued */
	return r ? r : hf_sha256_init(&h->sha, err);
}

uint8_t *hf_hasher_slot(struct hf_hasher *h)
{
	unsigned i;

	if (!h->threaded)
		return h->buf[h->head];
	pthread_mutex_lock(&h->mu);
	while (h->queued == HF_HASHER_SLOTS)
		pthread_cond_wait(&h->cv, &h->mu);
	i = (h->head + h->queued) % HF_HASHER_SLOTS;
	pthread_mutex_unlock(&h->mu);
	return h->buf[i];
}

int hf_hasher_submit(struct hf_hasher *h, size_t len, struct hf_err *err)
{
	int failed;

	if (len > HF_HASHER_SLOT)
		return hf_err_set(err, HF_E_NOMEM, "hasher: %zu bytes do not fit a slot", len);
	if (!h->threaded) {
		int r = hf_sha256_update(&h->sha, h->buf[h->head], len, err);

		h->head = (h->head + 1) % HF_HASHER_SLOTS;
		return r;
	}
	pthread_mutex_lock(&h->mu);
	h->len[(h->head + h->queued) % HF_HASHER_SLOTS] = len;
	h->queued++;
	failed = h->failed;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return failed ? drain(h, err) : 0;
}

int hf_hasher_final(struct hf_hasher *h, uint8_t out[HF_SHA256_LEN], struct hf_err *err)
{
	int r = drain(h, err);

	if (r) {
		hf_sha256_abort(&h->sha);
		return r;
	}
	return hf_sha256_final(&h->sha, out, err);
}

int hf_hasher_fd(struct hf_hasher *h, int fd, const char *name, uint8_t out[HF_SHA256_LEN],
		 uint64_t *size_out, struct hf_err *err)
{
	return hf_hasher_fd_progress(h, fd, name, out, size_out, NULL, err);
}

int hf_hasher_fd_progress(struct hf_hasher *h, int fd, const char *name,
			  uint8_t out[HF_SHA256_LEN], uint64_t *size_out,
			  struct hf_progress_meter *m, struct hf_err *err)
{
	uint64_t total = 0;
	int r = hf_hasher_begin(h, err);

	while (!r) {
		uint8_t *slot = hf_hasher_slot(h);
		ssize_t n = hf_read_some(fd, slot, HF_HASHER_SLOT);

		if (n < 0)
			r = hf_err_set(err, HF_E_IO, "%s: read failed: %s", name, strerror(errno));
		if (n <= 0)
			break;
		total += (uint64_t)n;
		r = hf_hasher_submit(h, (size_t)n, err);
		if (m)
			hf_progress_update(m, total);
	}
	if (r) {
		struct hf_err ignored;

		(void)drain(h, &ignored);
		hf_sha256_abort(&h->sha);
		return r;
	}
	if (size_out)
		*size_out = total;
	return hf_hasher_final(h, out, err);
}
