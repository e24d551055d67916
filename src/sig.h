/* sig: detached CMS signatures over manifests, checked against a trust file.
 *
 * Owns: all OpenSSL CMS/X509 objects (created and freed inside each call), for
 * manifests (verified) and transaction receipts (signed and verified).  A signature
 * is accepted only if all of these hold: it is DER CMS SignedData, detached, over id-data
 * content, with exactly one signer; CMS_verify() returns exactly 1 over the given bytes
 * with the chain built to a certificate of the trust file (validity dates checked);
 * the signer carries the codeSigning extended key usage (manifests only) and is not a CA;
 * and the signature policy holds (hotfix(1) SIGNATURES): at the security level set here
 * (OpenSSL's numbering; 2, 112-bit security, unless raised), every key of the chain (the
 * trust anchor's too), every certificate's signature but the anchor's self-signature, the
 * SignerInfo's digest and signature algorithm and the signer's key meet it (no MD5, no
 * SHA-1, RSA/DSA >= 2048 bits, EC >= 224 bits at level 2); and a signer certificate with
 * a keyUsage extension has digitalSignature in it.  Signing refuses a key below the
 * level.  The level is one setting of the process (the command line sets it once).
 * The policy's pieces are also exported (end of this header) so that authenticode.c
 * applies the very same rules to the Authenticode signatures of PE files; they take
 * OpenSSL objects the caller owns and keep none. */
#ifndef HOTFIX_SIG_H
#define HOTFIX_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HF_SIG_LEVEL_MIN 2     /* the floor: never weaker */
#define HF_SIG_LEVEL_MAX 5
#define HF_SIG_LEVEL_DEFAULT 2

/* Set the security level of every later verification and signing (HF_SIG_LEVEL_MIN to
 * HF_SIG_LEVEL_MAX).  Returns 0, or -1 (nothing changed) for a level out of range. */
int hf_sig_set_level(int level) HF_MUST_CHECK;

/* The security level in force. */
int hf_sig_level(void);

/* A certificate's subject on one line (X509_NAME_oneline), cut short when longer. */
#define HF_SIG_SUBJECT_MAX 256

struct hf_sig_info {
	char signer[HF_SIG_SUBJECT_MAX]; /* signer certificate's subject, one line */
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
 * Errors: -HF_E_IO (a file), -HF_E_SIGNATURE (no key, no certificate, not a pair, a key
 * below the security level). */
int hf_sig_sign(const uint8_t *data, size_t len, const char *cert_path, const char *key_path,
		uint8_t **der, size_t *derlen, struct hf_err *err) HF_MUST_CHECK;

/* Check before any change that hf_sig_sign() could sign with these files: the key and
 * the certificate load, are a pair, and the key meets the security level.
 * Errors: as hf_sig_sign(). */
int hf_sig_check_signing_key(const char *cert_path, const char *key_path,
			     struct hf_err *err) HF_MUST_CHECK;

/* The policy's pieces, for another signature format (authenticode.c).  OpenSSL's types
 * by their struct tags, so that this header needs no OpenSSL header. */
struct x509_st;
struct x509_store_st;
struct evp_pkey_st;

/* What the chain verification refused under the security level: the verify callback
 * hf_sig_load_trust() installs fills it in (it travels as the store's application data
 * 0, since CMS_verify() and PKCS7_verify() build their own X509_STORE_CTX). */
struct hf_sig_chain {
	int error; /* X509_V_ERR_*, 0: none */
	int depth;
	char subject[HF_SIG_SUBJECT_MAX];
	char what[160]; /* the key or the signature algorithm */
};

/* The OpenSSL error queue as one line ("reason (detail); reason") into out, then cleared. */
void hf_sig_openssl_errors(char *out, size_t outlen);

/* Load the trust file's certificates into store with the policy's chain parameters (any
 * purpose, the auth level, the callback recording into chain).  Errors: -HF_E_IO. */
int hf_sig_load_trust(struct x509_store_st *store, const char *trust_path,
		      struct hf_sig_chain *chain, const char *name, struct hf_err *err) HF_MUST_CHECK;

/* The message for a chain the level refused (chain->error set).  Returns -HF_E_SIGNATURE. */
int hf_sig_chain_refused(const struct hf_sig_chain *chain, const char *name, struct hf_err *err);

/* A signer's digest (NID), signature algorithm (NID; NID_undef: none) and key meet the
 * level.  signame names the signature in the digest messages, kind the format ("CMS"),
 * resign how to re-sign (in the hint).  Returns 0 or -HF_E_SIGNATURE. */
int hf_sig_check_algs(int digest_nid, int sigalg_nid, struct evp_pkey_st *key, const char *name,
		      const char *signame, const char *kind, const char *resign,
		      const char *subject, struct hf_err *err) HF_MUST_CHECK;

/* The signer certificate fits its use: codeSigning EKU unless codesign is 0 (receipts; 1
 * manifests, 2 PE files), not a CA, a keyUsage (if any) with digitalSignature.
 * Returns 0 or -HF_E_SIGNATURE. */
int hf_sig_check_leaf(struct x509_st *signer, const char *name, const char *subject,
		      int codesign, struct hf_err *err) HF_MUST_CHECK;

#endif
