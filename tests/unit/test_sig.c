/* Unit tests of sig: good, tampered, untrusted, wrong EKU, CA signer, attached, several
 * signers, expired; the signature policy (weak keys, digests and certificate signatures
 * anywhere in the chain, keyUsage, the security level, receipts and signing) -- with
 * certificates made here, in memory, by OpenSSL. */
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

/* A certificate for cn with key (P-256 when NULL) and keyUsage ku (NULL: the usual
 * one; "": none), issued by issuer (self-signed when NULL) with a signature over md. */
static struct ident make_with(const char *cn, const struct ident *issuer, int ca,
			      const char *eku, long not_before_days, long not_after_days,
			      EVP_PKEY *key, const EVP_MD *md, const char *ku)
{
	static long serial = 1;
	struct ident id = { key ? key : EVP_EC_gen("P-256"), X509_new() };
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
	if (!ku || *ku) /* "": no keyUsage extension */
		add_ext(id.cert, issuer ? issuer->cert : id.cert, NID_key_usage,
			ku ? ku
			   : ca ? "critical,keyCertSign,cRLSign,digitalSignature"
				: "critical,digitalSignature");
	if (eku)
		add_ext(id.cert, issuer ? issuer->cert : id.cert, NID_ext_key_usage, eku);
	assert_true(X509_sign(id.cert, issuer ? issuer->key : id.key, md ? md : EVP_sha256()) > 0);
	X509_NAME_free(name);
	return id;
}

