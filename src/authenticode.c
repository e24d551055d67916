/* authenticode: PE certificate table walk, image hash, PKCS#7 verification (OpenSSL 3). */
#include "authenticode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fileio.h"

#define HEAD_MAX (64u * 1024u)           /* the headers must lie in the first window */
#define CHUNK (1u << 20)                 /* the body is hashed in reads of this size */
#define TABLE_MAX (16u * 1024u * 1024u)  /* a larger certificate table is refused */
#define NEST_DEPTH 2                     /* nested signatures inside nested ones, at most */
#define WIN_CERT_REVISION 0x0200
#define WIN_CERT_TYPE_PKCS 0x0002

#define OID_SPC_INDIRECT "1.3.6.1.4.1.311.2.1.4"
#define OID_SPC_NESTED "1.3.6.1.4.1.311.2.4.1"
#define OID_SPC_RFC3161 "1.3.6.1.4.1.311.3.3.1" /* an RFC 3161 timestamp token */

struct hf_ac_trust {
	X509_STORE *store;
	struct hf_sig_chain chain; /* the store's callback writes here; reset per signature */
};

/* The image digests Authenticode uses: DER of the OID's value, the EVP name. */
static const struct {
	const char *name;
	int nid;
	uint8_t oid[9];
	size_t oidlen;
} algs[] = {
	{ "sha1", NID_sha1, { 0x2b, 0x0e, 0x03, 0x02, 0x1a }, 5 },
	{ "sha256", NID_sha256, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 }, 9 },
	{ "sha384", NID_sha384, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 }, 9 },
	{ "sha512", NID_sha512, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03 }, 9 },
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

/* SPC_PE_IMAGE_DATAOBJ, 1.3.6.1.4.1.311.2.1.15 */
static const uint8_t oid_pe_image[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x0f };

const char *hf_ac_status_word(enum hf_ac_status s)
{
	switch (s) {
	case HF_AC_VALID:
		return "valid";
	case HF_AC_EXPIRED:
		return "expired";
	case HF_AC_UNTRUSTED:
		return "untrusted";
	case HF_AC_UNSIGNED:
		return "unsigned";
	case HF_AC_INVALID:
		break;
	}
	return "invalid";
}

/* Copy a message, cut short to fit. */
static void cpy(char *dst, size_t n, const char *src)
{
	size_t k = strnlen(src, n - 1);

	memcpy(dst, src, k);
	dst[k] = '\0';
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] | (unsigned)p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Where the file is: a descriptor or memory. */
struct src {
	int fd; /* -1: mem */
	const uint8_t *mem;
	uint64_t size;
};

static int src_read(const struct src *s, uint64_t off, uint8_t *buf, size_t len,
		    struct hf_err *err)
{
	size_t got = 0;

	if (off > s->size || len > s->size - off)
		return hf_err_set(err, HF_E_MALFORMED, "read past the end of the file");
	if (s->fd < 0) {
		memcpy(buf, s->mem + off, len);
		return 0;
	}
	while (got < len) {
		ssize_t n = pread(s->fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hf_err_set(err, HF_E_IO, "cannot read at offset %llu: %s",
					  (unsigned long long)off + got, strerror(errno));
		if (n == 0)
			return hf_err_set(err, HF_E_IO, "the file shrank while it was read");
		got += (size_t)n;
	}
	return 0;
}

/* The ranges of the image: what the hash skips, and the table. */
struct layout {
	uint64_t cksum;  /* offset of OptionalHeader.CheckSum (4 bytes) */
	uint64_t dd;     /* offset of the certificate-table data directory entry (8 bytes) */
	uint64_t table;  /* the table's file offset, 0: none */
	uint64_t tablen; /* its size */
	uint64_t end;    /* the hash covers [0, end): the table's offset, or the file size */
};

/* Parse the headers in head (the first headlen bytes of a size-byte file).  Returns 0,
 * or -HF_E_NOTPE / -HF_E_MALFORMED with the reason in err. */
static int parse_layout(const uint8_t *head, size_t headlen, uint64_t size, struct layout *L,
			struct hf_err *err)
{
	uint32_t lfanew, nrva, va, vsz;
	uint16_t nsec, optsize, magic;
	uint64_t opt, dirs, sectab, hdr_end, last = 0;

