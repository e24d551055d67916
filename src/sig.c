/* sig: OpenSSL CMS verification with hotfix's stricter acceptance rules. */
#include "sig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fileio.h"

#define WHY_MAX 512 /* drain_errors' line, quoted in one message (hf_err's msg: 1024) */

void hf_sig_openssl_errors(char *out, size_t outlen)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e;
	size_t used = 0;

	out[0] = '\0';
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		const char *reason = ERR_reason_error_string(e);
		int n = snprintf(out + used, outlen - used, "%s%s%s%s%s", used ? "; " : "",
				 reason ? reason : "unknown error",
				 (flags & ERR_TXT_STRING) && data && *data ? " (" : "",
				 (flags & ERR_TXT_STRING) && data ? data : "",
				 (flags & ERR_TXT_STRING) && data && *data ? ")" : "");

		if (n < 0 || (size_t)n >= outlen - used)
			break;
		used += (size_t)n;
	}
	ERR_clear_error();
}

/* The security level (OpenSSL's numbering) every key, certificate signature and CMS
 * digest must meet: the minimum bits of security per level, 1..5. */
static const int level_bits[] = { 80, 112, 128, 192, 256 };
static int policy_level = HF_SIG_LEVEL_DEFAULT;

int hf_sig_set_level(int level)
{
	if (level < HF_SIG_LEVEL_MIN || level > HF_SIG_LEVEL_MAX)
		return -1;
	policy_level = level;
	return 0;
}

int hf_sig_level(void)
{
	return policy_level;
}

static int min_bits(void)
{
	return level_bits[policy_level - 1];
}

/* What the level asks of keys (keys != 0) or of digests, for messages. */
static const char *level_needs(int keys)
{
	static const char *const key_text[] = {
		"RSA and DSA keys of 1024 bits or more, EC keys of 160 bits or more",
		"RSA and DSA keys of 2048 bits or more, EC keys of 224 bits or more",
		"RSA and DSA keys of 3072 bits or more, EC keys of 256 bits or more",
		"RSA and DSA keys of 7680 bits or more, EC keys of 384 bits or more",
		"RSA and DSA keys of 15360 bits or more, EC keys of 512 bits or more",
	};
	static const char *const digest_text[] = {
		"SHA-224 or stronger (never MD5 or SHA-1)",
		"SHA-224 or stronger (never MD5 or SHA-1)",
		"SHA-256 or stronger (never MD5, SHA-1 or SHA-224)",
		"SHA-384 or stronger (never MD5, SHA-1, SHA-224 or SHA-256)",
		"SHA-512 or SHA3-512",
	};

	return keys ? key_text[policy_level - 1] : digest_text[policy_level - 1];
}

/* The digests a signature may use, with their bits of security (half the output: the
 * collision resistance).  Anything else -- MD5, SHA-1, RIPEMD, MD4 -- is refused. */
static int digest_bits(int nid)
{
	switch (nid) {
	case NID_sha224:
	case NID_sha512_224:
	case NID_sha3_224:
		return 112;
	case NID_sha256:
	case NID_sha512_256:
	case NID_sha3_256:
		return 128;
	case NID_sha384:
	case NID_sha3_384:
		return 192;
	case NID_sha512:
	case NID_sha3_512:
		return 256;
	case NID_md5:
	case NID_md5_sha1:
		return 39;
	case NID_sha1:
		return 63;
	default:
		return 0;
	}
}

/* "1024-bit RSA key (80-bit security)" */
static void describe_key(EVP_PKEY *key, char *out, size_t outlen)
{
	const char *type = key ? EVP_PKEY_get0_type_name(key) : NULL;

	if (!key)
		snprintf(out, outlen, "no usable key");
	else
		snprintf(out, outlen, "%d-bit %s key (%d-bit security)", EVP_PKEY_get_bits(key),
			 type ? type : OBJ_nid2sn(EVP_PKEY_get_base_id(key)),
			 EVP_PKEY_get_security_bits(key));
}

static int key_ok(EVP_PKEY *key)
{
	return key && EVP_PKEY_get_security_bits(key) >= min_bits();
}

