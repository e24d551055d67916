/* Unit tests of authenticode: the image-hash ranges, the certificate table walk and its
 * refusals, and hostile images (every truncation, every byte of the table changed).
 * Real signatures (osslsigncode's) are the business of tests/hostile/authenticode.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "authenticode.h"
#include "pegen.h"

static uint8_t img[1 << 16];
static struct hf_ac_trust *trust;
static char trust_path[] = "/tmp/test_authenticode_XXXXXX";

/* A throw-away trust file: one self-signed EC certificate. */
static int setup(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *c = X509_new();
	FILE *f;
	int fd = mkstemp(trust_path);
	struct hf_err err;

	(void)state;
	if (!k || !c || fd < 0)
		return -1;
	ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
	X509_gmtime_adj(X509_getm_notBefore(c), 0);
	X509_gmtime_adj(X509_getm_notAfter(c), 3600);
	X509_set_pubkey(c, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_ASC,
				   (const unsigned char *)"unit CA", -1, -1, 0);
	X509_set_issuer_name(c, X509_get_subject_name(c));
	X509_sign(c, k, EVP_sha256());
	f = fdopen(fd, "w");
	if (!f || PEM_write_X509(f, c) != 1 || fclose(f) != 0)
		return -1;
	X509_free(c);
	EVP_PKEY_free(k);
	hf_err_clear(&err);
	return hf_ac_trust_open(trust_path, &trust, &err) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hf_ac_trust_close(trust);
	unlink(trust_path);
	return 0;
}

static size_t build(struct pegen_layout *l)
{
	struct pegen_opts o = { .sections_before = 2, .fv_ms = 0x00010002, .fv_ls = 3 };
	size_t n = pegen_build(&o, img, sizeof(img), l);

	assert_true(n > 0);
	return n;
}

/* A table of count entries, each a blob of blen bytes of 0x30 0x82 ... (not PKCS#7). */
static size_t signed_image(struct pegen_layout *l, int count, size_t blen)
{
	uint8_t table[4096], blob[512];
	size_t n = build(l), t = 0;

	assert_true(blen <= sizeof(blob) && (size_t)count * (blen + 16) <= sizeof(table));
	for (size_t i = 0; i < blen; i++)
		blob[i] = (uint8_t)(0x30 + i * 7);
	for (int i = 0; i < count; i++)
		t += pegen_win_cert(table + t, blob, blen);
	n = pegen_add_table(img, sizeof(img), n, l, table, t);
	assert_true(n > 0);
	return n;
}

/* Verify the first n bytes of img from a private copy (ASan sees a read past the end). */
static int verify(size_t n, struct hf_ac_result *res)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct hf_err err;
	int r;

	assert_non_null(copy);
	memcpy(copy, img, n);
	hf_err_clear(&err);
	r = hf_ac_verify_mem(trust, copy, n, 0, res, &err);
	free(copy);
	return r;
}

static void hash(size_t n, uint8_t out[64])
{
	struct hf_err err;
	size_t len = 0;

	hf_err_clear(&err);
	assert_int_equal(hf_ac_image_hash(img, n, "sha256", out, &len, &err), 0);
	assert_int_equal(len, 32);
}

/* The hash is SHA-256 over the file less CheckSum, the directory entry and the table. */
static void test_hash_known(void **state)
{
	struct pegen_layout l;
	size_t n = signed_image(&l, 1, 100);
	uint8_t h[64], want[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint32_t table = (uint32_t)img[l.datadir_cert] | (uint32_t)img[l.datadir_cert + 1] << 8;

	(void)state;
	hash(n, h);
	assert_non_null(c);
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, img, l.checksum);
	EVP_DigestUpdate(c, img + l.checksum + 4, l.datadir_cert - l.checksum - 4);
	EVP_DigestUpdate(c, img + l.datadir_cert + 8, table - l.datadir_cert - 8);
	EVP_DigestFinal_ex(c, want, NULL);
	EVP_MD_CTX_free(c);
	assert_memory_equal(h, want, 32);
}