	memset(L, 0, sizeof(*L));
	if (headlen < 0x40 || head[0] != 'M' || head[1] != 'Z')
		return hf_err_set(err, HF_E_NOTPE, "not a PE image (no MZ header)");
	lfanew = get32(head + 0x3c);
	if ((uint64_t)lfanew + 24 > headlen || memcmp(head + lfanew, "PE\0\0", 4) != 0)
		return hf_err_set(err, HF_E_NOTPE,
				  "not a PE image (no PE signature at e_lfanew 0x%x)", lfanew);
	nsec = get16(head + lfanew + 6);
	optsize = get16(head + lfanew + 20);
	opt = (uint64_t)lfanew + 24;
	if (opt + optsize > headlen || optsize < 2)
		return hf_err_set(err, HF_E_MALFORMED,
				  "optional header (%u bytes at 0x%llx) outside the first %u KiB",
				  optsize, (unsigned long long)opt, HEAD_MAX / 1024);
	magic = get16(head + opt);
	if (magic != 0x10b && magic != 0x20b)
		return hf_err_set(err, HF_E_NOTPE, "unknown optional header magic 0x%x", magic);
	dirs = opt + (magic == 0x20b ? 112 : 96);
	if (dirs > opt + optsize)
		return hf_err_set(err, HF_E_MALFORMED, "optional header too short (%u bytes)",
				  optsize);
	nrva = get32(head + dirs - 4);
	L->cksum = opt + 64;
	L->end = size;
	if (nrva < 5 || dirs + 5 * 8 > opt + optsize)
		return 0; /* no certificate table entry: unsigned (L->dd 0) */
	L->dd = dirs + 4 * 8;
	sectab = opt + optsize;
	if (sectab + 40u * nsec > headlen)
		return hf_err_set(err, HF_E_MALFORMED,
				  "section table (%u sections at 0x%llx) outside the first %u KiB",
				  nsec, (unsigned long long)sectab, HEAD_MAX / 1024);
	hdr_end = sectab + 40u * nsec;
	for (unsigned i = 0; i < nsec; i++) {
		const uint8_t *s = head + sectab + 40u * i;
		uint64_t rawsz = get32(s + 16), rawptr = get32(s + 20);

		if (rawsz && rawptr + rawsz > last)
			last = rawptr + rawsz;
	}
	va = get32(head + L->dd);
	vsz = get32(head + L->dd + 4);
	if (va == 0 && vsz == 0)
		return 0;
	if (va == 0 || vsz == 0)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table entry gives offset 0x%x and size %u", va, vsz);
	if (va % 8)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table at 0x%x is not 8-byte aligned", va);
	if ((uint64_t)va + vsz > size)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table (%u bytes at 0x%x) ends past the end of the "
				  "file (%llu bytes)",
				  vsz, va, (unsigned long long)size);
	if ((uint64_t)va + vsz != size)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table (%u bytes at 0x%x) does not end the file (%llu "
				  "bytes): data after it would not be covered by the signature",
				  vsz, va, (unsigned long long)size);
	if (va < hdr_end)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table at 0x%x overlaps the headers (to 0x%llx)", va,
				  (unsigned long long)hdr_end);
	if (va < last)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table at 0x%x overlaps a section (raw data to 0x%llx)",
				  va, (unsigned long long)last);
	if (vsz > TABLE_MAX)
		return hf_err_set(err, HF_E_MALFORMED,
				  "certificate table of %u bytes (more than %u MiB)", vsz,
				  TABLE_MAX >> 20);
	L->table = va;
	L->tablen = vsz;
	L->end = va;
	return 0;
}

/* Feed the bytes [off, off+len) of the image (in buf) to the digests, less the skipped
 * ranges (CheckSum, the certificate directory entry) and anything from L->end on. */
static int feed(EVP_MD_CTX *const *mds, const struct layout *L, const uint8_t *buf,
		uint64_t off, size_t len)
{
	const uint64_t cut[3][2] = { { 0, L->cksum }, { L->cksum + 4, L->dd },
				     { L->dd + 8, L->end } };

	for (int c = 0; c < 3; c++) {
		uint64_t a = off > cut[c][0] ? off : cut[c][0];
		uint64_t b = off + len < cut[c][1] ? off + len : cut[c][1];

		if (a >= b)
			continue;
		for (size_t i = 0; i < NALGS; i++)
			if (mds[i] && EVP_DigestUpdate(mds[i], buf + (a - off), (size_t)(b - a)) != 1)
				return -1;
	}
	return 0;
}

/* One signature found in the table, before and after its verification. */
struct item {
	PKCS7 *p7;            /* NULL: could not be parsed (then status invalid) */
	int alg;              /* index in algs, -1: unknown */
	const uint8_t *digest; /* the SpcIndirectDataContent's, into p7 */
	size_t dlen;
	const uint8_t *content; /* the SpcIndirectDataContent's value, what is signed */
	size_t clen;
};

/* A minimal DER reader for the SpcIndirectDataContent: the next element of *p (below
 * end) must have tag; its value and length are returned.  Definite lengths only. */
static int der(const uint8_t **p, const uint8_t *end, uint8_t tag, const uint8_t **val,
	       size_t *len)
{
	const uint8_t *q = *p;
	size_t n;

	if (end - q < 2 || q[0] != tag)
		return -1;
	n = q[1];
	q += 2;
	if (n & 0x80) {
		size_t k = n & 0x7f;

		if (k == 0 || k > 4 || (size_t)(end - q) < k)
			return -1;
		n = 0;
		while (k--)
			n = n << 8 | *q++;
	}
	if (n > (size_t)(end - q))
		return -1;
	*val = q;
	*len = n;
	*p = q + n;
	return 0;
}

