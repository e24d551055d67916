/* hash: SHA-256 through OpenSSL's EVP interface, read in 256 KiB chunks. */
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fileio.h"

#define CHUNK (256 * 1024)

int hf_sha256_fd(int fd, const char *name, uint8_t out[HF_SHA256_LEN], uint64_t *size_out,
		 struct hf_err *err)
{
	uint8_t *buf = malloc(CHUNK);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint64_t total = 0;
	int r = 0;

	if (!ctx || !buf) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: cannot allocate a hash context", name);
		goto out;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: cannot initialise SHA-256", name);
		goto out;
	}
	for (;;) {
		ssize_t n = hf_read_some(fd, buf, CHUNK);

		if (n < 0) {
			r = hf_err_set(err, HF_E_IO, "%s: read failed: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			r = hf_err_set(err, HF_E_NOMEM, "%s: SHA-256 update failed", name);
			goto out;
		}
		total += (uint64_t)n;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: SHA-256 final failed", name);
		goto out;
	}
	if (size_out)
		*size_out = total;
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	return r;
}

int hf_sha256_buf(const void *buf, size_t len, uint8_t out[HF_SHA256_LEN], struct hf_err *err)
{
	if (EVP_Digest(buf, len, out, NULL, EVP_sha256(), NULL) != 1)
		return hf_err_set(err, HF_E_NOMEM, "SHA-256 of a %zu-byte buffer failed", len);
	return 0;
}

char *hf_sha256_hex(const uint8_t d[HF_SHA256_LEN], char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < HF_SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * HF_SHA256_LEN] = '\0';
	return hex;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hf_sha256_parse(const char *hex, uint8_t out[HF_SHA256_LEN], struct hf_err *err)
{
	if (strlen(hex) != 2 * HF_SHA256_LEN)
		return hf_err_set(err, HF_E_MALFORMED, "sha256 '%.70s' is not 64 hex digits", hex);
	for (int i = 0; i < HF_SHA256_LEN; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return hf_err_set(err, HF_E_MALFORMED,
					  "sha256 '%.70s' has a character that is not lower-case hex",
					  hex);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int hf_sha256_init(struct hf_sha256_ctx *c, struct hf_err *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	c->md = NULL;
	if (!ctx)
		return hf_err_set(err, HF_E_NOMEM, "cannot allocate a hash context");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return hf_err_set(err, HF_E_NOMEM, "cannot initialise SHA-256");
	}
	c->md = ctx;
	return 0;
}

int hf_sha256_update(struct hf_sha256_ctx *c, const void *buf, size_t len, struct hf_err *err)
{
	if (EVP_DigestUpdate((EVP_MD_CTX *)c->md, buf, len) != 1)
		return hf_err_set(err, HF_E_NOMEM, "SHA-256 update failed");
	return 0;
}

int hf_sha256_final(struct hf_sha256_ctx *c, uint8_t out[HF_SHA256_LEN], struct hf_err *err)
{
	int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)c->md, out, NULL) == 1;

	hf_sha256_abort(c);
	return ok ? 0 : hf_err_set(err, HF_E_NOMEM, "SHA-256 final failed");
}

void hf_sha256_abort(struct hf_sha256_ctx *c)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)c->md);
	c->md = NULL;
}
