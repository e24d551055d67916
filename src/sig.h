/* sig: detached CMS signatures over manifests, checked against a trust file.
 *
 * Owns: all OpenSSL CMS/X509 objects (created and freed inside each call), for
 * manifests (verified) and transaction receipts (signed and verified).  A signature
 * is accepted only if all of these hold: it is DER CMS SignedData, detached, over id-data
 * content, with exactly one signer; CMS_verify() returns exactly 1 over the given bytes
 * with the chain built to a certificate of the trust file (validity dates checked);
 * the signer carries the codeSigning extended key usage and is not a CA. */
#ifndef HOTFIX_SIG_H
#define HOTFIX_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct hf_sig_info {
	char signer[256]; /* signer certificate's subject, one line */
};

/* Verify sig (DER, siglen bytes) as a detached signature of data.  name is the manifest
 * path for messages; trust_path a PEM file of trusted CA certificates.
 * Errors: -HF_E_SIGNATURE (with the reason), -HF_E_IO (trust file unreadable). */
int hf_sig_verify(const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen,
		  const char *name, const char *trust_path, struct hf_sig_info *info,
		  struct hf_err *err) HF_MUST_CHECK;

/* The same for a transaction receipt (txlog.h): any leaf certificate that chains to the
 * trust file (no extended key usage is required). */
int hf_sig_verify_receipt(const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen,
			  const char *name, const char *trust_path, struct hf_sig_info *info,
			  struct hf_err *err) HF_MUST_CHECK;

/* Sign data: a detached CMS signature (DER) into *der (free() it) with the private key in
 * key_path and the certificate in cert_path (NULL: key_path holds both, PEM).
 * Errors: -HF_E_IO (a file), -HF_E_SIGNATURE (no key, no certificate, not a pair). */
int hf_sig_sign(const uint8_t *data, size_t len, const char *cert_path, const char *key_path,
		uint8_t **der, size_t *derlen, struct hf_err *err) HF_MUST_CHECK;

#endif
