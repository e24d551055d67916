/* xml: safe libxml2 parsing and validation against the embedded XSDs. */
#include "xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

extern const char hf_xsd_manifest[], hf_xsd_site[], hf_xsd_hierarchy[], hf_xsd_installed[];
extern const size_t hf_xsd_manifest_len, hf_xsd_site_len, hf_xsd_hierarchy_len,
	hf_xsd_installed_len;

/* Collects the first error libxml2 reports during one operation. */
struct collector {
	char msg[512];
	int line;
	int count;
};

static void collect(void *ctx, xmlErrorPtr e)
{
	struct collector *c = ctx;
	size_t n;

	if (!e || e->level < XML_ERR_ERROR || c->count++ > 0)
		return;
	snprintf(c->msg, sizeof(c->msg), "%s", e->message ? e->message : "error");
	n = strlen(c->msg);
	while (n > 0 && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
		c->msg[--n] = '\0';
	c->line = e->line;
}

/* SAX hook: called when a DOCTYPE starts, before its internal subset is read. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
			   const xmlChar *sys)
{
	xmlParserCtxtPtr p = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	/* _private carries the collector; record why we stopped. */
	if (p->_private) {
		struct collector *c = p->_private;

		if (c->count++ == 0) {
			snprintf(c->msg, sizeof(c->msg),
				 "a DOCTYPE is not allowed (no DTDs, no entities)");
			c->line = xmlSAX2GetLineNumber(ctx);
		}
	}
	xmlStopParser(p);
}

/* Length of an attribute's value (the text of its children, as the tree keeps it). */
static size_t attr_len(const xmlAttr *a)
{
	size_t n = 0;

	for (const xmlNode *t = a->children; t; t = t->next)
		if (t->content)
			n += strlen((const char *)t->content);
	return n;
}

/* 0 if every element of doc is within the depth, attribute and text limits. */
static int check_limits(xmlDoc *doc, const char *name, struct hf_err *err)
{
	xmlNode *n = xmlDocGetRootElement(doc);
	int depth = 1;

	while (n) {
		int nattr = 0;

		if (n->type == XML_ELEMENT_NODE) {
			if (depth > HF_XML_MAX_DEPTH)
				return hf_err_set(err, HF_E_SCHEMA,
						  "%s:%d: elements nested more than %d deep", name,
						  xmlGetLineNo(n) > 0 ? (int)xmlGetLineNo(n) : 0,
						  HF_XML_MAX_DEPTH);
			for (const xmlAttr *a = n->properties; a; a = a->next)
				if (++nattr > HF_XML_MAX_ATTRS || attr_len(a) > HF_XML_MAX_ATTR_LEN)
					return hf_err_set(err, HF_E_SCHEMA,
							  "%s:%d: element <%.64s> has more than %d "
							  "attributes or one longer than %d bytes",
							  name, (int)xmlGetLineNo(n), (const char *)n->name,
							  HF_XML_MAX_ATTRS, HF_XML_MAX_ATTR_LEN);
		} else if (n->content && strlen((const char *)n->content) > HF_XML_MAX_TEXT_LEN) {
			return hf_err_set(err, HF_E_SCHEMA, "%s:%d: a text of more than %d bytes", name,
					  (int)xmlGetLineNo(n), HF_XML_MAX_TEXT_LEN);
		}
		/* depth-first, without recursion */
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			depth++;
			continue;
		}
		while (n && !n->next && depth > 1) {
			n = n->parent;
			depth--;
		}
		n = n ? n->next : NULL;
	}
	return 0;
}

int hf_xml_parse(const uint8_t *buf, size_t len, const char *name, xmlDoc **out,
		 struct hf_err *err)
{
	int r;
	struct collector c = { .msg = "", .line = 0, .count = 0 };
	xmlParserCtxtPtr p;
	xmlDoc *doc = NULL;
	int wellformed;

