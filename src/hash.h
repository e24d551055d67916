/* hash: streaming SHA-256 (OpenSSL EVP) of file descriptors and buffers, hex helpers.
 *
 * Owns nothing beyond the call: contexts live and die inside each function.
 * Memory stays flat: files are read in fixed-size chunks. */
#ifndef HOTFIX_HASH_H
#define HOTFIX_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HF_SHA256_LEN 32
#define HF_SHA256_HEX 65 /* 64 hex digits + NUL */

/* SHA-256 of everything readable from fd, from its current offset to EOF.
 * *size_out (may be NULL) gets the number of bytes hashed.  name is for messages. */
int hf_sha256_fd(int fd, const char *name, uint8_t out[HF_SHA256_LEN], uint64_t *size_out,
		 struct hf_err *err) HF_MUST_CHECK;

/* Incremental SHA-256, for data hashed while it is written elsewhere (staging). */
struct hf_sha256_ctx {
	void *md; /* EVP_MD_CTX, opaque here */
};

int hf_sha256_init(struct hf_sha256_ctx *c, struct hf_err *err) HF_MUST_CHECK;
int hf_sha256_update(struct hf_sha256_ctx *c, const void *buf, size_t len,
		     struct hf_err *err) HF_MUST_CHECK;
/* Finish into out and release the context (also on failure). */
int hf_sha256_final(struct hf_sha256_ctx *c, uint8_t out[HF_SHA256_LEN],
		    struct hf_err *err) HF_MUST_CHECK;
/* Release a context that will not be finished (safe after final, or never inited). */
void hf_sha256_abort(struct hf_sha256_ctx *c);

/* SHA-256 of a buffer. */
int hf_sha256_buf(const void *buf, size_t len, uint8_t out[HF_SHA256_LEN],
		  struct hf_err *err) HF_MUST_CHECK;

/* Lower-case hex of a digest into hex (HF_SHA256_HEX bytes); returns hex. */
char *hf_sha256_hex(const uint8_t d[HF_SHA256_LEN], char *hex);

/* Parse 64 lower-case hex digits.  Returns 0 or -HF_E_MALFORMED. */
int hf_sha256_parse(const char *hex, uint8_t out[HF_SHA256_LEN], struct hf_err *err) HF_MUST_CHECK;

#endif