static struct ident make(const char *cn, const struct ident *issuer, int ca, const char *eku,
			 long not_before_days, long not_after_days)
{
	return make_with(cn, issuer, ca, eku, not_before_days, not_after_days, NULL, NULL, NULL);
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

/* DER detached signature of content by signer over md (plus an optional second signer
 * and an optional extra certificate, an intermediate). */
static uint8_t *sign_with(const struct ident *signer, const struct ident *second,
			  const void *content, size_t len, int detached, const EVP_MD *md,
			  X509 *extra, size_t *outlen)
{
	BIO *in = BIO_new_mem_buf(content, (int)len);
	unsigned flags = CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL | (detached ? CMS_DETACHED : 0);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, in, flags);
	unsigned char *der = NULL;
	int n;

	assert_non_null(cms);
	assert_non_null(CMS_add1_signer(cms, signer->cert, signer->key, md, 0));
	if (second)
		assert_non_null(CMS_add1_signer(cms, second->cert, second->key, md, 0));
	if (extra)
		assert_int_equal(CMS_add1_cert(cms, extra), 1);
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

static uint8_t *sign(const struct ident *signer, const struct ident *second, const void *content,
		     size_t len, int detached, size_t *outlen)
{
	return sign_with(signer, second, content, len, detached, EVP_sha256(), NULL, outlen);
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

/* The signature policy: each weak case, verified with sign_with() as given. */
struct weak {
	struct ident ca, rsa512, rsa1024, rsa2048, rsa3072, p256, sha1leaf, md5leaf, encipher;
	struct ident nosign, noku, sha1inter, under_sha1inter, weakca, under_weakca, sha1ca,
		under_sha1ca;
	char trust[64];
};

static int weak_setup(void **state)
{
	struct weak *w = calloc(1, sizeof(*w));
	FILE *f;
	int fd;

	w->ca = make("policy root", NULL, 1, NULL, -1, 365);
	w->rsa512 = make_with("rsa512 signer", &w->ca, 0, "codeSigning", -1, 365, EVP_RSA_gen(512),
			      NULL, NULL);
	w->rsa1024 = make_with("rsa1024 signer", &w->ca, 0, "codeSigning", -1, 365,
			       EVP_RSA_gen(1024), NULL, NULL);
	w->rsa2048 = make_with("rsa2048 signer", &w->ca, 0, "codeSigning", -1, 365,
			       EVP_RSA_gen(2048), NULL, NULL);
	w->rsa3072 = make_with("rsa3072 signer", &w->ca, 0, "codeSigning", -1, 365,
			       EVP_RSA_gen(3072), NULL, NULL);
	w->p256 = make("p256 signer", &w->ca, 0, "codeSigning", -1, 365);
	w->sha1leaf = make_with("sha1-signed signer", &w->ca, 0, "codeSigning", -1, 365, NULL,
				EVP_sha1(), NULL);
	w->encipher = make_with("encipher signer", &w->ca, 0, "codeSigning", -1, 365,
				EVP_RSA_gen(2048), NULL, "critical,keyEncipherment");
	w->nosign = make_with("nonrepudiation signer", &w->ca, 0, "codeSigning", -1, 365, NULL,
			      NULL, "critical,nonRepudiation,keyAgreement");
	w->noku = make_with("signer without keyUsage", &w->ca, 0, "codeSigning", -1, 365, NULL,
			    NULL, "");
	w->sha1inter = make_with("sha1-signed intermediate", &w->ca, 1, NULL, -1, 365, NULL,
				 EVP_sha1(), NULL);
	w->under_sha1inter = make("signer under the sha1 intermediate", &w->sha1inter, 0,
				  "codeSigning", -1, 365);
	w->weakca = make_with("rsa1024 root", NULL, 1, NULL, -1, 365, EVP_RSA_gen(1024), NULL,
			      NULL);
	w->under_weakca = make("signer under the rsa1024 root", &w->weakca, 0, "codeSigning", -1,
			       365);
	w->sha1ca = make_with("sha1 self-signed root", NULL, 1, NULL, -1, 365, NULL, EVP_sha1(),
			      NULL);
	w->under_sha1ca = make("signer under the sha1 root", &w->sha1ca, 0, "codeSigning", -1, 365);
	{ /* an RSA root so that a certificate can be signed with md5WithRSAEncryption */
		struct ident rsaca = make_with("policy rsa root", NULL, 1, NULL, -1, 365,
					       EVP_RSA_gen(2048), NULL, NULL);

		w->md5leaf = make_with("md5-signed signer", &rsaca, 0, "codeSigning", -1, 365, NULL,
				       EVP_md5(), NULL);
		strcpy(w->trust, "/tmp/hotfix-test-trust-XXXXXX");
		fd = mkstemp(w->trust);
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		assert_non_null(f);
		assert_int_equal(PEM_write_X509(f, w->ca.cert), 1);
		assert_int_equal(PEM_write_X509(f, rsaca.cert), 1);
		assert_int_equal(PEM_write_X509(f, w->weakca.cert), 1);
		assert_int_equal(PEM_write_X509(f, w->sha1ca.cert), 1);
		fclose(f);
		drop(&rsaca);
	}
	*state = w;
	return 0;
}

static int weak_teardown(void **state)
{
	struct weak *w = *state;
	struct ident *all[] = { &w->ca,      &w->rsa512,    &w->rsa1024,  &w->rsa2048,
				&w->rsa3072, &w->p256,      &w->sha1leaf, &w->md5leaf,
				&w->encipher, &w->nosign,   &w->noku,     &w->sha1inter,
				&w->under_sha1inter, &w->weakca, &w->under_weakca,
				&w->sha1ca, &w->under_sha1ca };

	unlink(w->trust);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		drop(all[i]);
	free(w);
	assert_int_equal(hf_sig_set_level(HF_SIG_LEVEL_DEFAULT), 0);
	return 0;
}

/* Verify data signed by signer over md (with an extra certificate) as a manifest, or as a
 * receipt. */
static int wverify(struct weak *w, const struct ident *signer, const EVP_MD *md, X509 *extra,
		   int receipt, struct hf_err *err)
{
	size_t siglen;
	uint8_t *s = sign_with(signer, NULL, data, strlen(data), 1, md, extra, &siglen);
	int r = receipt ? hf_sig_verify_receipt((const uint8_t *)data, strlen(data), s, siglen,
						"r.txt", w->trust, NULL, err)
			: hf_sig_verify((const uint8_t *)data, strlen(data), s, siglen, "m.xml",
					w->trust, NULL, err);

	OPENSSL_free(s);
	return r;
}

static void test_policy_controls(void **state)
{
	struct weak *w = *state;
	struct hf_err err;

	assert_int_equal(hf_sig_level(), 2);
	assert_int_equal(wverify(w, &w->p256, EVP_sha256(), NULL, 0, &err), 0);
	assert_int_equal(wverify(w, &w->rsa2048, EVP_sha256(), NULL, 0, &err), 0);
	assert_int_equal(wverify(w, &w->rsa2048, EVP_sha384(), NULL, 0, &err), 0);
	assert_int_equal(wverify(w, &w->p256, EVP_sha224(), NULL, 0, &err), 0);
	assert_int_equal(wverify(w, &w->p256, EVP_sha256(), NULL, 1, &err), 0);
	/* keyUsage is honoured when present: none at all is fine */
	assert_int_equal(wverify(w, &w->noku, EVP_sha256(), NULL, 0, &err), 0);
	/* the anchor's self-signature proves nothing and is not judged; its key is */
	assert_int_equal(wverify(w, &w->under_sha1ca, EVP_sha256(), NULL, 0, &err), 0);
}

static void test_policy_weak_keys(void **state)
{
	struct weak *w = *state;
	struct hf_err err;

	for (int receipt = 0; receipt <= 1; receipt++) {
		expect(wverify(w, &w->rsa512, EVP_sha256(), NULL, receipt, &err), &err,
		       "signer certificate /CN=rsa512 signer has a 512-bit RSA key (56-bit "
		       "security); the signature policy (security level 2");
		expect(wverify(w, &w->rsa1024, EVP_sha256(), NULL, receipt, &err), &err,
		       "signer certificate /CN=rsa1024 signer has a 1024-bit RSA key (80-bit "
		       "security)");
		assert_non_null(strstr(err.hint, "2048"));
		expect(wverify(w, &w->under_weakca, EVP_sha256(), NULL, receipt, &err), &err,
		       "CA certificate /CN=rsa1024 root has a 1024-bit RSA key");
	}
}

static void test_policy_weak_digests(void **state)
{
	struct weak *w = *state;
	struct hf_err err;

	for (int receipt = 0; receipt <= 1; receipt++) {
		expect(wverify(w, &w->p256, EVP_sha1(), NULL, receipt, &err), &err,
		       "signer /CN=p256 signer: the CMS digest algorithm is SHA1 (63-bit security)");
		expect(wverify(w, &w->rsa2048, EVP_sha1(), NULL, receipt, &err), &err,
		       "the CMS digest algorithm is SHA1");
		expect(wverify(w, &w->rsa2048, EVP_md5(), NULL, receipt, &err), &err,
		       "the CMS digest algorithm is MD5 (39-bit security)");
		assert_non_null(strstr(err.hint, "SHA-256"));
	}
}

static void test_policy_weak_cert_signatures(void **state)
{
	struct weak *w = *state;
	struct hf_err err;

	for (int receipt = 0; receipt <= 1; receipt++) {
		expect(wverify(w, &w->sha1leaf, EVP_sha256(), NULL, receipt, &err), &err,
		       "signer certificate /CN=sha1-signed signer is signed with "
		       "ecdsa-with-SHA1 (63-bit security)");
		expect(wverify(w, &w->md5leaf, EVP_sha256(), NULL, receipt, &err), &err,
		       "signer certificate /CN=md5-signed signer is signed with "
		       "md5WithRSAEncryption (39-bit security)");
		expect(wverify(w, &w->under_sha1inter, EVP_sha256(), w->sha1inter.cert, receipt,
			       &err),
		       &err, "CA certificate /CN=sha1-signed intermediate is signed with "
			     "ecdsa-with-SHA1");
	}
}

/* The SignerInfo's signatureAlgorithm is outside what is signed: relabelled as
 * sha1WithRSAEncryption over a SHA-256 digest, OpenSSL still verifies it (it takes the
 * digest from digestAlgorithm), so sig must judge the label itself. */
static void test_policy_sigalg_label(void **state)
{
	struct weak *w = *state;
	struct hf_err err;
	BIO *in = BIO_new_mem_buf(data, (int)strlen(data));
	unsigned flags = CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL | CMS_DETACHED;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, in, flags);
	CMS_SignerInfo *si;
	X509_ALGOR *alg = NULL;
	unsigned char *der = NULL;
	int n;

	assert_non_null(cms);
	si = CMS_add1_signer(cms, w->rsa2048.cert, w->rsa2048.key, EVP_sha256(), 0);
	assert_non_null(si);
	BIO_free(in);
	in = BIO_new_mem_buf(data, (int)strlen(data));
	assert_int_equal(CMS_final(cms, in, NULL, flags), 1);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &alg);
	assert_int_equal(X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha1WithRSAEncryption), V_ASN1_NULL,
					 NULL),
			 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	assert_true(n > 0);
	expect(hf_sig_verify((const uint8_t *)data, strlen(data), der, (size_t)n, "m.xml",
			     w->trust, NULL, &err),
	       &err, "the CMS signature algorithm is sha1WithRSAEncryption (63-bit security)");
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}

