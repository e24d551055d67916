/* Unit tests of xml's one convention (hf_xml_check_root, through hf_xml_load): every
 * format is read in its urn:hotfix:NAME:1 namespace; a wrong namespace, or none, is
 * refused with a message naming both and a hint showing the root element to write; only
 * site.xml is also read in no namespace (older sites), its elements then moved into
 * urn:hotfix:site:1; a wrong root element is named as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xml.h"

/* The smallest valid document of each format: the root's name, then the rest of the
 * document from its first attribute on (each case puts the namespace it tests between). */
#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
static const char *const body[][2] = {
	[HF_SCHEMA_MANIFEST] = { "<hotfix", " id=\"KB1\" revision=\"1\"><title>t</title>"
			       "<product name=\"SMS\" version=\"2003\"/>"
			       "<restart required=\"false\"/>"
			       "<payload href=\"p.tar\" size=\"1\" sha256=\"" SHA "\"/>"
			       "<fileset servicepack=\"3\" platform=\"x86\">"
			       "<file path=\"bin/a.dll\" source=\"SP3/a.dll\" version=\"1.0.0.1\" "
			       "size=\"1\" sha256=\"" SHA "\"/></fileset></hotfix>" },
	[HF_SCHEMA_SITE] = { "<site", " code=\"ABC\" type=\"central\">"
			   "<product name=\"SMS\" version=\"2003\" servicepack=\"3\"/>"
			   "<services><stop><arg>/bin/true</arg></stop>"
			   "<start><arg>/bin/true</arg></start></services></site>" },
	[HF_SCHEMA_HIERARCHY] = { "<hierarchy", "><site root=\"a\"/></hierarchy>" },
	[HF_SCHEMA_INSTALLED] = { "<installed", "/>" },
};

static char doc_text[2048];
static struct hf_err err;

static int load(enum hf_schema which, const char *xmlns, xmlDoc **doc)
{
	int n = snprintf(doc_text, sizeof(doc_text), "%s%s%s", body[which][0], xmlns,
			 body[which][1]);

	assert_true(n > 0 && (size_t)n < sizeof(doc_text));
	hf_err_clear(&err);
	*doc = NULL;
	return hf_xml_load((const uint8_t *)doc_text, (size_t)n, which, "F", doc, &err);
}

static void accepted(enum hf_schema which, const char *xmlns)
{
	xmlDoc *doc;

	assert_int_equal(load(which, xmlns, &doc), 0);
	assert_non_null(doc);
	xmlFreeDoc(doc);
}

static void refused(enum hf_schema which, const char *xmlns, const char *msg, const char *hint)
{
	xmlDoc *doc;

	assert_int_equal(load(which, xmlns, &doc), -HF_E_SCHEMA);
	assert_null(doc);
	assert_int_equal(err.code, HF_E_SCHEMA);
	if (!strstr(err.msg, msg) || !strstr(err.hint, hint))
		fail_msg("message '%s', hint '%s'; expected '%s', '%s'", err.msg, err.hint, msg,
			 hint);
}

static const enum hf_schema all[] = { HF_SCHEMA_MANIFEST, HF_SCHEMA_SITE, HF_SCHEMA_HIERARCHY,
				      HF_SCHEMA_INSTALLED };

/* Each format in its own namespace, with a default or a prefixed declaration. */
static void right_namespace_accepted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char xmlns[128];

		snprintf(xmlns, sizeof(xmlns), " xmlns=\"%s\"", hf_xml_namespace(all[i]));
		accepted(all[i], xmlns);
	}
	assert_string_equal(hf_xml_namespace(HF_SCHEMA_SITE), "urn:hotfix:site:1");
	assert_string_equal(hf_xml_namespace(HF_SCHEMA_MANIFEST), "urn:hotfix:manifest:1");
	assert_string_equal(hf_xml_namespace(HF_SCHEMA_HIERARCHY), "urn:hotfix:hierarchy:1");
	assert_string_equal(hf_xml_namespace(HF_SCHEMA_INSTALLED), "urn:hotfix:installed:1");
}

/* Any other namespace: the message names it and the expected one; the hint the root. */
static void wrong_namespace_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char msg[160], hint[160];
		const char *ns = hf_xml_namespace(all[i]);

		snprintf(msg, sizeof(msg), "is in namespace 'urn:x'; expected '%s'", ns);
		snprintf(hint, sizeof(hint), " xmlns=\"%s\">", ns);
		refused(all[i], " xmlns=\"urn:x\"", msg, hint);
		/* the version matters: urn:hotfix:NAME:2 is not read as :1 */
		refused(all[i], " xmlns=\"urn:hotfix:site:2\"", "is in namespace 'urn:hotfix:site:2'",
			hint);
	}
}

