/* manifest: load = read once + verify signature + parse + validate + check values. */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fileio.h"
#include "name.h"
#include "sig.h"
#include "xml.h"

void hf_manifest_free(struct hf_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nsets; i++) {
		struct hf_fileset *s = &m->sets[i];

		for (size_t j = 0; j < s->nfiles; j++) {
			free(s->files[j].path);
			free(s->files[j].source);
			free(s->files[j].date);
		}
		free(s->files);
		free(s->platform);
	}
	free(m->sets);
	free(m->path);
	free(m->id);
	free(m->title);
	free(m->product_name);
	free(m->product_version);
	free(m->payload_href);
	free(m->payload_path);
	free(m);
}

/* Parse an unsigned decimal attribute (already schema-checked) with an upper bound. */
static int parse_u64(const char *text, uint64_t max, uint64_t *out, const char *what,
		     const char *name, struct hf_err *err)
{
	char *end = NULL;
	unsigned long long v;

	errno = 0;
	if (!text || !*text || *text == '-' || *text == '+')
		return hf_err_set(err, HF_E_MALFORMED, "%s: %s is missing or not a number", name,
				  what);
	v = strtoull(text, &end, 10);
	if (errno || *end || v > max)
		return hf_err_set(err, HF_E_MALFORMED, "%s: %s '%.30s' is not a number up to %llu",
				  name, what, text, (unsigned long long)max);
	*out = v;
	return 0;
}

static int parse_file(xmlNode *node, struct hf_mfile *f, const char *name, struct hf_err *err)
{
	char *version = hf_xml_attr(node, "version");
	char *size = hf_xml_attr(node, "size");
	char *sha = hf_xml_attr(node, "sha256");
	int r;

	f->path = hf_xml_attr(node, "path");
	f->source = hf_xml_attr(node, "source");
	f->date = hf_xml_attr(node, "date");
	if (!f->path || !f->source || !version || !size || !sha) {
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%ld: <file> lacks a required attribute",
			       name, xmlGetLineNo(node));
		goto out;
	}
	if (!hf_name_safe_path(f->path) || !hf_name_safe_path(f->source)) {
		r = hf_err_set(err, HF_E_MALFORMED,
			       "%s:%ld: unsafe path '%.200s' or source '%.200s' (must be relative, "
			       "without '..')",
			       name, xmlGetLineNo(node), f->path, f->source);
		goto out;
	}
	r = hf_version_parse(version, &f->version, err);
	if (!r)
		r = parse_u64(size, UINT64_C(1) << 32, &f->size, "size", name, err);
	if (!r)
		r = hf_sha256_parse(sha, f->sha256, err);
	if (r)
		hf_err_prefix(err, "%s:%ld: %s: ", name, xmlGetLineNo(node), f->path);
out:
	free(version);
	free(size);
	free(sha);
	return r;
}

static int parse_fileset(xmlNode *node, struct hf_fileset *s, const char *name,
			 struct hf_err *err)
{
	char *sp = hf_xml_attr(node, "servicepack");
	uint64_t v = 0;
	size_t n = 0;
	int r;

	s->platform = hf_xml_attr(node, "platform");
	r = parse_u64(sp, 99, &v, "servicepack", name, err);
	free(sp);
	if (r)
		return r;
	s->servicepack = (unsigned)v;
	for (xmlNode *c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			n++;
	s->files = calloc(n ? n : 1, sizeof(*s->files));
	if (!s->files)
		return hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
	for (xmlNode *c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		r = parse_file(c, &s->files[s->nfiles++], name, err);
		if (r)
			return r;
	}
	return 0;
}

/* Two paths of a file set that differ only in case name one file on Windows (and on a
 * case-insensitive file system): refused as ambiguous, with the same folding as the
 * payload's entries (payload.c). */
static int check_case(const struct hf_fileset *s, const char *name, struct hf_err *err)
{
	for (size_t i = 0; i < s->nfiles; i++)
		for (size_t j = 0; j < i; j++) /* paths are set: parse_file() checked */
			if (s->files[i].path && s->files[j].path &&
			    !strcasecmp(s->files[i].path, s->files[j].path))
				return hf_err_set(err, HF_E_MALFORMED,
						  "%s: file set SP%u: paths %s and %s differ only "
						  "in case; refused as ambiguous (on Windows they "
						  "are the same file)",
						  name, s->servicepack, s->files[j].path,
						  s->files[i].path);
	return 0;
}

/* The element children of node called elem (any namespace: the schema checks it). */
static size_t count_children(xmlNode *node, const char *elem)
{
	size_t n = 0;

	for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, elem))
			n++;
	return n;
}

