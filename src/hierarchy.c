/* hierarchy: load the hierarchy file, open every site, check the tree. */
#include "hierarchy.h"

#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "xml.h"

#define SHOW_MAX 10 /* violations named in the message */

void hf_hierarchy_free(struct hf_hierarchy *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		hf_site_free(h->sites[i].site);
		free(h->sites[i].children);
		free(h->sites[i].unseen);
	}
	free(h->sites);
	free(h->order);
	free(h->path);
	free(h);
}

/* Violations, gathered so that all of them are named at once. */
struct problems {
	char text[900];
	size_t len, count;
};

static void problem(struct problems *p, const char *fmt, ...) HF_PRINTF(2, 3);
static void problem(struct problems *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->count++ >= SHOW_MAX || p->len >= sizeof(p->text) - 1)
		return;
	if (p->len)
		p->len += (size_t)snprintf(p->text + p->len, sizeof(p->text) - p->len, "; ");
	if (p->len >= sizeof(p->text) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->text + p->len, sizeof(p->text) - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n;
	if (p->len > sizeof(p->text) - 1)
		p->len = sizeof(p->text) - 1;
}

/* A stand-in for a site that could not be opened: only its root (code ""). */
static int stand_in(struct hf_hsite *hs, const char *root, const struct hf_err *why,
		    struct hf_err *err)
{
	struct hf_site *s = calloc(1, sizeof(*s));

	if (s) {
		s->rootfd = -1;
		s->root = strdup(root);
		hs->unseen = strdup(why->msg);
	}
	if (!s || !s->root || !hs->unseen) {
		hf_site_free(s);
		free(hs->unseen);
		hs->unseen = NULL;
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	hs->site = s;
	return 0;
}

/* A site's ring attribute: absent (ring_given 0), or a decimal 0..HF_RING_MAX.  The schema
 * refuses anything else first; this is the bound checked again, where it is used. */
static int read_ring(const struct hf_hierarchy *h, xmlNode *c, struct hf_hsite *hs,
		     struct hf_err *err)
{
	char *text = hf_xml_attr(c, "ring");
	size_t len = text ? strlen(text) : 0;
	unsigned v = 0;
	int ok = len >= 1 && len <= 2 && (len == 1 || text[0] != '0');

	hs->ring_given = text != NULL;
	for (size_t k = 0; ok && k < len; k++) {
		ok = text[k] >= '0' && text[k] <= '9';
		v = v * 10 + (unsigned)(text[k] - '0');
	}
	if (text && (!ok || v > HF_RING_MAX)) {
		hf_err_set(err, HF_E_MALFORMED, "%s:%ld: ring \"%.20s\" is not a number from 0 to %d",
			   h->path, xmlGetLineNo(c), text, HF_RING_MAX);
		hf_err_hint(err, "ring 0 runs first (the canary), then ring 1, ...; a site "
				 "without a ring is in the last one");
		free(text);
		return -HF_E_MALFORMED;
	}
	free(text);
	hs->ring = v;
	return 0;
}

/* Sites without a ring: in the last one, one past the highest given (0 when none). */
static void last_ring(struct hf_hierarchy *h)
{
	unsigned top = 0, last;
	int any = 0, some_without = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (!h->sites[i].ring_given)
			some_without = 1;
		else if (!any || h->sites[i].ring > top)
			top = h->sites[i].ring;
		any |= h->sites[i].ring_given;
	}
	last = any ? top + 1 : 0;
	h->nrings = some_without ? last + 1 : top + 1;
	for (size_t i = 0; i < h->n; i++)
		if (!h->sites[i].ring_given)
			h->sites[i].ring = last;
}

