/* registry: parse SITE/.hotfix/installed.xml. */
#include "registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "fileio.h"
#include "state.h"
#include "xml.h"

/* The registry's last line: a checksum of every byte before it. */
#define SUM_PREFIX "<!-- sha256 "
#define SUM_SUFFIX " -->\n"
#define SUM_LINE_LEN (sizeof(SUM_PREFIX) - 1 + 64 + sizeof(SUM_SUFFIX) - 1)

#define REGISTRY HF_STATE_DIR "/" HF_STATE_REGISTRY /* for messages */

void hf_registry_entry_clear(struct hf_registry_entry *h)
{
	for (size_t j = 0; j < h->nfiles; j++)
		free(h->files[j].path);
	free(h->files);
	free(h->id);
	free(h->time);
	memset(h, 0, sizeof(*h));
}

void hf_registry_free(struct hf_registry *inst)
{
	if (!inst)
		return;
	for (size_t i = 0; i < inst->n; i++)
		hf_registry_entry_clear(&inst->hotfixes[i]);
	for (size_t i = 0; i < inst->naccepted; i++)
		free(inst->accepted[i].id);
	free(inst->accepted);
	free(inst->hotfixes);
	free(inst);
}

unsigned long hf_registry_accepted(const struct hf_registry *inst, const char *id)
{
	for (size_t i = 0; i < inst->naccepted; i++)
		if (!strcmp(inst->accepted[i].id, id))
			return inst->accepted[i].revision;
	return 0;
}

/* gcc -fanalyzer (12) loses track of blocks stored into the caller's arrays (inst->
 * accepted, h->files) and reports them as leaked; they are freed by hf_registry_free. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
int hf_registry_accept(struct hf_registry *inst, const char *id, unsigned long revision,
			struct hf_err *err)
{
	struct hf_accepted *grown;

	if (!id)
		return hf_err_set(err, HF_E_MALFORMED, "a hotfix without an id");
	for (size_t i = 0; i < inst->naccepted; i++)
		if (!strcmp(inst->accepted[i].id, id)) {
			if (revision > inst->accepted[i].revision)
				inst->accepted[i].revision = revision;
			return 0;
		}
	grown = realloc(inst->accepted, (inst->naccepted + 1) * sizeof(*grown));
	if (!grown)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	inst->accepted = grown;
	grown[inst->naccepted].id = strdup(id);
	if (!grown[inst->naccepted].id)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	grown[inst->naccepted++].revision = revision;
	return 0;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

int hf_registry_check_fresh(const struct hf_registry *inst, const char *site_code,
			     const char *id, unsigned long revision, struct hf_err *err)
{
	unsigned long seen = hf_registry_accepted(inst, id);
	const struct hf_registry_entry *h = hf_registry_find(inst, id);

	if (h && h->revision > seen)
		seen = h->revision;
	if (revision >= seen)
		return 0;
	hf_err_set(err, HF_E_STALE,
		   "%s: %s revision %lu is older than revision %lu, which this site already "
		   "accepted; refused (an old manifest replayed?)",
		   site_code, id, revision, seen);
	hf_err_hint(err, "use revision %lu or later of %s", seen, id);
	return -HF_E_STALE;
}

struct hf_registry_entry *hf_registry_find(const struct hf_registry *inst, const char *id)
{
	for (size_t i = 0; i < inst->n; i++)
		if (!strcmp(inst->hotfixes[i].id, id))
			return &inst->hotfixes[i];
	return NULL;
}

int hf_registry_add(struct hf_registry *inst, struct hf_registry_entry *h, struct hf_err *err)
{
	struct hf_registry_entry *n = realloc(inst->hotfixes, (inst->n + 1) * sizeof(*n));

	if (!n)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	inst->hotfixes = n;
	n[inst->n++] = *h;
	memset(h, 0, sizeof(*h));
	return 0;
}

int hf_registry_remove(struct hf_registry *inst, const char *id)
{
	struct hf_registry_entry *h = hf_registry_find(inst, id);
	size_t i;

	if (!h)
		return 0;
	i = (size_t)(h - inst->hotfixes);
	hf_registry_entry_clear(h);
	memmove(h, h + 1, (inst->n - i - 1) * sizeof(*h));
	inst->n--;
	return 1;
}

static int write_entry(xmlTextWriter *w, const struct hf_registry_entry *h)
{
	char hex[HF_SHA256_HEX], v[HF_VERSION_STRLEN], rev[24];
	int bad = 0;

	snprintf(rev, sizeof(rev), "%lu", h->revision);
	bad |= xmlTextWriterStartElement(w, BAD_CAST "hotfix") < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST h->id) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "revision", BAD_CAST rev) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "manifest-sha256",
					   BAD_CAST hf_sha256_hex(h->manifest_sha256, hex)) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST h->time) < 0;
	for (size_t j = 0; j < h->nfiles; j++) {
		const struct hf_inst_file *f = &h->files[j];

		bad |= xmlTextWriterStartElement(w, BAD_CAST "file") < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "path", BAD_CAST f->path) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "old-version",
						   BAD_CAST hf_version_format(&f->old_version, v)) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "old-sha256",
						   BAD_CAST hf_sha256_hex(f->old_sha256, hex)) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "new-version",
						   BAD_CAST hf_version_format(&f->new_version, v)) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "new-sha256",
						   BAD_CAST hf_sha256_hex(f->new_sha256, hex)) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad ? -1 : 0;
}

int hf_registry_format(const struct hf_registry *inst, uint8_t **buf, size_t *len,
			struct hf_err *err)
{
	xmlBuffer *xb = xmlBufferCreate();
	xmlTextWriter *w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
	int bad = !w;

	*buf = NULL;
	*len = 0;
	if (!bad) {
		bad |= xmlTextWriterSetIndent(w, 1) < 0;
		bad |= xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0;
		bad |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
		bad |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "installed",
						   BAD_CAST "urn:hotfix:installed:1") < 0;
		for (size_t i = 0; !bad && i < inst->n; i++)
			bad |= write_entry(w, &inst->hotfixes[i]) < 0;
		for (size_t i = 0; !bad && i < inst->naccepted; i++) {
			char rev[24];

			snprintf(rev, sizeof(rev), "%lu", inst->accepted[i].revision);
			bad |= xmlTextWriterStartElement(w, BAD_CAST "accepted") < 0;
			bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id",
							   BAD_CAST inst->accepted[i].id) < 0;
			bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "revision", BAD_CAST rev) < 0;
			bad |= xmlTextWriterEndElement(w) < 0;
		}
		bad |= xmlTextWriterEndDocument(w) < 0;
	}
	xmlFreeTextWriter(w); /* flushes into xb */
	if (!bad) {
		size_t body = (size_t)xmlBufferLength(xb);
		uint8_t sum[HF_SHA256_LEN];
		char hex[HF_SHA256_HEX];

		*buf = malloc(body + SUM_LINE_LEN + 1);
		if (*buf && hf_sha256_buf(xmlBufferContent(xb), body, sum, err) == 0) {
			memcpy(*buf, xmlBufferContent(xb), body);
			snprintf((char *)*buf + body, SUM_LINE_LEN + 1, SUM_PREFIX "%s" SUM_SUFFIX,
				 hf_sha256_hex(sum, hex));
			*len = body + SUM_LINE_LEN;
		} else {
			free(*buf);
			*buf = NULL;
		}
	}
	xmlBufferFree(xb);
	if (bad || !*buf)
		return hf_err_set(err, HF_E_NOMEM, "cannot format the installed-hotfix registry");
	return 0;
}