/* The caps of the schema, before it is checked, so that the message names them. */
static int check_caps(xmlDoc *doc, const char *name, struct hf_err *err)
{
	xmlNode *root = xmlDocGetRootElement(doc);

	if (count_children(root, "fileset") > HF_MANIFEST_SETS_MAX) {
		hf_err_set(err, HF_E_SIZE, "%s: more than %d file sets (the limit)", name,
			   HF_MANIFEST_SETS_MAX);
		hf_err_hint(err, "one file set per service pack: at most %d", HF_MANIFEST_SETS_MAX);
		return -HF_E_SIZE;
	}
	for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
		char *sp;
		int r;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "fileset") ||
		    count_children(c, "file") <= HF_FILESET_FILES_MAX)
			continue;
		sp = hf_xml_attr(c, "servicepack"); /* not yet checked: shown if 1-2 digits */
		r = hf_err_set(err, HF_E_SIZE,
			       "%s:%ld: more than %d files in file set SP%s (the limit)", name,
			       xmlGetLineNo(c), HF_FILESET_FILES_MAX,
			       sp && sp[0] && strlen(sp) <= 2 && strspn(sp, "0123456789") == strlen(sp)
				       ? sp
				       : "?");
		hf_err_hint(err, "split the hotfix into several manifests of at most %d files "
				 "per service pack",
			    HF_FILESET_FILES_MAX);
		free(sp);
		return r;
	}
	return 0;
}

/* payload href is relative to the manifest's directory. */
static char *resolve_payload(const char *manifest_name, const char *href)
{
	char *copy = strdup(manifest_name);
	char *out = NULL;

	if (!copy)
		return NULL;
	if (asprintf(&out, "%s/%s", dirname(copy), href) < 0)
		out = NULL;
	free(copy);
	return out;
}

/* The optional expires="YYYY-MM-DDThh:mm:ssZ" (the schema fixes the form). */
static int parse_expires(xmlNode *root, const char *name, struct hf_manifest *m,
			 struct hf_err *err)
{
	char *text = hf_xml_attr(root, "expires");
	struct tm tm;
	const char *end;
	time_t t;

	if (!text)
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	t = end && !*end ? timegm(&tm) : (time_t)-1;
	snprintf(m->expires_text, sizeof(m->expires_text), "%.23s", text);
	free(text);
	if (t <= 0)
		return hf_err_set(err, HF_E_MALFORMED, "%s: expires '%s' is not a UTC time", name,
				  m->expires_text);
	m->expires = (int64_t)t;
	return 0;
}

/* The required="..." of an element (an xs:boolean the schema checked: "true", "1",
 * "false", "0", with the whitespace xs:boolean collapses).  A policy must never fail
 * open: a value the schema let through but that is none of those is refused. */
static int parse_required(xmlNode *node, const char *text, const char *name, int *out,
			  struct hf_err *err)
{
	char word[8] = "";
	size_t b = 0, e = text ? strlen(text) : 0;

	*out = 0;
	if (!node)
		return 0;
	while (b < e && strchr(" \t\r\n", text[b])) /* xs:boolean's whitespace */
		b++;
	while (e > b && strchr(" \t\r\n", text[e - 1]))
		e--;
	if (text && e - b < sizeof(word))
		memcpy(word, text + b, e - b);
	if (!strcmp(word, "true") || !strcmp(word, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(word, "false") || !strcmp(word, "0"))
		return 0;
	return hf_err_set(err, HF_E_SCHEMA, "%s:%ld: <%s required=\"%.20s\">: not true or false",
			  name, xmlGetLineNo(node), (const char *)node->name, text ? text : "");
}

static int build(xmlDoc *doc, const char *name, struct hf_manifest *m, struct hf_err *err)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *product = hf_xml_child(root, "product");
	xmlNode *restart = hf_xml_child(root, "restart");
	xmlNode *payload = hf_xml_child(root, "payload");
	xmlNode *title = hf_xml_child(root, "title");
	char *rev = hf_xml_attr(root, "revision");
	char *restart_req = restart ? hf_xml_attr(restart, "required") : NULL;
	xmlNode *ac = hf_xml_child(root, "authenticode");
	char *ac_req = ac ? hf_xml_attr(ac, "required") : NULL;
	char *psize = payload ? hf_xml_attr(payload, "size") : NULL;
	char *psha = payload ? hf_xml_attr(payload, "sha256") : NULL;
	uint64_t v = 0;
	size_t n = 0;
	int r;

	m->id = hf_xml_attr(root, "id");
	r = parse_u64(rev, UINT32_MAX, &v, "revision", name, err);
	if (r)
		goto out;
	m->revision = (unsigned long)v;
	r = parse_expires(root, name, m, err);
	if (r)
		goto out;
	if (title) {
		xmlChar *t = xmlNodeGetContent(title);

		m->title = strdup(t ? (const char *)t : "");
		xmlFree(t);
	}
	m->product_name = hf_xml_attr(product, "name");
	m->product_version = hf_xml_attr(product, "version");
	m->restart_required = restart_req && (!strcmp(restart_req, "true") ||
					      !strcmp(restart_req, "1"));
	r = parse_required(ac, ac_req, name, &m->authenticode_required, err);
	if (r)
		goto out;
	m->payload_href = hf_xml_attr(payload, "href");
	r = parse_u64(psize, UINT64_C(1) << 40, &m->payload_size, "payload size", name, err);
	if (!r)
		r = hf_sha256_parse(psha ? psha : "", m->payload_sha256, err);
	if (r)
		goto out;
	if (!m->id || !m->title || !m->product_name || !m->product_version || !m->payload_href) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
		goto out;
	}
	m->payload_path = resolve_payload(name, m->payload_href);
	if (!m->payload_path) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
		goto out;
	}
	for (xmlNode *c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "fileset"))
			n++;
	m->sets = calloc(n ? n : 1, sizeof(*m->sets));
	if (!m->sets) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
		goto out;
	}
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "fileset"))
			continue;
		r = parse_fileset(c, &m->sets[m->nsets++], name, err);
		if (!r)
			r = check_case(&m->sets[m->nsets - 1], name, err);
		if (r)
			goto out;
	}
