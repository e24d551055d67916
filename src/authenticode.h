/* authenticode: the Authenticode signatures embedded in a Windows PE image, verified.
 *
 * Owns: the certificate table walk (data directory 4, whose address is a file offset:
 * every WIN_CERTIFICATE entry, revision 0x0200, type PKCS_SIGNED_DATA, 8-byte aligned,
 * the table after the headers and every section and ending the file), the nested
 * signatures (unauthenticated attribute 1.3.6.1.4.1.311.2.4.1, as `osslsigncode -nest`
 * and `signtool /as` add them), the Authenticode image hash (the file from its first byte
 * to the table, linearly as osslsigncode and signtool hash it, less the CheckSum field
 * and the certificate-table directory entry), and the verdict of each signature and of
 * the file.  All OpenSSL PKCS7/X509 objects live and die inside a call, except the trust
 * store, which a struct hf_ac_trust holds across files.  The acceptance rules of sig.h
 * (security level, codeSigning leaf, keyUsage) are sig.c's, called, not copied.
 *
 * A file is read once: a pread() of its first window (headers), then the rest in 1 MiB
 * pread()s hashed as they come, then the table; an unsigned file's body is not read.
 * Every offset and length read from the file is checked before use: a hostile image is
 * `invalid`, never an out-of-bounds read.
 *
 * Status of one signature, in this order of checks:
 *   invalid    malformed table or PKCS#7, not SpcIndirectDataContent over a PE image, an
 *              unknown digest, the image hash differs, the signature does not verify;
 *   untrusted  the signer chain does not reach a certificate of the trust file (each one
 *              is an anchor), or the signer is no codeSigning leaf, or the policy of
 *              sig.h refuses an algorithm or key (an image digest of SHA-1 at level 2 or
 *              more: SHA-1 is never accepted);
 *   expired    the chain is good but for the validity dates at verification time, and
 *              no RFC 3161 timestamp token (unauthenticated attribute
 *              1.3.6.1.4.1.311.3.3.1, its TSA chained to the same trust file, its imprint
 *              the digest of the signature) dates it when the chain was valid (the
 *              legacy PKCS#9 countersignature, 1.2.840.113549.1.9.6, is not read);
 *   valid      all of it holds.
 * Status of a file: unsigned when it has no certificate table; invalid when the table is
 * malformed or any signature is invalid (a tampered file, or a planted blob, is never
 * passed over); otherwise its best signature's: valid, expired, untrusted. */
#ifndef HOTFIX_AUTHENTICODE_H
#define HOTFIX_AUTHENTICODE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "sig.h"

enum hf_ac_status {
	HF_AC_VALID,
	HF_AC_EXPIRED,
	HF_AC_UNTRUSTED,
	HF_AC_UNSIGNED,
	HF_AC_INVALID,
};

/* "valid", "expired", "untrusted", "unsigned", "invalid" */
const char *hf_ac_status_word(enum hf_ac_status s);

#define HF_AC_MAX_SIGS 16   /* signatures per file, nested ones included; more: invalid */
#define HF_AC_CHAIN_MAX 768 /* the issuer chain's subjects, " <- " separated */
#define HF_AC_REASON_MAX 600

struct hf_ac_sig {
	enum hf_ac_status status;
	int entry;                        /* index of its WIN_CERTIFICATE entry */
	int nested;                       /* 0: the entry's own, n: its n-th nested one */
	char signer[HF_SIG_SUBJECT_MAX];  /* signer's subject, "" if none could be found */
	char chain[HF_AC_CHAIN_MAX];      /* issuers, signer's first, up to the anchor */
	char digest[16];                  /* image digest: "sha256", "sha1", ... */
	char timestamp[32];               /* a countersignature's time, "" if none */
	char reason[HF_AC_REASON_MAX];    /* why not valid; "" when valid */
};

struct hf_ac_result {
	enum hf_ac_status status; /* the file's (rule above) */
	int best;                 /* index in sigs of the signature the status comes from, -1 */
	int nentries;             /* WIN_CERTIFICATE entries */
	int nsigs;
	struct hf_ac_sig sigs[HF_AC_MAX_SIGS];
	char reason[HF_AC_REASON_MAX]; /* the file's: malformed table, unsigned, ... */
};

/* The trust anchors (a PEM file; every certificate in it is an anchor), loaded once for
 * many files.  Errors: -HF_E_IO (with a hint naming --pe-trust), -HF_E_NOMEM. */
struct hf_ac_trust;
int hf_ac_trust_open(const char *trust_path, struct hf_ac_trust **out,
		     struct hf_err *err) HF_MUST_CHECK;
void hf_ac_trust_close(struct hf_ac_trust *t);

/* Verify the image in fd (size bytes) at time now (0: the current time).  The verdict is
 * in *res, whatever it is; the return is 0, or -HF_E_IO (fd unreadable), -HF_E_NOMEM
 * (then res->status is invalid and err says why). */
int hf_ac_verify_fd(struct hf_ac_trust *t, int fd, uint64_t size, time_t now,
		    struct hf_ac_result *res, struct hf_err *err) HF_MUST_CHECK;

/* The same for an image in memory (tests, fuzzing). */
int hf_ac_verify_mem(struct hf_ac_trust *t, const uint8_t *buf, size_t len, time_t now,
		     struct hf_ac_result *res, struct hf_err *err) HF_MUST_CHECK;

/* The same, opening path read-only (a regular file only: hf_open_reg). */
int hf_ac_verify_path(struct hf_ac_trust *t, const char *path, time_t now,
		      struct hf_ac_result *res, struct hf_err *err) HF_MUST_CHECK;

/* Why res is not valid: the file's reason, else its best signature's ("" when valid). */
const char *hf_ac_reason(const struct hf_ac_result *res);

/* A manifest's policy (<authenticode required="true"/>, hotfix-manifest(5)) on one payload
 * file: the image in fd (size bytes) must be valid against t now.  display names the file
 * ("staged SP3/i386/Basesvr.dll (bin/i386/Basesvr.dll)"); apply (txn) and check use this
 * one call, so that both refuse the same files with the same message.  Errors:
 * -HF_E_SIGNATURE ("DISPLAY: Authenticode STATUS: REASON; the manifest requires a valid
 * signature", a hint naming --pe-trust; t NULL: no PE trust file was opened), -HF_E_IO,
 * -HF_E_NOMEM. */
int hf_ac_require(struct hf_ac_trust *t, int fd, uint64_t size, const char *display,
		  struct hf_err *err) HF_MUST_CHECK;

/* The Authenticode image hash of buf with digest md ("sha256", "sha1", ...) into out
 * (EVP_MAX_MD_SIZE, 64 bytes, is enough), its length into *outlen.  Errors:
 * -HF_E_MALFORMED (not a PE image, a bad table: err says what), -HF_E_NOMEM. */
int hf_ac_image_hash(const uint8_t *buf, size_t len, const char *md, uint8_t *out,
		     size_t *outlen, struct hf_err *err) HF_MUST_CHECK;

#endif