/* SpcIndirectDataContent ::= SEQUENCE { data SEQUENCE { type OID, value ANY OPTIONAL },
 *   messageDigest SEQUENCE { SEQUENCE { algorithm OID, parameters ANY OPTIONAL },
 *   digest OCTET STRING } } */
static int parse_indirect(struct item *it, const uint8_t *der_seq, size_t n, char *why,
			  size_t whylen)
{
	const uint8_t *p = der_seq, *end = der_seq + n, *v, *q, *qe, *a, *oid;
	size_t vl, ql, al, oidl;

	if (der(&p, end, 0x30, &v, &vl) != 0 || p != end) {
		snprintf(why, whylen, "SpcIndirectDataContent is not one DER SEQUENCE");
		return -1;
	}
	it->content = v;
	it->clen = vl;
	p = v;
	end = v + vl;
	if (der(&p, end, 0x30, &q, &ql) != 0) {
		snprintf(why, whylen, "SpcIndirectDataContent has no data element");
		return -1;
	}
	qe = q + ql;
	if (der(&q, qe, 0x06, &oid, &oidl) != 0 || oidl != sizeof(oid_pe_image) ||
	    memcmp(oid, oid_pe_image, oidl) != 0) {
		snprintf(why, whylen, "the signed data is not a PE image's (SpcPeImageData)");
		return -1;
	}
	if (der(&p, end, 0x30, &q, &ql) != 0 || p != end) {
		snprintf(why, whylen, "SpcIndirectDataContent has no DigestInfo");
		return -1;
	}
	qe = q + ql;
	if (der(&q, qe, 0x30, &a, &al) != 0 || der(&a, a + al, 0x06, &oid, &oidl) != 0) {
		snprintf(why, whylen, "DigestInfo has no digest algorithm");
		return -1;
	}
	it->alg = -1;
	for (size_t i = 0; i < NALGS; i++)
		if (oidl == algs[i].oidlen && memcmp(oid, algs[i].oid, oidl) == 0)
			it->alg = (int)i;
	if (it->alg < 0) {
		snprintf(why, whylen, "unknown image digest algorithm (not SHA-1, SHA-256, "
				      "SHA-384 or SHA-512)");
		return -1;
	}
	if (der(&q, qe, 0x04, &it->digest, &it->dlen) != 0 || q != qe ||
	    it->dlen != (size_t)EVP_MD_get_size(EVP_get_digestbyname(algs[it->alg].name))) {
		snprintf(why, whylen, "DigestInfo's %s digest is missing or of the wrong length",
			 algs[it->alg].name);
		return -1;
	}
	return 0;
}

/* The result's next signature slot, or NULL (too many: the file is invalid). */
static struct hf_ac_sig *new_sig(struct hf_ac_result *res, int entry, int nested)
{
	struct hf_ac_sig *s;

	if (res->nsigs >= HF_AC_MAX_SIGS)
		return NULL;
	s = &res->sigs[res->nsigs++];
	memset(s, 0, sizeof(*s));
	s->status = HF_AC_INVALID;
	s->entry = entry;
	s->nested = nested;
	return s;
}

static int is_oid(const ASN1_OBJECT *o, const char *txt)
{
	char buf[64];

	return o && OBJ_obj2txt(buf, sizeof(buf), o, 1) > 0 && strcmp(buf, txt) == 0;
}

/* 1 unless the n bytes at p are padding: fewer than 8, all zero.  Bytes an entry holds
 * beyond its signature are covered by no signature, so a file that hides data there is
 * refused, as Windows' strict check does (CVE-2013-3900). */
static int trailing(ptrdiff_t n, const uint8_t *p)
{
	if (n < 0 || n >= 8)
		return 1;
	for (ptrdiff_t i = 0; i < n; i++)
		if (p[i])
			return 1;
	return 0;
}

/* Parse one PKCS#7 SignedData (der, n bytes) into items[res->nsigs - 1] and recurse
 * into its nested signatures.  A failure marks the slot invalid with the reason; -1 when
 * the signature limit is passed. */
static int collect(const uint8_t *der_p7, size_t n, int entry, int depth, int *nested_no,
		   struct hf_ac_result *res, struct item *items)
{
	const unsigned char *p = der_p7;
	struct hf_ac_sig *s = new_sig(res, entry, depth ? ++*nested_no : 0);
	struct item *it;
	PKCS7 *p7;
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	PKCS7_SIGNER_INFO *si;