out:
	free(rev);
	free(restart_req);
	free(ac_req);
	free(psize);
	free(psha);
	return r;
}

int hf_manifest_parse(const uint8_t *buf, size_t len, const char *name,
		      struct hf_manifest **out, struct hf_err *err)
{
	struct hf_manifest *m = NULL;
	xmlDoc *doc = NULL;
	int r;

	*out = NULL;
	if (len > HF_MANIFEST_MAX)
		return hf_err_set(err, HF_E_SIZE, "%s: %zu bytes, more than the manifest limit %d",
				  name, len, HF_MANIFEST_MAX);
	r = hf_xml_parse(buf, len, name, &doc, err);
	if (r)
		return r;
	r = check_caps(doc, name, err);
	if (!r)
		r = hf_xml_validate(doc, HF_SCHEMA_MANIFEST, name, err);
	if (r)
		goto out;
	m = calloc(1, sizeof(*m));
	if (!m) {
		r = hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
		goto out;
	}
	m->path = strdup(name);
	r = m->path ? hf_sha256_buf(buf, len, m->sha256, err)
		    : hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
	if (!r)
		r = build(doc, name, m, err);
	if (!r) {
		*out = m;
		m = NULL;
	}
out:
	hf_manifest_free(m);
	xmlFreeDoc(doc);
	return r;
}

int hf_manifest_load(const char *path, const struct hf_trust *trust, struct hf_manifest **out,
		     struct hf_err *err)
{
	uint8_t *buf = NULL, *sig = NULL;
	size_t len = 0, siglen = 0;
	char *sigpath = NULL;
	struct hf_manifest *m = NULL;
	struct hf_sig_info info = { "" };
	int missing = 0;
	int r;

	*out = NULL;
	r = hf_read_file(path, HF_MANIFEST_MAX, &buf, &len, NULL, err);
	if (r) {
		hf_err_hint(err, "check the manifest path");
		goto out;
	}
	if (!trust->skip_signature) {
		if (asprintf(&sigpath, "%s.p7s", path) < 0) {
			sigpath = NULL;
			r = hf_err_set(err, HF_E_NOMEM, "out of memory");
			goto out;
		}
		r = hf_read_file(sigpath, HF_SIGNATURE_MAX, &sig, &siglen, &missing, err);
		if (r) {
			if (missing)
				r = hf_err_set(err, HF_E_SIGNATURE,
					       "%s: no signature (%s is missing); the manifest "
					       "is not trusted",
					       path, sigpath);
			else /* present but unusable (too large, not a file): untrusted */
				r = hf_err_prefix(err, "signature: ");
			hf_err_hint(err, "get the .p7s signature from the publisher together with "
					 "the manifest");
			goto out;
		}
		r = hf_sig_verify(buf, len, sig, siglen, path, trust->trust_path, &info, err);
		if (r)
			goto out;
	}
	r = hf_manifest_parse(buf, len, path, &m, err);
	if (r || !m)
		goto out;
	m->signature_skipped = trust->skip_signature;
	_Static_assert(sizeof(m->signer) == HF_SIG_SUBJECT_MAX, "the signer is copied whole");
	memcpy(m->signer, info.signer, sizeof(m->signer));
	if (m->expires && (int64_t)time(NULL) > m->expires && !trust->allow_expired) {
		r = hf_err_set(err, HF_E_STALE, "%s: %s revision %lu expired at %s; refused", path,
			       m->id, m->revision, m->expires_text);
		hf_err_hint(err, "get a current manifest from the publisher (--allow-expired "
				 "overrides, knowingly)");
		hf_manifest_free(m);
		goto out;
	}
	*out = m;
out:
	free(buf);
	free(sig);
	free(sigpath);
	return r;
}

const struct hf_fileset *hf_manifest_fileset(const struct hf_manifest *m, unsigned servicepack)
{
	for (size_t i = 0; i < m->nsets; i++)
		if (m->sets[i].servicepack == servicepack)
			return &m->sets[i];
	return NULL;
}

char *hf_manifest_servicepacks(const struct hf_manifest *m, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned sp = 0; sp <= 99; sp++) {
		int n;

		if (!hf_manifest_fileset(m, sp))
			continue;
		n = snprintf(buf + used, len - used, "%s%u", used ? ", " : "", sp);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}
