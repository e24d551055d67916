/* Unit tests of plan (with site): every row of the decision table, on real files in a
 * temporary site, plus not-applicable and site.xml rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hash.h"
#include "manifest.h"
#include "pegen.h"
#include "plan.h"
#include "site.h"
#include "xml.h"

static char root[64];

static void put(const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void site_xml(const char *attrs, unsigned sp)
{
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "<site %s><product name=\"SMS\" version=\"2003\" servicepack=\"%u\"/></site>",
		 attrs, sp);
	put("site.xml", buf, strlen(buf));
}

/* A DLL with file version 1.0.0.<v>, padded by pad bytes; returns its size. */
static size_t dll(const char *rel, uint16_t v, size_t pad, uint8_t sha[HF_SHA256_LEN])
{
	static uint8_t img[1 << 16];
	struct pegen_opts o = { .fv_ms = 0x00010000, .fv_ls = v, .pv_ms = 0x00010000,
				.pv_ls = v, .overlay = pad };
	size_t n = pegen_build(&o, img, sizeof(img), NULL);

	assert_true(n > 0);
	put(rel, img, n);
	if (sha)
		assert_int_equal(hf_sha256_buf(img, n, sha, NULL), 0);
	return n;
}

static void add_file(char *xml, size_t cap, const char *rel, uint16_t v, size_t size,
		     const uint8_t sha[HF_SHA256_LEN])
{
	char hex[HF_SHA256_HEX];
	size_t used = strlen(xml);

	snprintf(xml + used, cap - used,
		 "<file path=\"%s\" source=\"src/%s\" version=\"1.0.0.%u\" size=\"%zu\" "
		 "sha256=\"%s\"/>",
		 rel, rel, (unsigned)v, size, hf_sha256_hex(sha, hex));
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	strcpy(root, "/tmp/hotfix-plan-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/bin", root);
	assert_int_equal(mkdir(path, 0755), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	hf_xml_cleanup();
	return 0;
}

static void test_decision_table(void **state)
{
	uint8_t sha[HF_SHA256_LEN], other[HF_SHA256_LEN];
	char xml[8192] = "<hotfix xmlns=\"urn:hotfix:manifest:1\" id=\"T\" revision=\"1\">"
			 "<title>t</title><product name=\"SMS\" version=\"2003\"/>"
			 "<restart required=\"false\"/><payload href=\"p.cab\" size=\"1\" "
			 "sha256=\"0000000000000000000000000000000000000000000000000000000000000000\"/>"
			 "<fileset servicepack=\"3\" platform=\"x86\">";
	struct hf_manifest *m = NULL;
	struct hf_site *site = NULL;
	struct hf_plan *p = NULL;
	struct hf_err err;
	char target[128], link[128];
	size_t n;

	(void)state;
	site_xml("code=\"CEN\" type=\"central\"", 3);
	/* install: 1.0.0.1 installed, 1.0.0.5 in the hotfix */
	dll("bin/a.dll", 1, 0, NULL);
	n = dll("bin/a.new", 5, 0, sha);
	add_file(xml, sizeof(xml), "bin/a.dll", 5, n, sha);
	/* current: the hotfix's own bytes */
	n = dll("bin/b.dll", 5, 0, sha);
	add_file(xml, sizeof(xml), "bin/b.dll", 5, n, sha);
	/* conflict (modified): same version, other bytes */
	dll("bin/c.dll", 5, 100, other);
	n = dll("bin/c.new", 5, 0, sha);
	add_file(xml, sizeof(xml), "bin/c.dll", 5, n, sha);
	/* newer: never downgrade */
	dll("bin/d.dll", 9, 0, NULL);
	add_file(xml, sizeof(xml), "bin/d.dll", 5, n, sha);
	/* conflict (missing) */
	add_file(xml, sizeof(xml), "bin/e.dll", 5, n, sha);
	/* conflict (not a PE image) */
	put("bin/f.dll", "text", 4);
	add_file(xml, sizeof(xml), "bin/f.dll", 5, n, sha);
	/* same version and size, other bytes (one byte of the overlay): seen only by hashing */
	dll("bin/h.dll", 5, 100, NULL);
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/bin/h.dll", root);
		f = fopen(path, "r+b");
		assert_non_null(f);
		assert_int_equal(fseek(f, -1, SEEK_END), 0);
		assert_int_equal(fputc(0x5a, f), 0x5a);
		fclose(f);
	}
	n = dll("bin/h.new", 5, 100, sha);
	add_file(xml, sizeof(xml), "bin/h.dll", 5, n, sha);
	n = dll("bin/c.new", 5, 0, sha);
	/* conflict (symlink: not followed) */
	snprintf(target, sizeof(target), "%s/bin/b.dll", root);
	snprintf(link, sizeof(link), "%s/bin/g.dll", root);
	assert_int_equal(symlink(target, link), 0);
	add_file(xml, sizeof(xml), "bin/g.dll", 5, n, sha);
	strcat(xml, "</fileset></hotfix>");

	assert_int_equal(hf_manifest_parse((const uint8_t *)xml, strlen(xml), "t.xml", &m, &err),
			 0);
	assert_int_equal(hf_site_open(root, &site, &err), 0);
	assert_int_equal(hf_plan_make(m, site, HF_HASH_EQUAL, &p, &err), 0);
	assert_int_equal(p->n, 8);
	assert_int_equal(p->items[0].action, HF_ACT_INSTALL);
	assert_int_equal(p->items[1].action, HF_ACT_CURRENT);
	assert_int_equal(p->items[2].action, HF_ACT_CONFLICT);
	assert_non_null(strstr(p->items[2].reason, "modified"));
	assert_int_equal(p->items[3].action, HF_ACT_NEWER);
	assert_int_equal(p->items[4].action, HF_ACT_CONFLICT);
	assert_non_null(strstr(p->items[4].reason, "missing"));
	assert_int_equal(p->items[5].action, HF_ACT_CONFLICT);
	assert_non_null(strstr(p->items[5].reason, "no readable version"));
	assert_int_equal(p->items[6].action, HF_ACT_CONFLICT);
	assert_non_null(strstr(p->items[6].reason, "modified"));
	assert_int_equal(p->items[7].action, HF_ACT_CONFLICT);
	assert_non_null(strstr(p->items[7].reason, "symbolic link"));
	assert_int_equal(p->count[HF_ACT_CONFLICT], 5);
	/* only the equal-version files were hashed */
	assert_false(p->items[0].hashed);
	assert_true(p->items[1].hashed);
	assert_memory_equal(p->items[2].sha256, other, HF_SHA256_LEN);
	hf_plan_free(p);

	/* Without hashes an equal version and size counts as current; a size other than the
	 * manifest's is seen anyway (fstat); with all, everything is hashed. */
	assert_int_equal(hf_plan_make(m, site, HF_HASH_NONE, &p, &err), 0);
	assert_int_equal(p->items[1].action, HF_ACT_CURRENT);
	assert_int_equal(p->items[2].action, HF_ACT_CONFLICT);
	assert_false(p->items[2].hashed);
	assert_non_null(strstr(p->items[2].reason, "modified: version 1.0.0.5 as expected but "
						  "size "));
	assert_non_null(strstr(p->items[2].reason, ", the hotfix's is "));
	assert_int_equal(p->items[6].action, HF_ACT_CURRENT); /* same size: needs the hash */
	assert_false(p->items[1].hashed);
	hf_plan_free(p);
	assert_int_equal(hf_plan_make(m, site, HF_HASH_ALL, &p, &err), 0);
	assert_true(p->items[0].hashed && p->items[3].hashed);
	assert_false(p->items[4].hashed);
	hf_plan_free(p);
	hf_site_free(site);

	/* Not applicable: another service pack; another product. */
	site_xml("code=\"PRI\" type=\"primary\" parent=\"CEN\"", 1);
	assert_int_equal(hf_site_open(root, &site, &err), 0);
	assert_int_equal(hf_plan_make(m, site, HF_HASH_EQUAL, &p, &err), -HF_E_NOTAPPLICABLE);
	assert_null(p);
	assert_non_null(strstr(err.msg, "it applies to service pack 3"));
	hf_site_free(site);
	put("site.xml",
	    "<site code=\"CEN\" type=\"central\"><product name=\"SCCM\" version=\"2007\" "
	    "servicepack=\"3\"/></site>",
	    strlen("<site code=\"CEN\" type=\"central\"><product name=\"SCCM\" "
		   "version=\"2007\" servicepack=\"3\"/></site>"));
	assert_int_equal(hf_site_open(root, &site, &err), 0);
	assert_int_equal(hf_plan_make(m, site, HF_HASH_EQUAL, &p, &err), -HF_E_NOTAPPLICABLE);
	assert_non_null(strstr(err.msg, "this site runs SCCM 2007"));
	hf_site_free(site);
	hf_manifest_free(m);
}