	if (!s)
		return -1;
	it = &items[res->nsigs - 1];
	memset(it, 0, sizeof(*it));
	it->alg = -1;
	if (n > INT32_MAX || !(p7 = d2i_PKCS7(NULL, &p, (long)n))) {
		hf_sig_openssl_errors(s->reason, sizeof(s->reason) - 40);
		snprintf(s->reason + strlen(s->reason), 40, "%snot DER PKCS#7",
			 s->reason[0] ? ": " : "");
		return 0;
	}
	it->p7 = p7;
	if (trailing(der_p7 + n - p, p)) { /* a blob beside the signature (CVE-2013-3900) */
		snprintf(s->reason, sizeof(s->reason),
			 "%zu byte(s) after the signature in its entry, not padding",
			 (size_t)(der_p7 + n - p));
		return 0;
	}
	if (!PKCS7_type_is_signed(p7) || !p7->d.sign || !p7->d.sign->contents ||
	    !is_oid(p7->d.sign->contents->type, OID_SPC_INDIRECT) ||
	    !p7->d.sign->contents->d.other ||
	    p7->d.sign->contents->d.other->type != V_ASN1_SEQUENCE) {
		snprintf(s->reason, sizeof(s->reason),
			 "not a SignedData over SpcIndirectDataContent (" OID_SPC_INDIRECT ")");
		return 0;
	}
	if (parse_indirect(it, p7->d.sign->contents->d.other->value.sequence->data,
			   (size_t)p7->d.sign->contents->d.other->value.sequence->length, s->reason,
			   sizeof(s->reason)) != 0) {
		it->alg = -1; /* not verifiable: invalid, with the reason */
		return 0;
	}
	cpy(s->digest, sizeof(s->digest), algs[it->alg].name);
	sis = PKCS7_get_signer_info(p7);
	if (sk_PKCS7_SIGNER_INFO_num(sis) != 1) {
		snprintf(s->reason, sizeof(s->reason), "%d signer infos; Authenticode has one",
			 sk_PKCS7_SIGNER_INFO_num(sis));
		it->alg = -1; /* not verifiable */
		return 0;
	}
	si = sk_PKCS7_SIGNER_INFO_value(sis, 0);
	if (depth >= NEST_DEPTH)
		return 0;
	for (int i = 0; i < sk_X509_ATTRIBUTE_num(si->unauth_attr); i++) {
		X509_ATTRIBUTE *at = sk_X509_ATTRIBUTE_value(si->unauth_attr, i);

		if (!is_oid(X509_ATTRIBUTE_get0_object(at), OID_SPC_NESTED))
			continue;
		for (int j = 0; j < X509_ATTRIBUTE_count(at); j++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(at, j);

			if (!t || t->type != V_ASN1_SEQUENCE) {
				struct hf_ac_sig *b = new_sig(res, entry, ++*nested_no);

				if (!b)
					return -1;
				items[res->nsigs - 1].p7 = NULL;
				items[res->nsigs - 1].alg = -1;
				snprintf(b->reason, sizeof(b->reason),
					 "nested signature attribute is not a SEQUENCE");
				continue;
			}
			if (collect(t->value.sequence->data, (size_t)t->value.sequence->length,
				    entry, depth + 1, nested_no, res, items) != 0)
				return -1;
		}
	}
	return 0;
}

/* Walk the certificate table (tab, n bytes, at file offset base). */
static int walk_table(const uint8_t *tab, size_t n, struct hf_ac_result *res,
		      struct item *items)
{
	size_t off = 0;

	while (off < n) {
		uint32_t len;
		uint16_t rev, type;
		int nested_no = 0;
		size_t next;

		if (n - off < 8) {
			snprintf(res->reason, sizeof(res->reason),
				 "certificate table entry %d: %zu bytes left, less than a "
				 "WIN_CERTIFICATE header", res->nentries, n - off);
			return -1;
		}
		len = get32(tab + off);
		rev = get16(tab + off + 4);
		type = get16(tab + off + 6);
		if (len <= 8 || len > n - off) {
			snprintf(res->reason, sizeof(res->reason),
				 "certificate table entry %d at +%zu: dwLength %u %s", res->nentries,
				 off, len, len <= 8 ? "leaves no room for a signature"
						    : "runs past the end of the table");
			return -1;
		}
		if (rev != WIN_CERT_REVISION || type != WIN_CERT_TYPE_PKCS) {
			snprintf(res->reason, sizeof(res->reason),
				 "certificate table entry %d at +%zu: revision 0x%04x, type 0x%04x "
				 "(only revision 0x0200, PKCS_SIGNED_DATA 0x0002 are known)",
				 res->nentries, off, rev, type);
			return -1;
		}
		if (collect(tab + off + 8, len - 8, res->nentries, 0, &nested_no, res, items) != 0) {
			snprintf(res->reason, sizeof(res->reason),
				 "more than %d signatures in the certificate table", HF_AC_MAX_SIGS);
			return -1;
		}
		res->nentries++;
		next = ((size_t)off + len + 7) / 8 * 8;
		if (next > n)
			next = n;
		if (trailing((ptrdiff_t)(next - off - len), tab + off + len)) {
			snprintf(res->reason, sizeof(res->reason),
				 "certificate table entry %d at +%zu: the padding after it is not "
				 "zero (a misaligned entry, or data no signature covers)",
				 res->nentries - 1, off);
			return -1;
		}
		off = next;
	}
	if (res->nentries == 0) {
		snprintf(res->reason, sizeof(res->reason), "certificate table has no entry");
		return -1;
	}
	return 0;
}