static int chain_cb(int ok, X509_STORE_CTX *ctx)
{
	struct hf_sig_chain *f = X509_STORE_get_ex_data(X509_STORE_CTX_get0_store(ctx), 0);
	int e = X509_STORE_CTX_get_error(ctx);
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
	int secbits = -1;

	if (ok || !f || f->error || !cert ||
	    (e != X509_V_ERR_EE_KEY_TOO_SMALL && e != X509_V_ERR_CA_KEY_TOO_SMALL &&
	     e != X509_V_ERR_CA_MD_TOO_WEAK))
		return ok;
	f->error = e;
	f->depth = X509_STORE_CTX_get_error_depth(ctx);
	X509_NAME_oneline(X509_get_subject_name(cert), f->subject, sizeof(f->subject));
	if (e == X509_V_ERR_CA_MD_TOO_WEAK) {
		if (!X509_get_signature_info(cert, NULL, NULL, &secbits, NULL))
			secbits = 0;
		snprintf(f->what, sizeof(f->what), "is signed with %s (%d-bit security)",
			 OBJ_nid2ln(X509_get_signature_nid(cert)), secbits);
	} else {
		char key[96];

		describe_key(X509_get0_pubkey(cert), key, sizeof(key));
		snprintf(f->what, sizeof(f->what), "has a %s", key);
	}
	return ok;
}

int hf_sig_chain_refused(const struct hf_sig_chain *f, const char *name, struct hf_err *err)
{
	int r = hf_err_set(err, HF_E_SIGNATURE,
			   "%s: %s %s %s; the signature policy (security level %d, %d-bit "
			   "security) needs %s",
			   name, f->depth == 0 ? "signer certificate" : "CA certificate", f->subject,
			   f->what, policy_level, min_bits(),
			   level_needs(f->error != X509_V_ERR_CA_MD_TOO_WEAK));

	if (f->error == X509_V_ERR_CA_MD_TOO_WEAK)
		hf_err_hint(err, "have the issuing CA reissue %s signed with SHA-256 or stronger "
				 "(no MD5 or SHA-1)",
			    f->depth == 0 ? "the signer certificate" : "that certificate");
	else
		hf_err_hint(err, "replace the key with one of %s (scripts/make-pki makes an EC "
				 "P-256 PKI, enough up to level 3) and re-sign",
			    level_needs(1));
	return r;
}

int hf_sig_check_algs(int dnid, int snid, EVP_PKEY *key, const char *name,
		      const char *signame, const char *kind, const char *resign,
		      const char *subject, struct hf_err *err)
{
	int sdig = NID_undef, spk = NID_undef;
	char what[96];

	if (digest_bits(dnid) < min_bits()) {
		hf_err_set(err, HF_E_SIGNATURE,
			   "%s: signer %s: the %s digest algorithm is %s (%d-bit security); "
			   "the signature policy (security level %d) needs %s",
			   signame, subject, kind, dnid == NID_undef ? "unknown" : OBJ_nid2sn(dnid),
			   digest_bits(dnid), policy_level, level_needs(0));
		hf_err_hint(err, "re-sign with SHA-256 or stronger (%s); MD5 and SHA-1 are never "
				 "accepted",
			    resign);
		return -HF_E_SIGNATURE;
	}
	/* An algorithm that names its own digest (sha1WithRSAEncryption, ecdsa-with-SHA1)
	 * must pass too; rsaEncryption and id-ecPublicKey use the digest above, and for
	 * RSA-PSS OpenSSL refuses a hash other than the digest above. */
	if (snid == NID_undef || !OBJ_find_sigid_algs(snid, &sdig, &spk))
		sdig = NID_undef;
	if (sdig != NID_undef && digest_bits(sdig) < min_bits()) {
		hf_err_set(err, HF_E_SIGNATURE,
			   "%s: signer %s: the %s signature algorithm is %s (%d-bit security); "
			   "the signature policy (security level %d) needs %s",
			   signame, subject, kind, OBJ_nid2ln(snid), digest_bits(sdig), policy_level,
			   level_needs(0));
		hf_err_hint(err, "re-sign with SHA-256 or stronger; MD5 and SHA-1 are never "
				 "accepted");
		return -HF_E_SIGNATURE;
	}
	if (!key_ok(key)) {
		describe_key(key, what, sizeof(what));
		hf_err_set(err, HF_E_SIGNATURE,
			   "%s: signer certificate %s has a %s; the signature policy (security "
			   "level %d, %d-bit security) needs %s",
			   name, subject, what, policy_level, min_bits(), level_needs(1));
		hf_err_hint(err, "re-sign with a key of %s", level_needs(1));
		return -HF_E_SIGNATURE;
	}
	return 0;
}