	*out = NULL;
	if (len > INT32_MAX)
		return hf_err_set(err, HF_E_SIZE, "%s: XML document too large", name);
	p = xmlNewParserCtxt();
	if (!p)
		return hf_err_set(err, HF_E_NOMEM, "%s: cannot create an XML parser", name);
	p->_private = &c;
	p->sax->internalSubset = refuse_doctype;
	xmlSetStructuredErrorFunc(&c, collect);
	doc = xmlCtxtReadMemory(p, (const char *)buf, (int)len, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_NOCDATA);
	wellformed = p->wellFormed && !p->disableSAX;
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(p);
	if (!doc || !wellformed || c.count > 0 || doc->intSubset || doc->extSubset) {
		xmlFreeDoc(doc);
		return hf_err_set(err, HF_E_SCHEMA, "%s:%d: not well-formed XML: %s", name, c.line,
				  c.msg[0] ? c.msg : "parse failed");
	}
	r = check_limits(doc, name, err);
	if (r) {
		xmlFreeDoc(doc);
		return r;
	}
	*out = doc;
	return 0;
}

static const char *schema_text(enum hf_schema which, size_t *len)
{
	switch (which) {
	case HF_SCHEMA_MANIFEST:
		*len = hf_xsd_manifest_len;
		return hf_xsd_manifest;
	case HF_SCHEMA_SITE:
		*len = hf_xsd_site_len;
		return hf_xsd_site;
	case HF_SCHEMA_HIERARCHY:
		*len = hf_xsd_hierarchy_len;
		return hf_xsd_hierarchy;
	case HF_SCHEMA_INSTALLED:
		*len = hf_xsd_installed_len;
		return hf_xsd_installed;
	}
	*len = 0;
	return NULL;
}

const char *hf_xml_schema_text(enum hf_schema which, size_t *len)
{
	return schema_text(which, len);
}

/* Each format: its schema file, root element, namespace, and whether a document in no
 * namespace is read as if it were in it (only site.xml: sites made before the namespace
 * have none; manifests, hierarchy files and registries always had theirs). */
static const struct format {
	const char *xsd, *file, *root, *ns;
	int legacy_no_ns;
} formats[] = {
	[HF_SCHEMA_MANIFEST] = { "manifest.xsd", "a manifest", "hotfix", "urn:hotfix:manifest:1",
				 0 },
	[HF_SCHEMA_SITE] = { "site.xsd", "site.xml", "site", "urn:hotfix:site:1", 1 },
	[HF_SCHEMA_HIERARCHY] = { "hierarchy.xsd", "a hierarchy file", "hierarchy",
				  "urn:hotfix:hierarchy:1", 0 },
	[HF_SCHEMA_INSTALLED] = { "installed.xsd", "installed.xml", "installed",
				  "urn:hotfix:installed:1", 0 },
};

static const char *schema_file(enum hf_schema which)
{
	return formats[which].xsd;
}

const char *hf_xml_namespace(enum hf_schema which)
{
	return formats[which].ns;
}

/* Put every element of the tree under node that is in no namespace into ns. */
static void adopt_ns(xmlNode *node, xmlNs *ns)
{
	xmlNode *n = node;

	while (n) {
		if (n->type == XML_ELEMENT_NODE && !n->ns)
			xmlSetNs(n, ns);
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != node && !n->next)
			n = n->parent;
		n = (n && n != node) ? n->next : NULL;
	}
}