static size_t count_children(xmlNode *node)
{
	size_t n = 0;

	for (xmlNode *c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			n++;
	return n;
}

static int parse_file(xmlNode *node, struct hf_inst_file *f, const char *name,
		      struct hf_err *err)
{
	static const char *const attrs[] = { "old-version", "new-version", "old-sha256",
					     "new-sha256" };
	char *v[4];
	int r = 0;

	f->path = hf_xml_attr(node, "path");
	for (int i = 0; i < 4; i++)
		v[i] = hf_xml_attr(node, attrs[i]);
	if (!f->path || !v[0] || !v[1] || !v[2] || !v[3])
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%ld: incomplete <file>", name,
			       xmlGetLineNo(node));
	if (!r)
		r = hf_version_parse(v[0], &f->old_version, err);
	if (!r)
		r = hf_version_parse(v[1], &f->new_version, err);
	if (!r)
		r = hf_sha256_parse(v[2], f->old_sha256, err);
	if (!r)
		r = hf_sha256_parse(v[3], f->new_sha256, err);
	for (int i = 0; i < 4; i++)
		free(v[i]);
	return r;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int parse_hotfix(xmlNode *node, struct hf_registry_entry *h, const char *name,
			struct hf_err *err)
{
	char *rev = hf_xml_attr(node, "revision");
	char *sha = hf_xml_attr(node, "manifest-sha256");
	char *end = NULL;
	int r = 0;

	h->id = hf_xml_attr(node, "id");
	h->time = hf_xml_attr(node, "time");
	errno = 0;
	h->revision = rev ? strtoul(rev, &end, 10) : 0;
	if (!h->id || !h->time || !rev || errno || *end || !sha)
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%ld: incomplete <hotfix>", name,
			       xmlGetLineNo(node));
	if (!r)
		r = hf_sha256_parse(sha, h->manifest_sha256, err);
	free(rev);
	free(sha);
	if (r)
		return r;
	h->files = calloc(count_children(node) + 1, sizeof(*h->files));
	if (!h->files)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	for (xmlNode *c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		r = parse_file(c, &h->files[h->nfiles++], name, err);
		if (r)
			return r;
	}
	return 0;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* 0 if buf ends with a checksum line matching the bytes before it. */
static int check_sum(const uint8_t *buf, size_t len, const char *name, struct hf_err *err)
{
	const char *line = (const char *)buf + len - SUM_LINE_LEN;
	uint8_t want[HF_SHA256_LEN], got[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX];
	struct hf_err ignored;

	if (len < SUM_LINE_LEN || memcmp(line, SUM_PREFIX, strlen(SUM_PREFIX)) != 0 ||
	    memcmp(line + SUM_LINE_LEN - strlen(SUM_SUFFIX), SUM_SUFFIX, strlen(SUM_SUFFIX)) ||
	    (memcpy(hex, line + strlen(SUM_PREFIX), 64), hex[64] = '\0',
	     hf_sha256_parse(hex, want, &ignored) != 0)) {
		hf_err_set(err, HF_E_MALFORMED,
			   "%s: damaged: its last line is not hotfix's checksum line", name);
		hf_err_hint(err, "the registry was cut short or edited; restore it from a backup "
				 "of the site (nothing was changed)");
		return -HF_E_MALFORMED;
	}
	if (hf_sha256_buf(buf, len - SUM_LINE_LEN, got, err) != 0)
		return -(int)err->code;
	if (memcmp(got, want, HF_SHA256_LEN) != 0) {
		hf_err_set(err, HF_E_MALFORMED,
			   "%s: damaged: its content does not match its SHA-256 checksum", name);
		hf_err_hint(err, "the registry was changed after hotfix wrote it; restore it "
				 "from a backup of the site (nothing was changed)");
		return -HF_E_MALFORMED;
	}
	return 0;
}

int hf_registry_parse(const uint8_t *buf, size_t len, const char *name,
		       struct hf_registry **out, struct hf_err *err)
{
	struct hf_registry *inst = calloc(1, sizeof(*inst));
	xmlDoc *doc = NULL;
	xmlNode *root;
	int r;

	*out = NULL;
	if (!inst)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	r = check_sum(buf, len, name, err);
	if (!r)
		r = hf_xml_load(buf, len, HF_SCHEMA_INSTALLED, name, &doc, err);
	if (r)
		goto out;
	root = xmlDocGetRootElement(doc);
	inst->hotfixes = calloc(count_children(root) + 1, sizeof(*inst->hotfixes));
	if (!inst->hotfixes) {
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(c->name, BAD_CAST "accepted")) {
			char *id = hf_xml_attr(c, "id"), *rev = hf_xml_attr(c, "revision"), *end = NULL;
			unsigned long v = 0;

			errno = 0;
			if (rev)
				v = strtoul(rev, &end, 10);
			if (!id || !rev || errno || *end || v == 0)
				r = hf_err_set(err, HF_E_MALFORMED, "%s:%ld: bad <accepted>", name,
					       xmlGetLineNo(c));
			if (!r)
				r = hf_registry_accept(inst, id, v, err);
			free(id);
			free(rev);
		} else {
			r = parse_hotfix(c, &inst->hotfixes[inst->n++], name, err);
		}
		if (r)
			goto out;
	}
	*out = inst;
	inst = NULL;
out:
	xmlFreeDoc(doc);
	hf_registry_free(inst);
	return r;
}