static void test_policy_key_usage(void **state)
{
	struct weak *w = *state;
	struct hf_err err;

	for (int receipt = 0; receipt <= 1; receipt++) {
		expect(wverify(w, &w->encipher, EVP_sha256(), NULL, receipt, &err), &err,
		       "signer /CN=encipher signer has a keyUsage extension without "
		       "digitalSignature");
		expect(wverify(w, &w->nosign, EVP_sha256(), NULL, receipt, &err), &err,
		       "without digitalSignature");
	}
}

static void test_policy_level(void **state)
{
	struct weak *w = *state;
	struct hf_err err;

	assert_int_equal(hf_sig_set_level(1), -1);
	assert_int_equal(hf_sig_set_level(0), -1);
	assert_int_equal(hf_sig_set_level(6), -1);
	assert_int_equal(hf_sig_level(), 2);
	assert_int_equal(hf_sig_set_level(3), 0);
	expect(wverify(w, &w->rsa2048, EVP_sha256(), NULL, 0, &err), &err,
	       "has a 2048-bit RSA key (112-bit security); the signature policy (security "
	       "level 3, 128-bit security) needs RSA and DSA keys of 3072 bits or more");
	expect(wverify(w, &w->p256, EVP_sha224(), NULL, 0, &err), &err,
	       "the CMS digest algorithm is SHA224 (112-bit security); the signature policy "
	       "(security level 3)");
	assert_int_equal(wverify(w, &w->p256, EVP_sha256(), NULL, 0, &err), 0);
	assert_int_equal(wverify(w, &w->rsa3072, EVP_sha256(), NULL, 0, &err), 0);
	assert_int_equal(hf_sig_set_level(4), 0);
	/* level 4 (192-bit): P-256 and SHA-256 are too weak now */
	expect(wverify(w, &w->p256, EVP_sha384(), NULL, 0, &err), &err,
	       "has a 256-bit EC key (128-bit security)");
	assert_int_equal(hf_sig_set_level(2), 0);
}