/* A byte changed in an excluded range leaves the hash; a byte anywhere else changes it. */
static void test_hash_ranges(void **state)
{
	struct pegen_layout l;
	size_t unsigned_n = build(&l), n;
	uint8_t h0[64], h1[64], h[64];
	size_t table, len = 0, hashed = 0;
	struct hf_err err;

	(void)state;
	hash(unsigned_n, h0); /* the unsigned image: no table, a zero entry */
	n = signed_image(&l, 2, 200);
	table = (size_t)img[l.datadir_cert] | (size_t)img[l.datadir_cert + 1] << 8;
	assert_int_equal(table, unsigned_n); /* pegen sizes are 8-aligned: no padding */
	hash(n, h1);
	assert_memory_equal(h0, h1, 32); /* the directory entry and the table are left out */
	for (size_t i = 0; i < 4; i++) {
		img[l.checksum + i] ^= 0x5a;
		hash(n, h);
		assert_memory_equal(h, h1, 32);
		img[l.checksum + i] ^= 0x5a;
	}
	for (size_t i = table; i < n; i++) {
		img[i] ^= 0x5a;
		hash(n, h);
		assert_memory_equal(h, h1, 32);
		img[i] ^= 0x5a;
	}
	for (size_t i = 0; i < table; i++) {
		if ((i >= l.checksum && i < l.checksum + 4) ||
		    (i >= l.datadir_cert && i < l.datadir_cert + 8))
			continue;
		img[i] ^= 0x01;
		hf_err_clear(&err);
		/* a changed header may make the image unreadable: that is no equal hash */
		if (hf_ac_image_hash(img, n, "sha256", h, &len, &err) == 0) {
			hashed++;
			if (memcmp(h, h1, 32) == 0)
				fail_msg("byte %zu changed, the hash did not", i);
		}
		img[i] ^= 0x01;
	}
	assert_true(hashed > table / 2);
}

static void expect(size_t n, enum hf_ac_status st, int entries, const char *why)
{
	struct hf_ac_result *res = malloc(sizeof(*res));

	assert_non_null(res);
	assert_int_equal(verify(n, res), 0);
	if (res->status != st || (entries >= 0 && res->nentries != entries) ||
	    (why && !strstr(res->reason, why)))
		fail_msg("status %s (want %s), %d entries (want %d), reason \"%s\" (want \"%s\")",
			 hf_ac_status_word(res->status), hf_ac_status_word(st), res->nentries,
			 entries, res->reason, why ? why : "");
	free(res);
}

static void test_unsigned(void **state)
{
	struct pegen_layout l;

	(void)state;
	expect(build(&l), HF_AC_UNSIGNED, 0, "no certificate table");
}

static void test_two_entries(void **state)
{
	struct pegen_layout l;
	size_t n = signed_image(&l, 2, 100);
	struct hf_ac_result *res = malloc(sizeof(*res));

	(void)state;
	assert_non_null(res);
	assert_int_equal(verify(n, res), 0);
	assert_int_equal(res->nentries, 2);
	assert_int_equal(res->nsigs, 2);
	assert_int_equal(res->sigs[1].entry, 1);
	assert_int_equal(res->status, HF_AC_INVALID);
	assert_non_null(strstr(res->sigs[1].reason, "not DER PKCS#7"));
	free(res);
}

/* The second entry written right after an unpadded first one: the walk finds the padded
 * position, which holds no valid WIN_CERTIFICATE header. */
static void test_misaligned_entry(void **state)
{
	struct pegen_layout l;
	uint8_t table[64] = { 0 }, blob[5] = { 1, 2, 3, 4, 5 };
	size_t n = build(&l);

	(void)state;
	pegen_win_cert(table, blob, 5);       /* dwLength 13 */
	pegen_win_cert(table + 13, blob, 5);  /* at +13, not +16 */
	n = pegen_add_table(img, sizeof(img), n, &l, table, 32);
	/* the first entry's padding holds the second's header: not zero */
	expect(n, HF_AC_INVALID, 1, "entry 0 at +0: the padding after it is not zero");
}

