/* xml: the one door through which untrusted XML enters (libxml2).
 *
 * Owns: parsing with no network, no DTD (a DOCTYPE stops the parser before any
 * declaration is read, so no entity is ever defined or expanded), no XInclude (never
 * processed), a size limit (the caller's), limits on element depth, attributes per
 * element, attribute and text length (HF_XML_MAX_*, far above what any of our documents
 * needs), and
 * XSD validation against the schemas compiled into the binary (the .xsd files of manifests/),
 * after checking the root element's name and namespace (urn:hotfix:NAME:1) with a hint.
 * Returned documents are freed with xmlFreeDoc(); attribute strings with hf_xml_free. */
#ifndef HOTFIX_XML_H
#define HOTFIX_XML_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "err.h"

#define HF_XML_MAX_DEPTH 16
#define HF_XML_MAX_ATTRS 32
#define HF_XML_MAX_ATTR_LEN 4096
#define HF_XML_MAX_TEXT_LEN 65536

enum hf_schema { HF_SCHEMA_MANIFEST, HF_SCHEMA_SITE, HF_SCHEMA_HIERARCHY, HF_SCHEMA_INSTALLED };

/* Parse len bytes as XML.  name is for messages.  Errors: -HF_E_SCHEMA with the line. */
int hf_xml_parse(const uint8_t *buf, size_t len, const char *name, xmlDoc **out,
		 struct hf_err *err) HF_MUST_CHECK;

/* The namespace of a format ("urn:hotfix:site:1", ...). */
const char *hf_xml_namespace(enum hf_schema which);

/* The one XML convention: doc's root element must be the format's, in the format's
 * namespace.  A site.xml in no namespace (sites made before it had one) is accepted: its
 * elements are moved into urn:hotfix:site:1, so the schema and the readers see one form.
 * Errors: -HF_E_SCHEMA naming the root's namespace (or its absence) and the expected one,
 * with a hint showing the root element to write. */
int hf_xml_check_root(xmlDoc *doc, enum hf_schema which, const char *name,
		      struct hf_err *err) HF_MUST_CHECK;

/* Validate doc against one of the embedded schemas, after hf_xml_check_root.  Errors:
 * -HF_E_SCHEMA naming the line and the rule that failed. */
int hf_xml_validate(xmlDoc *doc, enum hf_schema which, const char *name,
		    struct hf_err *err) HF_MUST_CHECK;

/* Parse + validate in one call. */
int hf_xml_load(const uint8_t *buf, size_t len, enum hf_schema which, const char *name,
		xmlDoc **out, struct hf_err *err) HF_MUST_CHECK;

/* The embedded schema text (for `hotfix` to print or install). */
const char *hf_xml_schema_text(enum hf_schema which, size_t *len);

/* Attribute value as a new C string, or NULL if absent.  Free with free(). */
char *hf_xml_attr(xmlNode *node, const char *name);

/* First element child of node named `name` (any namespace), or NULL. */
xmlNode *hf_xml_child(xmlNode *node, const char *name);

/* Release libxml2's global state (at exit; tests use it for leak checks). */
void hf_xml_cleanup(void);

#endif