/* hf_sig_sign() and hf_sig_check_signing_key() refuse a key below the level. */
static void test_policy_signing(void **state)
{
	struct weak *w = *state;
	const struct ident *ids[] = { &w->rsa1024, &w->p256 };
	char path[2][64];
	struct hf_err err;
	uint8_t *der = NULL;
	size_t derlen = 0;

	for (int i = 0; i < 2; i++) {
		FILE *f;
		int fd;

		strcpy(path[i], "/tmp/hotfix-test-key-XXXXXX");
		fd = mkstemp(path[i]);
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		assert_non_null(f);
		assert_int_equal(PEM_write_PrivateKey(f, ids[i]->key, NULL, NULL, 0, NULL, NULL),
				 1);
		assert_int_equal(PEM_write_X509(f, ids[i]->cert), 1);
		fclose(f);
	}
	assert_int_equal(hf_sig_sign((const uint8_t *)data, strlen(data), NULL, path[0], &der,
				     &derlen, &err),
			 -HF_E_SIGNATURE);
	assert_null(der);
	assert_non_null(strstr(err.msg, "a 1024-bit RSA key (80-bit security) is below the "
					"signature policy (security level 2"));
	assert_int_equal(hf_sig_check_signing_key(NULL, path[0], &err), -HF_E_SIGNATURE);
	assert_int_equal(hf_sig_check_signing_key(NULL, path[1], &err), 0);
	assert_int_equal(hf_sig_sign((const uint8_t *)data, strlen(data), NULL, path[1], &der,
				     &derlen, &err),
			 0);
	assert_int_equal(hf_sig_verify_receipt((const uint8_t *)data, strlen(data), der, derlen,
					       "r.txt", w->trust, NULL, &err),
			 0);
	free(der);
	unlink(path[0]);
	unlink(path[1]);
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

	const struct CMUnitTest policy[] = {
		cmocka_unit_test(test_policy_controls),
		cmocka_unit_test(test_policy_weak_keys),
		cmocka_unit_test(test_policy_weak_digests),
		cmocka_unit_test(test_policy_weak_cert_signatures),
		cmocka_unit_test(test_policy_sigalg_label),
		cmocka_unit_test(test_policy_key_usage),
		cmocka_unit_test(test_policy_level),
		cmocka_unit_test(test_policy_signing),
	};

	return cmocka_run_group_tests(tests, setup, teardown) |
	       cmocka_run_group_tests(policy, weak_setup, weak_teardown);
}
