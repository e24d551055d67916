/* sig: OpenSSL CMS verification with hotfix's stricter acceptance rules. */
#include "sig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* The OpenSSL error queue as one line ("reason (detail); reason"), then cleared. */
static void drain_errors(char *out, size_t outlen)
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

static int verify(const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen,
		  const char *name, const char *trust_path, struct hf_sig_info *info,
		  int codesign, struct hf_err *err)
{
	char why[512];
	BIO *sigbio = NULL, *content = NULL, *mem = NULL;
	CMS_ContentInfo *cms = NULL;
	X509_STORE *store = NULL;
	STACK_OF(X509) *signers = NULL;
	X509 *signer;
	char subject[256] = "";
	uint32_t xku;
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
		drain_errors(why, sizeof(why));
		r = hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: not a DER CMS signature: %s", name,
			       why);
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		r = hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: CMS content is not SignedData", name);
		goto out;
	}
	if (CMS_is_detached(cms) != 1) {
		r = hf_err_set(err, HF_E_SIGNATURE,
			       "%s.p7s: signature is not detached (it carries its own content)",
			       name);
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		r = hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: signed content type is not id-data",
			       name);
		goto out;
	}
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
		r = hf_err_set(err, HF_E_SIGNATURE, "%s.p7s: %d signers; exactly one is accepted",
			       name, sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)));
		goto out;
	}
	{
		FILE *probe = fopen(trust_path, "r");

		if (!probe) {
			r = hf_err_set(err, HF_E_IO, "trust file %s: cannot open: %s", trust_path,
				       strerror(errno));
			hf_err_hint(err, "give a PEM file of trusted CA certificates with --trust "
					 "or $HOTFIX_TRUST");
			goto out;
		}
		fclose(probe);
	}
	if (X509_STORE_load_file(store, trust_path) != 1) {
		drain_errors(why, sizeof(why));
		r = hf_err_set(err, HF_E_IO, "trust file %s: cannot load CA certificates: %s",
			       trust_path, why);
		hf_err_hint(err, "give a PEM file of trusted CA certificates with --trust or "
				 "$HOTFIX_TRUST");
		goto out;
	}
	/* OpenSSL 3.0 checks the S/MIME purpose by default; codeSigning is checked below. */
	X509_VERIFY_PARAM_set_purpose(X509_STORE_get0_param(store), X509_PURPOSE_ANY);
	if (CMS_verify(cms, NULL, store, content, NULL, CMS_BINARY) != 1) {
		drain_errors(why, sizeof(why));
		r = hf_err_set(err, HF_E_SIGNATURE, "%s: signature does not verify: %s", name, why);
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
	xku = X509_get_extended_key_usage(signer);
	if (codesign &&
	    (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) || !(xku & XKU_CODE_SIGN))) {
		r = hf_err_set(err, HF_E_SIGNATURE,
			       "%s: signer %s lacks the codeSigning extended key usage", name, subject);
		goto out;
	}
	if (X509_check_ca(signer) != 0) {
		r = hf_err_set(err, HF_E_SIGNATURE,
			       "%s: signer %s is a CA certificate; %s must be signed by a %s leaf",
			       name, subject, codesign ? "manifests" : "receipts",
			       codesign ? "code-signing" : "site's");
		goto out;
	}
out:
	if (r == -HF_E_SIGNATURE && err && !err->hint[0])
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

	if (r == -HF_E_SIGNATURE && err)
		hf_err_hint(err, "the receipt was not signed by a key the trust file vouches for, "
				 "or the receipt was changed");
	return r;
}

/* A PEM file's first private key or certificate. */
static int load_pem(const char *path, int want_key, EVP_PKEY **key, X509 **cert,
		    struct hf_err *err)
{
	char why[512];
	BIO *b = BIO_new_file(path, "r");

	if (!b) {
		drain_errors(why, sizeof(why));
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, why);
	}
	if (want_key)
		*key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	else
		*cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (want_key ? !*key : !*cert) {
		drain_errors(why, sizeof(why));
		return hf_err_set(err, HF_E_SIGNATURE, "%s: no %s in it: %s", path,
				  want_key ? "private key" : "certificate", why);
	}
	return 0;
}

int hf_sig_sign(const uint8_t *data, size_t len, const char *cert_path, const char *key_path,
		uint8_t **der, size_t *derlen, struct hf_err *err)
{
	char why[512];
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
	r = load_pem(key_path, 1, &key, NULL, err);
	if (!r)
		r = load_pem(cert_path ? cert_path : key_path, 0, NULL, &cert, err);
	if (!r && X509_check_private_key(cert, key) != 1)
		r = hf_err_set(err, HF_E_SIGNATURE, "%s: the certificate is not the key's",
			       cert_path ? cert_path : key_path);
	if (!r) {
		in = BIO_new_mem_buf(data, (int)len);
		cms = in ? CMS_sign(cert, key, NULL, in,
				    CMS_BINARY | CMS_DETACHED | CMS_NOSMIMECAP)
			 : NULL;
		n = cms ? i2d_CMS_ContentInfo(cms, &out) : -1;
		if (n <= 0) {
			drain_errors(why, sizeof(why));
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
