/* Unit tests of sig: good, tampered, untrusted, wrong EKU, CA signer, attached, several
 * signers, expired -- with certificates made here, in memory, by OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sig.h"

static const char data[] = "<hotfix>the exact bytes that are signed</hotfix>\n";

struct ident {
	EVP_PKEY *key;
	X509 *cert;
};

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(cert, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A certificate for cn, issued by issuer (self-signed when NULL). */
static struct ident make(const char *cn, const struct ident *issuer, int ca, const char *eku,
			 long not_before_days, long not_after_days)
{
	static long serial = 1;
	struct ident id = { EVP_EC_gen("P-256"), X509_new() };
	X509_NAME *name = X509_NAME_new();

	assert_non_null(id.key);
	X509_set_version(id.cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(id.cert), serial++);
	X509_gmtime_adj(X509_getm_notBefore(id.cert), not_before_days * 86400);
	X509_gmtime_adj(X509_getm_notAfter(id.cert), not_after_days * 86400);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(id.cert, name);
	X509_set_issuer_name(id.cert, issuer ? X509_get_subject_name(issuer->cert) : name);
	X509_set_pubkey(id.cert, id.key);
	add_ext(id.cert, issuer ? issuer->cert : id.cert, NID_basic_constraints,
		ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(id.cert, issuer ? issuer->cert : id.cert, NID_key_usage,
		ca ? "critical,keyCertSign,cRLSign,digitalSignature" : "critical,digitalSignature");
	if (eku)
		add_ext(id.cert, issuer ? issuer->cert : id.cert, NID_ext_key_usage, eku);
	assert_true(X509_sign(id.cert, issuer ? issuer->key : id.key, EVP_sha256()) > 0);
	X509_NAME_free(name);
	return id;
}

static void drop(struct ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
}

/* Write the trust file (one CA) and return its path. */
static const char *trust_file(const struct ident *ca, char *path)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/hotfix-test-trust-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, ca->cert), 1);
	fclose(f);
	return path;
}

/* DER detached signature of content by signer (plus an optional second signer). */
static uint8_t *sign(const struct ident *signer, const struct ident *second, const void *content,
		     size_t len, int detached, size_t *outlen)
{
	BIO *in = BIO_new_mem_buf(content, (int)len);
	unsigned flags = CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL | (detached ? CMS_DETACHED : 0);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, in, flags);
	unsigned char *der = NULL;
	int n;

	assert_non_null(cms);
	assert_non_null(CMS_add1_signer(cms, signer->cert, signer->key, EVP_sha256(), 0));
	if (second)
		assert_non_null(CMS_add1_signer(cms, second->cert, second->key, EVP_sha256(), 0));
	BIO_free(in);
	in = BIO_new_mem_buf(content, (int)len);
	assert_int_equal(CMS_final(cms, in, NULL, flags), 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	assert_true(n > 0);
	*outlen = (size_t)n;
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return der;
}

struct world {
	struct ident ca, leaf, mail, other_ca, other_leaf, expired;
	char trust[64];
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	w->ca = make("test root", NULL, 1, NULL, -1, 365);
	w->leaf = make("test signer", &w->ca, 0, "codeSigning", -1, 365);
	w->mail = make("mail signer", &w->ca, 0, "emailProtection", -1, 365);
	w->other_ca = make("other root", NULL, 1, NULL, -1, 365);
	w->other_leaf = make("other signer", &w->other_ca, 0, "codeSigning", -1, 365);
	w->expired = make("expired signer", &w->ca, 0, "codeSigning", -30, -1);
	trust_file(&w->ca, w->trust);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	unlink(w->trust);
	drop(&w->ca);
	drop(&w->leaf);
	drop(&w->mail);
	drop(&w->other_ca);
	drop(&w->other_leaf);
	drop(&w->expired);
	free(w);
	return 0;
}

static int verify(struct world *w, const struct ident *signer, const struct ident *second,
		  const char *content, int detached, struct hf_err *err)
{
	size_t siglen;
	uint8_t *s = sign(signer, second, content, strlen(content), detached, &siglen);
	struct hf_sig_info info;
	int r = hf_sig_verify((const uint8_t *)data, strlen(data), s, siglen, "m.xml", w->trust,
			      &info, err);

	OPENSSL_free(s);
	return r;
}

static void expect(int r, const struct hf_err *err, const char *part)
{
	assert_int_equal(r, -HF_E_SIGNATURE);
	if (!strstr(err->msg, part))
		fail_msg("message '%s' lacks '%s'", err->msg, part);
}

static void test_good(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	assert_int_equal(verify(w, &w->leaf, NULL, data, 1, &err), 0);
}

static void test_tampered(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	expect(verify(w, &w->leaf, NULL, "<hotfix>other bytes</hotfix>\n", 1, &err), &err,
	       "does not verify");
}

static void test_untrusted(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	expect(verify(w, &w->other_leaf, NULL, data, 1, &err), &err, "does not verify");
}

static void test_wrong_eku(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	expect(verify(w, &w->mail, NULL, data, 1, &err), &err, "codeSigning");
}

static void test_ca_signer(void **state)
{
	struct world *w = *state;
	struct hf_err err;
	int r = verify(w, &w->ca, NULL, data, 1, &err);

	assert_int_equal(r, -HF_E_SIGNATURE);
	assert_true(strstr(err.msg, "codeSigning") || strstr(err.msg, "CA certificate"));
}

static void test_expired(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	expect(verify(w, &w->expired, NULL, data, 1, &err), &err, "expired");
}

static void test_attached(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	expect(verify(w, &w->leaf, NULL, data, 0, &err), &err, "not detached");
}

static void test_two_signers(void **state)
{
	struct world *w = *state;
	struct hf_err err;

	expect(verify(w, &w->leaf, &w->mail, data, 1, &err), &err, "2 signers");
}

static void test_garbage_and_trust_file(void **state)
{
	struct world *w = *state;
	struct hf_err err;
	size_t siglen;
	uint8_t *s = sign(&w->leaf, NULL, data, strlen(data), 1, &siglen);

	expect(hf_sig_verify((const uint8_t *)data, strlen(data), (const uint8_t *)"xx", 2, "m",
			     w->trust, NULL, &err),
	       &err, "not a DER CMS signature");
	/* truncated signature */
	expect(hf_sig_verify((const uint8_t *)data, strlen(data), s, siglen / 2, "m", w->trust,
			     NULL, &err),
	       &err, "not a DER CMS signature");
	assert_int_equal(hf_sig_verify((const uint8_t *)data, strlen(data), s, siglen, "m",
				       "/nonexistent/trust.pem", NULL, &err),
			 -HF_E_IO);
	OPENSSL_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),          cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_untrusted),     cmocka_unit_test(test_wrong_eku),
		cmocka_unit_test(test_ca_signer),     cmocka_unit_test(test_expired),
		cmocka_unit_test(test_attached),      cmocka_unit_test(test_two_signers),
		cmocka_unit_test(test_garbage_and_trust_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