/* The registry in the state directory sdir, opened the way site.c opens a site's files: no
 * symlink followed, and a FIFO in its place does not block (hf_read_fd refuses it).  1:
 * there is none; 0: *fd is open; < 0: the error. */
static int open_registry(const struct hf_site *site, int sdir, int *fd, struct hf_err *err)
{
	*fd = sdir < 0 ? -1
		       : openat(sdir, HF_STATE_REGISTRY,
				O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd >= 0)
		return 0;
	if (sdir < 0 || errno == ENOENT)
		return 1;
	if (errno == ELOOP || errno == ENOTDIR)
		return hf_err_set(err, HF_E_IO,
				  "%s: %s: '%s' is a symbolic link or not a directory; refusing to "
				  "follow it",
				  site->code, REGISTRY, HF_STATE_REGISTRY);
	return hf_err_set(err, HF_E_IO, "%s: %s: %s", site->code, REGISTRY, strerror(errno));
}

int hf_registry_load(const struct hf_site *site, int sdir, struct hf_registry **out,
		     struct hf_err *err)
{
	char name[HF_SITE_NAME_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd = -1, r;

	*out = NULL;
	snprintf(name, sizeof(name), "%s/%s", site->root, REGISTRY);
	r = open_registry(site, sdir, &fd, err);
	if (r == 1) {
		*out = calloc(1, sizeof(**out));
		return *out ? 0 : hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	if (r)
		return r;
	r = hf_read_fd(fd, name, HF_REGISTRY_MAX, &buf, &len, err);
	close(fd);
	if (!r)
		r = hf_registry_parse(buf, len, name, out, err);
	if (!r && *out) {
		(*out)->present = 1;
		r = hf_sha256_buf(buf, len, (*out)->sha256, err);
		if (r) {
			hf_registry_free(*out);
			*out = NULL;
		}
	}
	free(buf);
	return r;
}