/* The SignerInfo's own algorithms and the signer's key, once CMS_verify() passed. */
static int check_signer(CMS_ContentInfo *cms, X509 *signer, const char *name,
			const char *subject, struct hf_err *err)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	EVP_PKEY *pk = NULL;
	X509_ALGOR *dig = NULL, *sigalg = NULL;
	char signame[HF_SIG_SUBJECT_MAX + 8];

	CMS_SignerInfo_get0_algs(si, &pk, NULL, &dig, &sigalg);
	snprintf(signame, sizeof(signame), "%s.p7s", name);
	return hf_sig_check_algs(dig ? OBJ_obj2nid(dig->algorithm) : NID_undef,
				 sigalg ? OBJ_obj2nid(sigalg->algorithm) : NID_undef,
				 pk ? pk : X509_get0_pubkey(signer), name, signame, "CMS",
				 "openssl cms -sign -md sha256", subject, err);
}

/* A keyUsage extension, when there is one, must allow signing. */
static int check_key_usage(X509 *signer, const char *name, const char *subject,
			   struct hf_err *err)
{
	if (!(X509_get_extension_flags(signer) & EXFLAG_KUSAGE) ||
	    (X509_get_key_usage(signer) & KU_DIGITAL_SIGNATURE))
		return 0;
	hf_err_set(err, HF_E_SIGNATURE,
		   "%s: signer %s has a keyUsage extension without digitalSignature; the "
		   "signature policy accepts only a signer whose keyUsage allows signing",
		   name, subject);
	hf_err_hint(err, "sign with a certificate whose keyUsage includes digitalSignature (or "
			 "that has no keyUsage extension)");
	return -HF_E_SIGNATURE;
}

/* The SignedData's shape: detached, over id-data, with exactly one signer. */
static int check_shape(CMS_ContentInfo *cms, const char *name, struct hf_err *err)
{
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		return hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: CMS content is not SignedData",
				  name);
	if (CMS_is_detached(cms) != 1)
		return hf_err_set(err, HF_E_SIGNATURE,
				  "%s.p7s: signature is not detached (it carries its own content)",
				  name);
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
		return hf_err_set(err, HF_E_SIGNATURE,
				  "%s.p7s: signed content type is not id-data", name);
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1)
		return hf_err_set(err, HF_E_SIGNATURE,
				  "%s.p7s: %d signers; exactly one is accepted", name,
				  sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)));
	return 0;
}

/* The trust anchors, from the regular file trust_path (a FIFO in its place never hangs
 * the open), and the chain policy: any purpose, the auth level, and chain_cb recording in
 * chain why a chain is refused. */
int hf_sig_load_trust(X509_STORE *store, const char *trust_path, struct hf_sig_chain *chain,
		      const char *name, struct hf_err *err)
{
	char why[WHY_MAX];
	mode_t type;
	int probe = hf_open_reg(AT_FDCWD, trust_path, O_RDONLY, 0, &type); /* no FIFO */
	int r;

	if (probe < 0 && type)
		return hf_err_notreg(err, HF_E_IO, trust_path, type);
	if (probe < 0) {
		r = hf_err_set(err, HF_E_IO, "trust file %s: cannot open: %s", trust_path,
			       strerror(errno));
		hf_err_hint(err, "give a PEM file of trusted CA certificates with --trust "
				 "or $HOTFIX_TRUST");
		return r;
	}
	close(probe);
	if (X509_STORE_load_file(store, trust_path) != 1) {
		hf_sig_openssl_errors(why, sizeof(why));
		r = hf_err_set(err, HF_E_IO, "trust file %s: cannot load CA certificates: %s",
			       trust_path, why);
		hf_err_hint(err, "give a PEM file of trusted CA certificates with --trust or "
				 "$HOTFIX_TRUST");
		return r;
	}
	/* OpenSSL 3.0 checks the S/MIME purpose by default; codeSigning is checked on the
	 * signer (check_leaf).  The auth level makes the chain check refuse a weak key
	 * anywhere in the chain (the anchor's included) and a weak signature on every
	 * certificate but the anchor's self-signature (tests/unit/test_sig.c proves each on
	 * this OpenSSL). */
	X509_VERIFY_PARAM_set_purpose(X509_STORE_get0_param(store), X509_PURPOSE_ANY);
	X509_VERIFY_PARAM_set_auth_level(X509_STORE_get0_param(store), policy_level);
	X509_STORE_set_verify_cb(store, chain_cb);
	if (X509_STORE_set_ex_data(store, 0, chain) != 1)
		return hf_err_set(err, HF_E_NOMEM, "%s: out of memory verifying the signature",
				  name);
	return 0;
}