/* No namespace: refused for the formats that always had one, with the hint. */
static void no_namespace(void **state)
{
	(void)state;
	refused(HF_SCHEMA_MANIFEST, "",
		"root element <hotfix> is in no namespace; expected 'urn:hotfix:manifest:1'",
		"<hotfix xmlns=\"urn:hotfix:manifest:1\">");
	refused(HF_SCHEMA_HIERARCHY, "",
		"root element <hierarchy> is in no namespace; expected 'urn:hotfix:hierarchy:1'",
		"<hierarchy xmlns=\"urn:hotfix:hierarchy:1\">");
	refused(HF_SCHEMA_INSTALLED, "",
		"root element <installed> is in no namespace; expected 'urn:hotfix:installed:1'",
		"<installed xmlns=\"urn:hotfix:installed:1\">");
	/* a prefixed root in no namespace cannot exist; the same root under a prefix can */
	{
		xmlDoc *doc;
		const char *t = "<s:site xmlns:s=\"urn:hotfix:site:1\" code=\"ABC\" "
				"type=\"central\"><s:product name=\"SMS\" version=\"2003\" "
				"servicepack=\"3\"/></s:site>";

		hf_err_clear(&err);
		assert_int_equal(hf_xml_load((const uint8_t *)t, strlen(t), HF_SCHEMA_SITE, "F",
					     &doc, &err),
				 0);
		xmlFreeDoc(doc);
	}
}

/* site.xml in no namespace (every site made before it had one) is read, and every element
 * of it is then in urn:hotfix:site:1, as if it had been written so. */
static void site_without_namespace_adopted(void **state)
{
	xmlDoc *doc;
	int elements = 0;

	(void)state;
	assert_int_equal(load(HF_SCHEMA_SITE, "", &doc), 0);
	for (xmlNode *n = xmlDocGetRootElement(doc); n;) {
		if (n->type == XML_ELEMENT_NODE) {
			assert_non_null(n->ns);
			assert_string_equal((const char *)n->ns->href, "urn:hotfix:site:1");
			elements++;
		}
		if (n->children) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		n = n ? n->next : NULL;
	}
	assert_int_equal(elements, 7); /* site product services stop arg start arg */
	xmlFreeDoc(doc);
	/* a child in another namespace is not moved: the schema refuses it */
	{
		const char *t = "<site code=\"ABC\" type=\"central\"><product xmlns=\"urn:x\" "
				"name=\"SMS\" version=\"2003\" servicepack=\"3\"/></site>";

		hf_err_clear(&err);
		assert_int_equal(hf_xml_load((const uint8_t *)t, strlen(t), HF_SCHEMA_SITE, "F",
					     &doc, &err),
				 -HF_E_SCHEMA);
		assert_non_null(strstr(err.msg, "does not match site.xsd"));
	}
	/* and the legacy form still has to match the schema */
	{
		const char *t = "<site code=\"ABCD\" type=\"central\"><product name=\"SMS\" "
				"version=\"2003\" servicepack=\"3\"/></site>";

		hf_err_clear(&err);
		assert_int_equal(hf_xml_load((const uint8_t *)t, strlen(t), HF_SCHEMA_SITE, "F",
					     &doc, &err),
				 -HF_E_SCHEMA);
		assert_non_null(strstr(err.msg, "does not match site.xsd"));
	}
}

/* Another format's document where one is expected: named, not "no matching global". */
static void wrong_root_named(void **state)
{
	xmlDoc *doc;
	const char *t = "<installed xmlns=\"urn:hotfix:installed:1\"/>";

	(void)state;
	hf_err_clear(&err);
	assert_int_equal(hf_xml_load((const uint8_t *)t, strlen(t), HF_SCHEMA_SITE, "F", &doc,
				     &err),
			 -HF_E_SCHEMA);
	assert_non_null(strstr(err.msg, "the root element is <installed>; expected <site>"));
	assert_non_null(strstr(err.hint, "<site xmlns=\"urn:hotfix:site:1\">"));
	assert_null(strstr(err.msg, "No matching global"));
}

static int teardown(void **state)
{
	(void)state;
	hf_xml_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(right_namespace_accepted),
		cmocka_unit_test(wrong_namespace_refused),
		cmocka_unit_test(no_namespace),
		cmocka_unit_test(site_without_namespace_adopted),
		cmocka_unit_test(wrong_root_named),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