static void test_site_rules(void **state)
{
	static const struct {
		const char *attrs;
		int code;
		const char *part;
	} cases[] = {
		{ "code=\"CEN\" type=\"central\"", 0, NULL },
		{ "code=\"SEC\" type=\"secondary\" parent=\"PRI\"", 0, NULL },
		{ "code=\"CEN\" type=\"central\" parent=\"XYZ\"", HF_E_MALFORMED, "names a parent" },
		{ "code=\"PRI\" type=\"primary\"", HF_E_MALFORMED, "has no parent" },
		{ "code=\"TOOLONG\" type=\"central\"", HF_E_SCHEMA, "site.xsd" },
		{ "code=\"C-N\" type=\"central\"", HF_E_SCHEMA, "site.xsd" },
		{ "code=\"CEN\" type=\"tertiary\"", HF_E_SCHEMA, "site.xsd" },
	};
	struct hf_site *site = NULL;
	struct hf_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		site_xml(cases[i].attrs, 2);
		r = hf_site_open(root, &site, &err);
		if (r != -cases[i].code)
			fail_msg("%s: got %d (%s)", cases[i].attrs, r, err.msg);
		if (cases[i].part && !strstr(err.msg, cases[i].part))
			fail_msg("%s: message '%s'", cases[i].attrs, err.msg);
		hf_site_free(site);
		site = NULL;
	}
	assert_int_equal(hf_site_open("/nonexistent-site", &site, &err), -HF_E_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision_table),
		cmocka_unit_test(test_site_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