int hf_sig_check_leaf(X509 *signer, const char *name, const char *subject, int codesign,
		      struct hf_err *err)
{
	static const char *const signed_what[] = { "receipts", "manifests", "PE files" };

	uint32_t xku = X509_get_extended_key_usage(signer);

	if (codesign &&
	    (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) || !(xku & XKU_CODE_SIGN)))
		return hf_err_set(err, HF_E_SIGNATURE,
				  "%s: signer %s lacks the codeSigning extended key usage", name,
				  subject);
	if (X509_check_ca(signer) != 0)
		return hf_err_set(err, HF_E_SIGNATURE,
				  "%s: signer %s is a CA certificate; %s must be signed by a %s leaf",
				  name, subject, signed_what[codesign == 2 ? 2 : codesign != 0],
				  codesign ? "code-signing" : "site's");
	return check_key_usage(signer, name, subject, err);
}

/* sig, a detached CMS signature over data, verifies against the anchors in trust_path, and
 * its one signer fits a manifest (codesign) or a receipt; info gets the signer. */
static int verify(const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen,
		  const char *name, const char *trust_path, struct hf_sig_info *info,
		  int codesign, struct hf_err *err)
{
	char why[WHY_MAX];
	BIO *sigbio = NULL, *content = NULL, *mem = NULL;
	CMS_ContentInfo *cms = NULL;
	X509_STORE *store = NULL;
	STACK_OF(X509) *signers = NULL;
	struct hf_sig_chain chain = { 0, 0, "", "" };
	X509 *signer;
	char subject[HF_SIG_SUBJECT_MAX] = "";
	int r = 0;

	ERR_clear_error();
	if (siglen == 0)
		return hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: the signature file is empty", name);
	if (siglen > INT32_MAX || len > INT32_MAX)
		return hf_err_set(err, HF_E_SIGNATURE, "%s: signature or manifest too large", name);
	sigbio = BIO_new_mem_buf(sig, (int)siglen);
	/* The content goes to CMS_verify() through a buffer BIO over the memory BIO: given a
	 * memory BIO directly, OpenSSL 3.0 copies it into a second one that it leaks when the
	 * SignedData is malformed (found by tests/fuzz/fuzz_sig; openssl/openssl#30471). */
	mem = BIO_new_mem_buf(data, (int)len);
	content = mem ? BIO_new(BIO_f_buffer()) : NULL;
	if (content)
		BIO_push(content, mem);
	else
		BIO_free(mem);
	store = X509_STORE_new();
	if (!sigbio || !content || !store) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: out of memory verifying the signature", name);
		goto out;
	}
	cms = d2i_CMS_bio(sigbio, NULL);
	if (!cms) {
		hf_sig_openssl_errors(why, sizeof(why));
		r = hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: not a DER CMS signature: %s", name,
			       why);
		goto out;
	}
	r = check_shape(cms, name, err);
	if (!r)
		r = hf_sig_load_trust(store, trust_path, &chain, name, err);
	if (r)
		goto out;
	if (CMS_verify(cms, NULL, store, content, NULL, CMS_BINARY) != 1) {
		hf_sig_openssl_errors(why, sizeof(why));
		if (chain.error)
			r = hf_sig_chain_refused(&chain, name, err);
		else
			r = hf_err_set(err, HF_E_SIGNATURE, "%s: signature does not verify: %s",
				       name, why);
		goto out;
	}
	signers = CMS_get0_signers(cms);
	if (!signers || sk_X509_num(signers) != 1) {
		r = hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: cannot identify the one signer", name);
		goto out;
	}
	signer = sk_X509_value(signers, 0);
	X509_NAME_oneline(X509_get_subject_name(signer), subject, sizeof(subject));
	if (info)
		memcpy(info->signer, subject, sizeof(info->signer));
	r = check_signer(cms, signer, name, subject, err);
	if (!r)
		r = hf_sig_check_leaf(signer, name, subject, codesign, err);
out:
	if (r == -HF_E_SIGNATURE && codesign && err && !err->hint[0])
		hf_err_hint(err, "obtain a manifest signed by a trusted publisher; do not apply "
				 "this one");
	sk_X509_free(signers);
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	BIO_free(sigbio);
	BIO_free_all(content);
	ERR_clear_error();
	return r;
}