static int read_roots(struct hf_hierarchy *h, xmlDoc *doc, int partial, struct hf_err *err)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	char *copy = strdup(h->path), *dir;
	size_t n = 0;
	int r = 0;

	if (!copy)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	dir = dirname(copy);
	for (xmlNode *c = root->children; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	h->sites = calloc(n ? n : 1, sizeof(*h->sites));
	h->order = calloc(n ? n : 1, sizeof(*h->order));
	if (!h->sites || !h->order) {
		free(copy);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	for (xmlNode *c = root->children; c && !r; c = c->next) {
		char *rel, path[8300];

		if (c->type != XML_ELEMENT_NODE)
			continue;
		rel = hf_xml_attr(c, "root");
		if (!rel) {
			r = hf_err_set(err, HF_E_MALFORMED, "%s: a site without a root", h->path);
			break;
		}
		if (rel[0] == '/')
			snprintf(path, sizeof(path), "%s", rel);
		else
			snprintf(path, sizeof(path), "%s/%s", dir, rel);
		free(rel);
		h->sites[h->n].parent = HF_NO_PARENT;
		r = read_ring(h, c, &h->sites[h->n], err);
		if (r)
			break;
		r = hf_site_open(path, &h->sites[h->n].site, err);
		if (r == -HF_E_IO && partial) {
			r = stand_in(&h->sites[h->n], path, err, err);
			if (!r)
				hf_err_clear(err);
		}
		if (r)
			hf_err_prefix(err, "%s: ", h->path);
		else
			h->n++;
	}
	free(copy);
	if (!r)
		last_ring(h);
	return r;
}

static size_t find_code(const struct hf_hierarchy *h, const char *code)
{
	for (size_t i = 0; i < h->n; i++)
		if (!h->sites[i].unseen && !strcmp(h->sites[i].site->code, code))
			return i;
	return HF_NO_PARENT;
}

/* Parent links, then every rule; returns the number of violations. */
static size_t check_tree(struct hf_hierarchy *h, struct problems *p)
{
	size_t centrals = 0, nunseen = 0;

	for (size_t i = 0; i < h->n; i++)
		nunseen += h->sites[i].unseen != NULL;
	h->central = HF_NO_PARENT;
	for (size_t i = 0; i < h->n; i++) {
		const struct hf_site *s = h->sites[i].site;
		size_t other;

		if (h->sites[i].unseen)
			continue;
		other = find_code(h, s->code);
		if (other != i)
			problem(p, "code %s is used twice (%s and %s)", s->code,
				h->sites[other].site->root, s->root);
		if (s->type == HF_SITE_CENTRAL) {
			centrals++;
			h->central = i;
			continue;
		}
		h->sites[i].parent = find_code(h, s->parent);
		if (h->sites[i].parent == HF_NO_PARENT && nunseen)
			continue; /* its parent may be the site that could not be read */
		if (h->sites[i].parent == HF_NO_PARENT)
			problem(p, "site %s names parent %s, which is not in the hierarchy", s->code,
				s->parent);
		else if (h->sites[h->sites[i].parent].site->type == HF_SITE_SECONDARY)
			problem(p, "secondary site %s has a child: %s",
				h->sites[h->sites[i].parent].site->code, s->code);
		if (h->sites[i].parent != HF_NO_PARENT &&
		    h->sites[h->sites[i].parent].ring > h->sites[i].ring)
			problem(p,
				"site %s (ring %u) has its parent %s in a later ring (%u): a "
				"parent's ring must not come after its child's",
				s->code, h->sites[i].ring, h->sites[h->sites[i].parent].site->code,
				h->sites[h->sites[i].parent].ring);
	}
	if (centrals == 0 && !nunseen)
		problem(p, "no central site");
	else if (centrals > 1)
		problem(p, "%zu central sites; a hierarchy has exactly one", centrals);
	/* a cycle: walking up from a site never reaches a site without a parent */
	for (size_t i = 0; i < h->n; i++) {
		size_t at = i, steps = 0;

		while (at != HF_NO_PARENT && steps <= h->n) {
			at = h->sites[at].parent;
			steps++;
		}
		if (at != HF_NO_PARENT)
			problem(p, "site %s is in a cycle of parents", h->sites[i].site->code);
	}
	return p->count;
}

/* Children lists and the breadth-first order from the central site, then (partial load)
 * from each site left without a parent. */
static int link_tree(struct hf_hierarchy *h, struct hf_err *err)
{
	size_t head = 0, tail = 0;

	if (!h->order || h->n == 0)
		return hf_err_set(err, HF_E_MALFORMED, "%s: no site", h->path);
	for (size_t i = 0; i < h->n; i++) {
		size_t par = h->sites[i].parent;
		struct hf_hsite *ps;
		size_t *grown;

		if (par == HF_NO_PARENT)
			continue;
		ps = &h->sites[par];
		grown = realloc(ps->children, (ps->nchildren + 1) * sizeof(*grown));
		if (!grown)
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
		ps->children = grown;
		ps->children[ps->nchildren++] = i;
	}
	for (size_t root = 0; root <= h->n && tail < h->n; root++) {
		/* first the central site (the only root of a complete tree), then orphans */
		size_t top = root == 0 ? h->central : root - 1;

		if (top == HF_NO_PARENT ||
		    (root > 0 && (top == h->central || h->sites[top].parent != HF_NO_PARENT)))
			continue;
		h->order[tail++] = top;
		while (head < tail) {
			const struct hf_hsite *s = &h->sites[h->order[head++]];

			for (size_t c = 0; c < s->nchildren && tail < h->n; c++) {
				h->sites[s->children[c]].depth = s->depth + 1;
				h->order[tail++] = s->children[c];
			}
		}
	}
	return 0;
}

void hf_hierarchy_by_ring(const struct hf_hierarchy *h, const size_t *in, size_t *out)
{
	size_t start[HF_RING_MAX + 3] = { 0 }; /* rings 0..HF_RING_MAX + 1, and the end */

	for (size_t k = 0; k < h->n; k++)
		start[h->sites[in[k]].ring + 1]++;
	for (unsigned r = 1; r < HF_RING_MAX + 3; r++)
		start[r] += start[r - 1];
	for (size_t k = 0; k < h->n; k++)
		out[start[h->sites[in[k]].ring]++] = in[k];
}

static int load(const char *path, int partial, struct hf_hierarchy **out, struct hf_err *err)
{
	struct hf_hierarchy *h = calloc(1, sizeof(*h));
	struct problems p = { .len = 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	xmlDoc *doc = NULL;
	int r;

	*out = NULL;
	if (!h || !(h->path = strdup(path))) {
		free(h);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	r = hf_read_file(path, HF_HIERARCHY_MAX, &buf, &len, NULL, err);
	if (!r)
		r = hf_xml_load(buf, len, HF_SCHEMA_HIERARCHY, path, &doc, err);
	if (!r)
		r = read_roots(h, doc, partial, err);
	if (!r && check_tree(h, &p)) {
		r = hf_err_set(err, HF_E_MALFORMED, "%s: the hierarchy is not valid: %s%s", path,
			       p.text, p.count > SHOW_MAX ? "; ..." : "");
		hf_err_hint(err, "%zu problem(s); each site's site.xml says its type and parent",
			    p.count);
	}
	if (!r)
		r = link_tree(h, err);
	xmlFreeDoc(doc);
	free(buf);
	if (r) {
		hf_hierarchy_free(h);
		return r;
	}
	*out = h;
	return 0;
}

int hf_hierarchy_load(const char *path, struct hf_hierarchy **out, struct hf_err *err)
{
	return load(path, 0, out, err);
}

int hf_hierarchy_load_partial(const char *path, struct hf_hierarchy **out, struct hf_err *err)
{
	return load(path, 1, out, err);
}