static void chain_text(STACK_OF(X509) *chain, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 1; i < sk_X509_num(chain); i++) {
		char sub[HF_SIG_SUBJECT_MAX];
		int k;

		X509_NAME_oneline(X509_get_subject_name(sk_X509_value(chain, i)), sub, sizeof(sub));
		k = snprintf(out + used, outlen - used, "%s%s", used ? " <- " : "", sub);
		if (k < 0 || (size_t)k >= outlen - used)
			break;
		used += (size_t)k;
	}
}

/* Build the chain of signer at now (0: the current time), with extra flags. */
static int chain_ok(struct hf_ac_trust *t, X509 *signer, STACK_OF(X509) *certs, time_t now,
		    unsigned long flags, int *error, char *text, size_t textlen)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	memset(&t->chain, 0, sizeof(t->chain));
	*error = X509_V_ERR_OUT_OF_MEM;
	if (ctx && X509_STORE_CTX_init(ctx, t->store, signer, certs) == 1) {
		/* a check time would take precedence over NO_CHECK_TIME (OpenSSL 3.0) */
		if (now && !(flags & X509_V_FLAG_NO_CHECK_TIME))
			X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
		if (flags)
			X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), flags);
		ok = X509_verify_cert(ctx) == 1;
		*error = X509_STORE_CTX_get_error(ctx);
		if (ok && text)
			chain_text(X509_STORE_CTX_get0_chain(ctx), text, textlen);
	}
	X509_STORE_CTX_free(ctx);
	return ok;
}

/* A token's one signer is a timestamping authority: the timeStamping EKU, alone and
 * critical, not a CA (X509_PURPOSE_TIMESTAMP_SIGN).  The trust store's purpose is ANY (a
 * chain to any anchor), which TS_RESP_verify_token's own purpose check inherits and so
 * does not make: without this, any certificate under the trust file, a code-signing
 * leaf's too, could date an expired signature. */
