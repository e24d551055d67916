/* installed: parse SITE/.hotfix/installed.xml. */
#include "installed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "xml.h"

#define REGISTRY ".hotfix/installed.xml"

void hf_installed_free(struct hf_installed *inst)
{
	if (!inst)
		return;
	for (size_t i = 0; i < inst->n; i++) {
		struct hf_inst_hotfix *h = &inst->hotfixes[i];

		for (size_t j = 0; j < h->nfiles; j++)
			free(h->files[j].path);
		free(h->files);
		free(h->id);
		free(h->time);
	}
	free(inst->hotfixes);
	free(inst);
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

static int parse_hotfix(xmlNode *node, struct hf_inst_hotfix *h, const char *name,
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

int hf_installed_parse(const uint8_t *buf, size_t len, const char *name,
		       struct hf_installed **out, struct hf_err *err)
{
	struct hf_installed *inst = calloc(1, sizeof(*inst));
	xmlDoc *doc = NULL;
	xmlNode *root;
	int r;

	*out = NULL;
	if (!inst)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
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
		r = parse_hotfix(c, &inst->hotfixes[inst->n++], name, err);
		if (r)
			goto out;
	}
	*out = inst;
	inst = NULL;
out:
	xmlFreeDoc(doc);
	hf_installed_free(inst);
	return r;
}

int hf_installed_load(const struct hf_site *site, struct hf_installed **out, struct hf_err *err)
{
	char name[4200];
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd = -1, sys_errno = 0, r;

	*out = NULL;
	snprintf(name, sizeof(name), "%s/%s", site->root, REGISTRY);
	r = hf_site_open_file(site, REGISTRY, &fd, &sys_errno, err);
	if (r && sys_errno == ENOENT) {
		*out = calloc(1, sizeof(**out));
		return *out ? 0 : hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	if (r)
		return r;
	r = hf_read_fd(fd, name, HF_INSTALLED_MAX, &buf, &len, err);
	close(fd);
	if (!r)
		r = hf_installed_parse(buf, len, name, out, err);
	free(buf);
	return r;
}