static void test_length_past_end(void **state)
{
	struct pegen_layout l;
	size_t n = signed_image(&l, 1, 100);
	size_t table = n - 112;

	(void)state;
	pegen_put32(img + table, 113);
	expect(n, HF_AC_INVALID, 0, "runs past the end of the table");
	pegen_put32(img + table, 0);
	expect(n, HF_AC_INVALID, 0, "leaves no room");
	pegen_put32(img + table, 8);
	expect(n, HF_AC_INVALID, 0, "leaves no room");
	pegen_put32(img + table, 108);
	pegen_put16(img + table + 4, 0x0100);
	expect(n, HF_AC_INVALID, 0, "revision 0x0100");
	pegen_put16(img + table + 4, 0x0200);
	pegen_put16(img + table + 6, 0x0001);
	expect(n, HF_AC_INVALID, 0, "type 0x0001");
}

static void test_table_placement(void **state)
{
	struct pegen_layout l;
	size_t n = signed_image(&l, 1, 100);
	size_t table = n - 112;

	(void)state;
	pegen_put32(img + l.datadir_cert, (uint32_t)(l.rsrc_raw + 8)); /* inside .rsrc */
	pegen_put32(img + l.datadir_cert + 4, (uint32_t)(n - l.rsrc_raw - 8));
	expect(n, HF_AC_INVALID, 0, "overlaps a section");
	pegen_put32(img + l.datadir_cert, 0x100); /* inside the headers */
	pegen_put32(img + l.datadir_cert + 4, (uint32_t)(n - 0x100));
	expect(n, HF_AC_INVALID, 0, "overlaps the headers");
	pegen_put32(img + l.datadir_cert, (uint32_t)table + 4); /* misaligned */
	pegen_put32(img + l.datadir_cert + 4, 108);
	expect(n, HF_AC_INVALID, 0, "not 8-byte aligned");
	pegen_put32(img + l.datadir_cert, (uint32_t)table);
	pegen_put32(img + l.datadir_cert + 4, 120); /* past the end of the file */
	expect(n, HF_AC_INVALID, 0, "ends past the end of the file");
	pegen_put32(img + l.datadir_cert + 4, 104); /* 8 bytes after it */
	expect(n, HF_AC_INVALID, 0, "does not end the file");
	pegen_put32(img + l.datadir_cert + 4, 0); /* zero entries: an offset, no size */
	expect(n, HF_AC_INVALID, 0, "size 0");
	pegen_put32(img + l.datadir_cert + 4, 112);
	expect(n, HF_AC_INVALID, 1, "not DER PKCS#7");
}

static void test_not_pe(void **state)
{
	(void)state;
	memset(img, 'A', 4096);
	expect(4096, HF_AC_INVALID, 0, "not a PE image");
	expect(0, HF_AC_INVALID, 0, "not a PE image");
}

/* Every truncation of a signed image, and every byte of its table changed: a verdict,
 * never a crash (the sanitizer build checks the reads). */
static void test_hostile(void **state)
{
	struct pegen_layout l;
	size_t n = signed_image(&l, 3, 60), table;
	struct hf_ac_result *res = malloc(sizeof(*res));

	(void)state;
	assert_non_null(res);
	table = n - 3 * 72;
	for (size_t k = 0; k < n; k += (k < table ? 37 : 1)) {
		assert_int_equal(verify(k, res), 0);
		assert_true(res->status == HF_AC_INVALID || res->status == HF_AC_UNSIGNED);
	}
	for (size_t i = table; i < n; i++)
		for (int v = 0; v < 256; v += 85) {
			uint8_t old = img[i];

			img[i] = (uint8_t)v;
			assert_int_equal(verify(n, res), 0);
			assert_int_equal(res->status, HF_AC_INVALID);
			img[i] = old;
		}
	free(res);
}

static void test_trust_missing(void **state)
{
	struct hf_ac_trust *t = NULL;
	struct hf_err err;

	(void)state;
	hf_err_clear(&err);
	assert_int_equal(hf_ac_trust_open("/nonexistent/pe-trust.pem", &t, &err), -HF_E_IO);
	assert_null(t);
	assert_non_null(strstr(err.hint, "--pe-trust"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_known),     cmocka_unit_test(test_hash_ranges),
		cmocka_unit_test(test_unsigned),       cmocka_unit_test(test_two_entries),
		cmocka_unit_test(test_misaligned_entry), cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_table_placement), cmocka_unit_test(test_not_pe),
		cmocka_unit_test(test_hostile),        cmocka_unit_test(test_trust_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
