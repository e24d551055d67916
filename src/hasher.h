/* hasher: a SHA-256 computed on a second thread while the caller reads or writes.
 *
 * Owns: its worker thread (which blocks every signal), and a ring of HF_HASHER_SLOTS buffers of HF_HASHER_SLOT bytes
 * that carry the bytes to it.  The caller fills the next free slot itself -- reading a
 * file straight into it, or gathering small blocks into it -- and submits it; the worker
 * hashes slots in order while the caller goes on.  A submitted slot is only read from then
 * on (by the worker, and by the caller if it likes, e.g. to write it out) until
 * HF_HASHER_SLOTS - 1 further slots have been taken: a slot handed to libarchive from a
 * read callback stays valid until the next callback, as libarchive requires.
 *
 * One digest at a time: begin, slots, final; then begin again for the next.  With
 * threaded == 0, or when no second thread can be started, every submit hashes inline:
 * the same digests and errors, only slower.  Not for sharing between threads: one caller
 * thread drives a hasher. */
#ifndef HOTFIX_HASHER_H
#define HOTFIX_HASHER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"

#define HF_HASHER_SLOTS 4
#define HF_HASHER_SLOT (256 * 1024)

struct hf_hasher;

/* threaded: use a worker thread if this machine has more than one CPU.  Errors:
 * -HF_E_NOMEM. */
int hf_hasher_new(struct hf_hasher **out, int threaded, struct hf_err *err) HF_MUST_CHECK;

/* Stop the worker and free everything (NULL is fine). */
void hf_hasher_free(struct hf_hasher *h);

/* 1 if the bytes are hashed on a second thread. */
int hf_hasher_threaded(const struct hf_hasher *h);

/* Start a new digest.  Errors: -HF_E_NOMEM. */
int hf_hasher_begin(struct hf_hasher *h, struct hf_err *err) HF_MUST_CHECK;

/* The next free slot (HF_HASHER_SLOT bytes), waiting for the worker if all are taken. */
uint8_t *hf_hasher_slot(struct hf_hasher *h);

/* Hash the first len bytes (len <= HF_HASHER_SLOT) of the slot hf_hasher_slot() returned.
 * An error of the worker shows here or at final.  Errors: -HF_E_NOMEM. */
int hf_hasher_submit(struct hf_hasher *h, size_t len, struct hf_err *err) HF_MUST_CHECK;

/* Begin, hash everything readable from fd (its current offset to EOF) reading straight
 * into the slots, and finish into out; *size_out (may be NULL) gets the number of bytes.
 * The same result as hf_sha256_fd(), but the reads overlap the hashing.  name is for
 * messages.  Errors: -HF_E_IO, -HF_E_NOMEM. */
int hf_hasher_fd(struct hf_hasher *h, int fd, const char *name, uint8_t out[HF_SHA256_LEN],
		 uint64_t *size_out, struct hf_err *err) HF_MUST_CHECK;

/* The same, telling m (progress.h; m->p NULL: nothing) how many bytes were read, as
 * each slot is submitted. */
struct hf_progress_meter;
int hf_hasher_fd_progress(struct hf_hasher *h, int fd, const char *name,
			  uint8_t out[HF_SHA256_LEN], uint64_t *size_out,
			  struct hf_progress_meter *m, struct hf_err *err) HF_MUST_CHECK;

/* Wait for every submitted slot and finish the digest into out. */
int hf_hasher_final(struct hf_hasher *h, uint8_t out[HF_SHA256_LEN],
		    struct hf_err *err) HF_MUST_CHECK;

#endif