int hf_xml_check_root(xmlDoc *doc, enum hf_schema which, const char *name, struct hf_err *err)
{
	const struct format *f = &formats[which];
	xmlNode *root = xmlDocGetRootElement(doc);
	const char *href;
	int line;

	if (!root)
		return hf_err_set(err, HF_E_SCHEMA, "%s: does not match %s: no root element", name,
				  f->xsd);
	line = xmlGetLineNo(root) > 0 ? (int)xmlGetLineNo(root) : 0;
	href = root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
	if (strcmp((const char *)root->name, f->root) != 0) {
		hf_err_set(err, HF_E_SCHEMA,
			   "%s:%d: does not match %s: the root element is <%.64s>; expected <%s>",
			   name, line, f->xsd, (const char *)root->name, f->root);
		hf_err_hint(err, "the root element of %s is <%s xmlns=\"%s\">", f->file, f->root,
			    f->ns);
		return -HF_E_SCHEMA;
	}
	if (!href && f->legacy_no_ns) {
		xmlNs *ns = xmlNewNs(root, (const xmlChar *)f->ns, NULL);

		if (!ns)
			return hf_err_set(err, HF_E_NOMEM, "%s: out of memory", name);
		adopt_ns(root, ns);
		return 0;
	}
	if (!href || strcmp(href, f->ns) != 0) {
		if (href)
			hf_err_set(err, HF_E_SCHEMA,
				   "%s:%d: does not match %s: root element <%s> is in namespace "
				   "'%.200s'; expected '%s'",
				   name, line, f->xsd, f->root, href, f->ns);
		else
			hf_err_set(err, HF_E_SCHEMA,
				   "%s:%d: does not match %s: root element <%s> is in no namespace; "
				   "expected '%s'",
				   name, line, f->xsd, f->root, f->ns);
		if (f->legacy_no_ns)
			hf_err_hint(err, "write the root element as <%s xmlns=\"%s\"> (or, as "
					 "older sites do, with no xmlns at all)",
				    f->root, f->ns);
		else
			hf_err_hint(err, "write the root element as <%s xmlns=\"%s\">", f->root,
				    f->ns);
		return -HF_E_SCHEMA;
	}
	return 0;
}

/* Compiled schemas, built on first use and kept until hf_xml_cleanup(). */
static xmlSchemaPtr compiled[4];

static int get_schema(enum hf_schema which, xmlSchemaPtr *out, struct hf_err *err)
{
	struct collector c = { .msg = "", .line = 0, .count = 0 };
	xmlSchemaParserCtxtPtr pc;
	size_t len;
	const char *text;

	if (compiled[which]) {
		*out = compiled[which];
		return 0;
	}
	text = schema_text(which, &len);
	pc = xmlSchemaNewMemParserCtxt(text, (int)len);
	if (!pc)
		return hf_err_set(err, HF_E_NOMEM, "cannot load the built-in %s",
				  schema_file(which));
	xmlSchemaSetParserStructuredErrors(pc, collect, &c);
	compiled[which] = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!compiled[which])
		return hf_err_set(err, HF_E_SCHEMA, "built-in %s does not compile: %s",
				  schema_file(which), c.msg);
	*out = compiled[which];
	return 0;
}

int hf_xml_validate(xmlDoc *doc, enum hf_schema which, const char *name, struct hf_err *err)
{
	struct collector c = { .msg = "", .line = 0, .count = 0 };
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema = NULL;
	int r = hf_xml_check_root(doc, which, name, err);

	if (!r)
		r = get_schema(which, &schema, err);
	if (r)
		return r;
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc)
		return hf_err_set(err, HF_E_NOMEM, "%s: cannot create a schema validator", name);
	xmlSchemaSetValidStructuredErrors(vc, collect, &c);
	r = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (r != 0)
		return hf_err_set(err, HF_E_SCHEMA, "%s:%d: does not match %s: %s", name, c.line,
				  schema_file(which), c.msg[0] ? c.msg : "invalid");
	return 0;
}

int hf_xml_load(const uint8_t *buf, size_t len, enum hf_schema which, const char *name,
		xmlDoc **out, struct hf_err *err)
{
	int r = hf_xml_parse(buf, len, name, out, err);

	if (r)
		return r;
	r = hf_xml_validate(*out, which, name, err);
	if (r) {
		xmlFreeDoc(*out);
		*out = NULL;
	}
	return r;
}

char *hf_xml_attr(xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

xmlNode *hf_xml_child(xmlNode *node, const char *name)
{
	for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

void hf_xml_cleanup(void)
{
	for (size_t i = 0; i < sizeof(compiled) / sizeof(compiled[0]); i++) {
		xmlSchemaFree(compiled[i]);
		compiled[i] = NULL;
	}
	xmlCleanupParser();
}