static int tsa_signer(PKCS7 *token)
{
	STACK_OF(X509) *s = PKCS7_get0_signers(token, NULL, 0);
	X509 *c = sk_X509_num(s) == 1 ? sk_X509_value(s, 0) : NULL;
	int ok = c && X509_check_purpose(c, X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1 &&
		 X509_check_ca(c) == 0;

	sk_X509_free(s);
	return ok;
}

/* The imprint's digest: SHA-224 or stronger, as everywhere (sig.c's policy). */
static int strong_imprint(const EVP_MD *md)
{
	int n = md ? EVP_MD_get_type(md) : NID_undef;

	return n == NID_sha224 || n == NID_sha256 || n == NID_sha384 || n == NID_sha512;
}

/* The time an RFC 3161 timestamp token in si's unauthenticated attributes vouches for:
 * the token verifies (signature, TSA chain to the trust file, the imprint -- SHA-224 or
 * stronger -- is the digest of si's signature) and its signer is a TSA (tsa_signer).  Returns 1 with *when and txt set, 0 if there is no such token. */
static int timestamp(struct hf_ac_trust *t, PKCS7_SIGNER_INFO *si, time_t *when, char *txt,
		     size_t txtlen)
{
	int found = 0;

	for (int i = 0; !found && i < sk_X509_ATTRIBUTE_num(si->unauth_attr); i++) {
		X509_ATTRIBUTE *at = sk_X509_ATTRIBUTE_value(si->unauth_attr, i);
		ASN1_TYPE *ty = X509_ATTRIBUTE_count(at) == 1 ? X509_ATTRIBUTE_get0_type(at, 0)
							      : NULL;
		const unsigned char *p;
		PKCS7 *token = NULL;
		TS_TST_INFO *tst = NULL;
		TS_VERIFY_CTX *v = NULL;
		const EVP_MD *md;
		unsigned char *imprint = NULL;
		unsigned int ilen = 0;
		struct tm tm;

		if (!is_oid(X509_ATTRIBUTE_get0_object(at), OID_SPC_RFC3161) || !ty ||
		    ty->type != V_ASN1_SEQUENCE)
			continue;
		p = ty->value.sequence->data;
		token = d2i_PKCS7(NULL, &p, ty->value.sequence->length);
		tst = token ? PKCS7_to_TS_TST_INFO(token) : NULL;
		md = tst ? EVP_get_digestbyobj(TS_MSG_IMPRINT_get_algo(
				   TS_TST_INFO_get_msg_imprint(tst))->algorithm)
			 : NULL;
		imprint = strong_imprint(md) ? OPENSSL_malloc(EVP_MAX_MD_SIZE) : NULL;
		v = imprint ? TS_VERIFY_CTX_new() : NULL;
		if (v && EVP_Digest(ASN1_STRING_get0_data(si->enc_digest),
				    (size_t)ASN1_STRING_length(si->enc_digest), imprint, &ilen, md,
				    NULL) == 1 &&
		    X509_STORE_up_ref(t->store) == 1) {
			TS_VERIFY_CTX_set_store(v, t->store); /* v owns this reference */
			TS_VERIFY_CTX_set_imprint(v, imprint, ilen);
			imprint = NULL; /* v owns it */
			TS_VERIFY_CTX_set_flags(v, TS_VFY_VERSION | TS_VFY_SIGNATURE |
						    TS_VFY_IMPRINT);
			memset(&t->chain, 0, sizeof(t->chain));
			if (TS_RESP_verify_token(v, token) == 1 && tsa_signer(token) &&
			    ASN1_TIME_to_tm(TS_TST_INFO_get_time(tst), &tm) == 1) {
				*when = timegm(&tm);
				strftime(txt, txtlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
				found = 1;
			}
		}
		OPENSSL_free(imprint);
		TS_VERIFY_CTX_free(v);
		TS_TST_INFO_free(tst);
		PKCS7_free(token);
	}
	ERR_clear_error();
	return found;
}

/* Verify one parsed signature against the image digest it names (digests[alg]). */
static void verify_one(struct hf_ac_trust *t, struct item *it, struct hf_ac_sig *s,
		       uint8_t digests[][EVP_MAX_MD_SIZE], time_t now)
{
	char why[512];
	STACK_OF(X509) *signers = NULL;
	PKCS7_SIGNER_INFO *si;
	X509 *signer;
	BIO *content = NULL, *mem;
	struct hf_err e;
	int error, expired = 0, stamped;
	time_t when = 0;

	hf_err_clear(&e);
	if (!it->p7 || it->alg < 0)
		return; /* invalid, reason set */
	ERR_clear_error();
	signers = PKCS7_get0_signers(it->p7, NULL, 0);
	signer = sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
	if (!signer) {
		snprintf(s->reason, sizeof(s->reason), "the signer's certificate is not in it");
		goto out;
	}
	X509_NAME_oneline(X509_get_subject_name(signer), s->signer, sizeof(s->signer));
	X509_NAME_oneline(X509_get_issuer_name(signer), s->chain, sizeof(s->chain));
	if (memcmp(digests[it->alg], it->digest, it->dlen) != 0) {
		snprintf(s->reason, sizeof(s->reason),
			 "the image's %s hash differs from the signed one: the file was changed "
			 "after signing", algs[it->alg].name);
		goto out;
	}
	/* through a buffer BIO: given a memory BIO, PKCS7_verify() copies it into one it
	 * leaks when PKCS7_dataInit() fails (an unknown digest; found by fuzz_authenticode,
	 * the same OpenSSL 3.0 leak as CMS_verify's, sig.c) */
	mem = BIO_new_mem_buf(it->content, (int)it->clen);
	content = mem ? BIO_new(BIO_f_buffer()) : NULL;
	if (content)
		BIO_push(content, mem);
	else
		BIO_free(mem);
	if (!content ||
	    PKCS7_verify(it->p7, NULL, NULL, content, NULL, PKCS7_NOVERIFY | PKCS7_NOCHAIN) != 1) {
		hf_sig_openssl_errors(why, sizeof(why));
		snprintf(s->reason, sizeof(s->reason), "the signature does not verify: %s", why);
		goto out;
	}
	s->status = HF_AC_UNTRUSTED;
	if (!chain_ok(t, signer, it->p7->d.sign->cert, now, 0, &error, s->chain,
		      sizeof(s->chain))) {
		if (t->chain.error) {
			hf_sig_chain_refused(&t->chain, "signer chain", &e);
			cpy(s->reason, sizeof(s->reason), e.msg);
			goto out;
		}
		if (error == X509_V_ERR_CERT_HAS_EXPIRED &&
		    chain_ok(t, signer, it->p7->d.sign->cert, now, X509_V_FLAG_NO_CHECK_TIME,
			     &error, s->chain, sizeof(s->chain)))
			expired = 1;
		else {
			snprintf(s->reason, sizeof(s->reason),
				 "the signer chain does not reach the trust file: %s",
				 X509_verify_cert_error_string(error));
			goto out;
		}
	}
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(it->p7), 0);
	if (hf_sig_check_algs(algs[it->alg].nid, NID_undef, X509_get0_pubkey(signer), "signer",
			      "image hash", "Authenticode", "osslsigncode sign -h sha256",
			      s->signer, &e) != 0 ||
	    hf_sig_check_algs(OBJ_obj2nid(si->digest_alg->algorithm),
			      OBJ_obj2nid(si->digest_enc_alg->algorithm), X509_get0_pubkey(signer),
			      "signer", "SignerInfo", "PKCS#7", "osslsigncode sign -h sha256",
			      s->signer, &e) != 0 ||
	    hf_sig_check_leaf(signer, "PE signature", s->signer, 2, &e) != 0) {
		cpy(s->reason, sizeof(s->reason), e.msg);
		goto out;
	}
	stamped = timestamp(t, si, &when, s->timestamp, sizeof(s->timestamp));
	if (expired && stamped &&
	    chain_ok(t, signer, it->p7->d.sign->cert, when, 0, &error, s->chain,
		     sizeof(s->chain)))
		expired = 0; /* a verified timestamp dates it within the chain's validity */
	if (expired) {
		s->status = HF_AC_EXPIRED;
		snprintf(s->reason, sizeof(s->reason),
			 "a certificate of the signer chain has expired, and no timestamp dates "
			 "the signature");
		goto out;
	}
	s->status = HF_AC_VALID;
out:
	BIO_free_all(content);
	sk_X509_free(signers);
	ERR_clear_error();
}

/* The file's status from its signatures' (authenticode.h). */
static void judge(struct hf_ac_result *res)
{
	static const int rank[] = { [HF_AC_VALID] = 0, [HF_AC_EXPIRED] = 1,
				    [HF_AC_UNTRUSTED] = 2, [HF_AC_UNSIGNED] = 3,
				    [HF_AC_INVALID] = 4 };

	res->best = -1;
	for (int i = 0; i < res->nsigs; i++) {
		if (res->sigs[i].status == HF_AC_INVALID) {
			res->status = HF_AC_INVALID;
			res->best = i;
			int k = snprintf(res->reason, sizeof(res->reason), "signature %d: ", i + 1);

			cpy(res->reason + k, sizeof(res->reason) - (size_t)k, res->sigs[i].reason);
			return;
		}
		if (res->best < 0 || rank[res->sigs[i].status] < rank[res->sigs[res->best].status])
			res->best = i;
	}
	if (res->best >= 0)
		res->status = res->sigs[res->best].status;
}

static int verify_src(struct hf_ac_trust *t, const struct src *src, time_t now,
		      struct hf_ac_result *res, struct hf_err *err)
{
	struct item items[HF_AC_MAX_SIGS];
	uint8_t digests[NALGS][EVP_MAX_MD_SIZE];
	EVP_MD_CTX *mds[NALGS] = { NULL };
	uint8_t *buf = NULL, *tab = NULL;
	size_t headlen = src->size < HEAD_MAX ? (size_t)src->size : HEAD_MAX;
	struct layout L;
	struct hf_err perr;
	int r = 0, need = 0;

	memset(res, 0, sizeof(*res));
	memset(items, 0, sizeof(items));
	res->status = HF_AC_INVALID;
	res->best = -1;
	hf_err_clear(&perr);
	buf = calloc(1, CHUNK); /* calloc: the analyzers cannot see pread() fill it */
	if (!buf) {
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	r = src_read(src, 0, buf, headlen, err);
	if (r)
		goto out;
	if (parse_layout(buf, headlen, src->size, &L, &perr) != 0) {
		cpy(res->reason, sizeof(res->reason), perr.msg);
		goto out;
	}
	if (!L.table) {
		res->status = HF_AC_UNSIGNED;
		snprintf(res->reason, sizeof(res->reason), "no certificate table: not signed");
		goto out;
	}
	tab = calloc(1, (size_t)L.tablen);
	if (!tab) {
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	/* the table first (it decides which digests the body needs), then the body */
	r = src_read(src, L.table, tab, (size_t)L.tablen, err);
	if (r)
		goto out;
	if (walk_table(tab, (size_t)L.tablen, res, items) != 0)
		goto done;
	for (int i = 0; i < res->nsigs; i++)
		if (items[i].p7 && items[i].alg >= 0 && !mds[items[i].alg]) {
			mds[items[i].alg] = EVP_MD_CTX_new();
			if (!mds[items[i].alg] ||
			    EVP_DigestInit_ex(mds[items[i].alg],
					      EVP_get_digestbyname(algs[items[i].alg].name),
					      NULL) != 1) {
				r = hf_err_set(err, HF_E_NOMEM, "cannot start a %s digest",
					       algs[items[i].alg].name);
				goto out;
			}
			need = 1;
		}
	if (need) {
		if (feed(mds, &L, buf, 0, headlen) != 0) {
			r = hf_err_set(err, HF_E_NOMEM, "digest failed");
			goto out;
		}
		for (uint64_t off = headlen; off < L.end;) {
			size_t n = L.end - off < CHUNK ? (size_t)(L.end - off) : CHUNK;

			r = src_read(src, off, buf, n, err);
			if (r)
				goto out;
			if (feed(mds, &L, buf, off, n) != 0) {
				r = hf_err_set(err, HF_E_NOMEM, "digest failed");
				goto out;
			}
			off += n;
		}
		for (size_t i = 0; i < NALGS; i++)
			if (mds[i] && EVP_DigestFinal_ex(mds[i], digests[i], NULL) != 1) {
				r = hf_err_set(err, HF_E_NOMEM, "digest failed");
				goto out;
			}
	}
	for (int i = 0; i < res->nsigs; i++)
		verify_one(t, &items[i], &res->sigs[i], digests, now);
	judge(res);
	goto out;
done:
	res->status = HF_AC_INVALID;
out:
	for (size_t i = 0; i < NALGS; i++)
		EVP_MD_CTX_free(mds[i]);
	for (int i = 0; i < HF_AC_MAX_SIGS; i++)
		PKCS7_free(items[i].p7);
	free(tab);
	free(buf);
	ERR_clear_error();
	if (r) {
		res->status = HF_AC_INVALID;
		cpy(res->reason, sizeof(res->reason), err ? err->msg : "read error");
	}
	return r;
}

int hf_ac_verify_fd(struct hf_ac_trust *t, int fd, uint64_t size, time_t now,
		    struct hf_ac_result *res, struct hf_err *err)
{
	struct src s = { fd, NULL, size };

	return verify_src(t, &s, now, res, err);
}

int hf_ac_verify_mem(struct hf_ac_trust *t, const uint8_t *buf, size_t len, time_t now,
		     struct hf_ac_result *res, struct hf_err *err)
{
	struct src s = { -1, buf, len };

	return verify_src(t, &s, now, res, err);
}

int hf_ac_verify_path(struct hf_ac_trust *t, const char *path, time_t now,
		      struct hf_ac_result *res, struct hf_err *err)
{
	mode_t type;
	struct stat st;
	int fd = hf_open_reg(AT_FDCWD, path, O_RDONLY, 0, &type), r;

	if (fd < 0 && type)
		return hf_err_notreg(err, HF_E_IO, path, type);
	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		r = hf_err_set(err, HF_E_IO, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	r = hf_ac_verify_fd(t, fd, (uint64_t)st.st_size, now, res, err);
	close(fd);
	if (r)
		hf_err_prefix(err, "%s: ", path);
	return r;
}

int hf_ac_image_hash(const uint8_t *buf, size_t len, const char *md, uint8_t *out,
		     size_t *outlen, struct hf_err *err)
{
	EVP_MD_CTX *mds[NALGS] = { NULL };
	const EVP_MD *m = EVP_get_digestbyname(md);
	struct layout L;
	unsigned int n = 0;
	int r;

	r = parse_layout(buf, len < HEAD_MAX ? len : HEAD_MAX, len, &L, err);
	if (r)
		return -HF_E_MALFORMED;
	if (!L.dd)
		return hf_err_set(err, HF_E_MALFORMED, "no certificate table data directory entry");
	mds[0] = m ? EVP_MD_CTX_new() : NULL;
	if (!mds[0] || EVP_DigestInit_ex(mds[0], m, NULL) != 1 || feed(mds, &L, buf, 0, len) != 0 ||
	    EVP_DigestFinal_ex(mds[0], out, &n) != 1)
		r = hf_err_set(err, HF_E_NOMEM, "cannot compute the %s image hash", md);
	EVP_MD_CTX_free(mds[0]);
	*outlen = n;
	return r;
}

const char *hf_ac_reason(const struct hf_ac_result *res)
{
	if (res->reason[0] || res->best < 0 || res->best >= res->nsigs)
		return res->reason;
	return res->sigs[res->best].reason;
}

int hf_ac_require(struct hf_ac_trust *t, int fd, uint64_t size, const char *display,
		  struct hf_err *err)
{
	struct hf_ac_result *res = NULL;
	const char *why;
	int r;

	if (!t) {
		hf_err_set(err, HF_E_SIGNATURE,
			   "%s: the manifest requires a valid Authenticode signature, and no PE "
			   "trust file was loaded",
			   display);
		hf_err_hint(err, "give the code-signing CA certificates to trust with --pe-trust "
				 "PEM");
		return -HF_E_SIGNATURE;
	}
	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s: not open", display);
	res = malloc(sizeof(*res)); /* 16 signatures of text: kept off the stack */
	if (!res)
		return hf_err_set(err, HF_E_NOMEM, "%s: out of memory", display);
	r = hf_ac_verify_fd(t, fd, size, 0, res, err);
	if (r) {
		hf_err_prefix(err, "%s: Authenticode: ", display);
		goto out;
	}
	if (res->status == HF_AC_VALID)
		goto out;
	why = hf_ac_reason(res);
	r = hf_err_set(err, HF_E_SIGNATURE,
		       "%s: Authenticode %s%s%.400s; the manifest requires a valid signature",
		       display, hf_ac_status_word(res->status), why[0] ? ": " : "", why);
	hf_err_hint(err, "get the file signed by the vendor, or give the CA that signs it "
			 "with --pe-trust PEM");
out:
	free(res);
	return r;
}

int hf_ac_trust_open(const char *trust_path, struct hf_ac_trust **out, struct hf_err *err)
{
	struct hf_ac_trust *t = calloc(1, sizeof(*t));
	int r;

	*out = NULL;
	if (!t || !(t->store = X509_STORE_new())) {
		free(t);
		return hf_err_set(err, HF_E_NOMEM, "out of memory loading %s", trust_path);
	}
	r = hf_sig_load_trust(t->store, trust_path, &t->chain, trust_path, err);
	if (r) {
		hf_err_hint(err, "give a PEM file of the code-signing CA certificates to trust "
				 "with --pe-trust or $HOTFIX_PE_TRUST");
		hf_ac_trust_close(t);
		return r;
	}
	/* every certificate of the trust file is an anchor, self-signed or not */
	X509_STORE_set_flags(t->store, X509_V_FLAG_PARTIAL_CHAIN);
	*out = t;
	return 0;
}

void hf_ac_trust_close(struct hf_ac_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}