int hf_sig_verify(const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen,
		  const char *name, const char *trust_path, struct hf_sig_info *info,
		  struct hf_err *err)
{
	return verify(data, len, sig, siglen, name, trust_path, info, 1, err);
}

int hf_sig_verify_receipt(const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen,
			  const char *name, const char *trust_path, struct hf_sig_info *info,
			  struct hf_err *err)
{
	int r = verify(data, len, sig, siglen, name, trust_path, info, 0, err);

	if (r == -HF_E_SIGNATURE && err && !err->hint[0])
		hf_err_hint(err, "the receipt was not signed by a key the trust file vouches for, "
				 "or the receipt was changed");
	return r;
}

/* A PEM file's first private key or certificate. */
static int load_pem(const char *path, int want_key, EVP_PKEY **key, X509 **cert,
		    struct hf_err *err)
{
	char why[WHY_MAX];
	mode_t type;
	int fd = hf_open_reg(AT_FDCWD, path, O_RDONLY, 0, &type); /* a FIFO must not block */
	BIO *b;

	if (fd < 0 && type)
		return hf_err_notreg(err, HF_E_IO, path, type);
	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, strerror(errno));
	b = BIO_new_fd(fd, BIO_CLOSE);
	if (!b) {
		close(fd);
		hf_sig_openssl_errors(why, sizeof(why));
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, why);
	}
	if (want_key)
		*key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	else
		*cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (want_key ? !*key : !*cert) {
		hf_sig_openssl_errors(why, sizeof(why));
		return hf_err_set(err, HF_E_SIGNATURE, "%s: no %s in it: %s", path,
				  want_key ? "private key" : "certificate", why);
	}
	return 0;
}

/* The signing key and its certificate, a pair, the key meeting the security level. */
static int load_signing_key(const char *cert_path, const char *key_path, EVP_PKEY **key,
			    X509 **cert, struct hf_err *err)
{
	char what[96];
	int r = load_pem(key_path, 1, key, NULL, err);

	if (!r)
		r = load_pem(cert_path ? cert_path : key_path, 0, NULL, cert, err);
	if (!r && X509_check_private_key(*cert, *key) != 1)
		r = hf_err_set(err, HF_E_SIGNATURE, "%s: the certificate is not the key's",
			       cert_path ? cert_path : key_path);
	if (!r && !key_ok(*key)) {
		describe_key(*key, what, sizeof(what));
		r = hf_err_set(err, HF_E_SIGNATURE,
			       "%s: a %s is below the signature policy (security level %d, %d-bit "
			       "security: %s); nothing is signed with it",
			       key_path, what, policy_level, min_bits(), level_needs(1));
		hf_err_hint(err, "use a key of %s", level_needs(1));
	}
	ERR_clear_error();
	return r;
}

int hf_sig_check_signing_key(const char *cert_path, const char *key_path, struct hf_err *err)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int r = load_signing_key(cert_path, key_path, &key, &cert, err);

	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}

int hf_sig_sign(const uint8_t *data, size_t len, const char *cert_path, const char *key_path,
		uint8_t **der, size_t *derlen, struct hf_err *err)
{
	char why[WHY_MAX];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	BIO *in = NULL;
	CMS_ContentInfo *cms = NULL;
	unsigned char *out = NULL;
	int n, r;

	*der = NULL;
	*derlen = 0;
	ERR_clear_error();
	if (len > INT32_MAX)
		return hf_err_set(err, HF_E_SIZE, "too much to sign");
	r = load_signing_key(cert_path, key_path, &key, &cert, err);
	if (!r) {
		in = BIO_new_mem_buf(data, (int)len);
		cms = in ? CMS_sign(cert, key, NULL, in,
				    CMS_BINARY | CMS_DETACHED | CMS_NOSMIMECAP)
			 : NULL;
		n = cms ? i2d_CMS_ContentInfo(cms, &out) : -1;
		if (n <= 0) {
			hf_sig_openssl_errors(why, sizeof(why));
			r = hf_err_set(err, HF_E_SIGNATURE, "cannot sign: %s", why);
		} else {
			*der = malloc((size_t)n);
			if (!*der)
				r = hf_err_set(err, HF_E_NOMEM, "out of memory");
			else {
				memcpy(*der, out, (size_t)n);
				*derlen = (size_t)n;
			}
		}
	}
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	X509_free(cert);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return r;
}
