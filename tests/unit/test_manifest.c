/* Unit tests of manifest (and xml): the KB936465 manifest, schema errors, unsafe paths,
 * paths that differ only in case, DOCTYPE/entities, size limit, the file and file-set
 * caps, load with and without signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fileio.h"
#include "manifest.h"
#include "name.h"
#include "xml.h"

#define KB "manifests/KB936465.xml" /* tests run from the repository root */

static const char head[] =
	"<hotfix xmlns=\"urn:hotfix:manifest:1\" id=\"T1\" revision=\"3\"><title>t</title>"
	"<product name=\"SMS\" version=\"2003\"/><restart required=\"false\"/>"
	"<payload href=\"p.cab\" size=\"10\" sha256=\""
	"0000000000000000000000000000000000000000000000000000000000000000\"/>";
static const char sha[] = "1111111111111111111111111111111111111111111111111111111111111111";

/* Parse head + middle + "</hotfix>". */
static int parse(const char *middle, struct hf_manifest **m, struct hf_err *err)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s%s</hotfix>", head, middle);
	return hf_manifest_parse((const uint8_t *)buf, strlen(buf), "dir/t.xml", m, err);
}

/* A <file> element into buf (256 bytes). */
static char *file(char *buf, const char *path, const char *version)
{
	snprintf(buf, 256,
		 "<file path=\"%s\" source=\"s/%s\" version=\"%s\" size=\"5\" sha256=\"%s\"/>",
		 path, "x.dll", version, sha);
	return buf;
}

static void test_kb936465(void **state)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;
	uint8_t *buf = NULL;
	size_t len = 0;
	char sps[32];
	const struct hf_fileset *s;

	(void)state;
	assert_int_equal(hf_read_file(KB, HF_MANIFEST_MAX, &buf, &len, NULL, &err), 0);
	assert_int_equal(hf_manifest_parse(buf, len, KB, &m, &err), 0);
	assert_string_equal(m->id, "KB936465");
	assert_int_equal(m->revision, 1);
	assert_int_equal(m->restart_required, 0);
	assert_string_equal(m->payload_path, "manifests/../payloads/KB936465.cab");
	assert_int_equal(m->nsets, 2);
	assert_string_equal(hf_manifest_servicepacks(m, sps, sizeof(sps)), "2, 3");
	s = hf_manifest_fileset(m, 3);
	assert_non_null(s);
	assert_int_equal(s->nfiles, 3);
	assert_string_equal(s->files[2].path, "bin/i386/Distmgr.dll");
	assert_int_equal(s->files[2].size, 421888);
	assert_int_equal(s->files[2].version.part[3], 3104);
	assert_null(hf_manifest_fileset(m, 1));
	hf_manifest_free(m);
	free(buf);
}

static void expect_schema_error(const char *middle, const char *part)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;
	int r = parse(middle, &m, &err);

	assert_null(m);
	if (r != -HF_E_SCHEMA && r != -HF_E_MALFORMED)
		fail_msg("'%s' gave %d", middle, r);
	if (part && !strstr(err.msg, part))
		fail_msg("message '%s' lacks '%s'", err.msg, part);
}

static void test_schema_errors(void **state)
{
	char two[4096], f1[256], f2[256];

	(void)state;
	expect_schema_error("", "fileset"); /* at least one file set */
	expect_schema_error("<fileset servicepack=\"3\" platform=\"x86\"></fileset>", NULL);
	expect_schema_error("<fileset servicepack=\"3\" platform=\"x86\">"
			    "<file path=\"a\" source=\"b\" version=\"1.2.3\" size=\"1\" sha256=\"00\"/>"
			    "</fileset>",
			    "manifest.xsd");
	expect_schema_error("<fileset servicepack=\"100\" platform=\"x86\"></fileset>", NULL);
	snprintf(two, sizeof(two),
		 "<fileset servicepack=\"3\" platform=\"x86\">%s</fileset>"
		 "<fileset servicepack=\"3\" platform=\"x86\">%s</fileset>",
		 file(f1, "a/b.dll", "1.0.0.0"), file(f2, "a/c.dll", "1.0.0.0"));
	expect_schema_error(two, "one-fileset-per-servicepack");
	snprintf(two, sizeof(two), "<fileset servicepack=\"3\" platform=\"x86\">%s%s</fileset>",
		 file(f1, "a/b.dll", "1.0.0.0"), file(f2, "a/b.dll", "2.0.0.0"));
	expect_schema_error(two, "one-entry-per-path");
}

static void test_unsafe_paths(void **state)
{
	static const char *const bad[] = { "../x.dll", "/etc/passwd", "a/../../x", "a//b",
					   "a/./b", "a\\b", "C:/x", "a/", ".hidden/x" };
	char mid[2048], f[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(mid, sizeof(mid), "<fileset servicepack=\"3\" platform=\"x86\">%s</fileset>",
			 file(f, bad[i], "1.0.0.0"));
		expect_schema_error(mid, NULL);
		if (hf_name_safe_path(bad[i]) && bad[i][0] != '.')
			fail_msg("hf_name_safe_path accepted '%s'", bad[i]);
	}
	assert_true(hf_name_safe_path("bin/i386/Distmgr.dll"));
	assert_false(hf_name_safe_path(""));
	assert_false(hf_name_safe_path("a/.."));
	assert_false(hf_name_safe_path("a\x01"));
}

static void test_case_duplicates(void **state)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;
	char mid[4096], f1[256], f2[256], f3[256];

	(void)state;
	snprintf(mid, sizeof(mid), "<fileset servicepack=\"3\" platform=\"x86\">%s%s%s</fileset>",
		 file(f1, "bin/A.dll", "1.0.0.0"), file(f2, "bin/b.dll", "1.0.0.0"),
		 file(f3, "BIN/a.DLL", "1.0.0.0"));
	assert_int_equal(parse(mid, &m, &err), -HF_E_MALFORMED);
	assert_null(m);
	assert_non_null(strstr(err.msg, "file set SP3: paths bin/A.dll and BIN/a.DLL differ "
					"only in case"));
	/* the same path in two file sets (two service packs) is fine, and so is a case
	 * difference between file sets: only one of them applies to a site */
	snprintf(mid, sizeof(mid),
		 "<fileset servicepack=\"2\" platform=\"x86\">%s</fileset>"
		 "<fileset servicepack=\"3\" platform=\"x86\">%s%s</fileset>",
		 file(f1, "bin/A.dll", "1.0.0.0"), file(f2, "bin/a.dll", "1.0.0.0"),
		 file(f3, "bin/b.dll", "1.0.0.0"));
	assert_int_equal(parse(mid, &m, &err), 0);
	hf_manifest_free(m);
}

/* A manifest of nsets file sets of nfiles files each. */
static int parse_many(int nsets, int nfiles, struct hf_manifest **m, struct hf_err *err)
{
	size_t cap = sizeof(head) + (size_t)nsets * ((size_t)nfiles * 256 + 100) + 16, used;
	char *buf = malloc(cap), f[256];
	int r;

	assert_non_null(buf);
	used = (size_t)snprintf(buf, cap, "%s", head);
	for (int i = 0; i < nsets; i++) {
		used += (size_t)snprintf(buf + used, cap - used,
					 "<fileset servicepack=\"%d\" platform=\"x86\">", i);
		for (int j = 0; j < nfiles; j++) {
			char path[32];

			snprintf(path, sizeof(path), "bin/f%d.dll", j);
			used += (size_t)snprintf(buf + used, cap - used, "%s",
						 file(f, path, "1.0.0.0"));
		}
		used += (size_t)snprintf(buf + used, cap - used, "</fileset>");
	}
	used += (size_t)snprintf(buf + used, cap - used, "</hotfix>");
	assert_true(used < cap);
	r = hf_manifest_parse((const uint8_t *)buf, used, "dir/t.xml", m, err);
	free(buf);
	return r;
}

static void test_caps_named(void **state)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(parse_many(1, HF_FILESET_FILES_MAX, &m, &err), 0);
	assert_int_equal(m->sets[0].nfiles, HF_FILESET_FILES_MAX);
	hf_manifest_free(m);
	m = NULL;
	assert_int_equal(parse_many(2, HF_FILESET_FILES_MAX + 1, &m, &err), -HF_E_SIZE);
	assert_null(m);
	assert_non_null(strstr(err.msg, "more than 256 files in file set SP0 (the limit)"));
	assert_int_equal(parse_many(HF_MANIFEST_SETS_MAX, 1, &m, &err), 0);
	hf_manifest_free(m);
	m = NULL;
	assert_int_equal(parse_many(HF_MANIFEST_SETS_MAX + 1, 1, &m, &err), -HF_E_SIZE);
	assert_non_null(strstr(err.msg, "more than 32 file sets (the limit)"));
}

static void test_doctype_refused(void **state)
{
	static const char evil[] =
		"<?xml version=\"1.0\"?><!DOCTYPE hotfix [<!ENTITY a \"aaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><hotfix>&b;</hotfix>";
	static const char xxe[] = "<?xml version=\"1.0\"?><!DOCTYPE h SYSTEM "
				  "\"http://example.invalid/x.dtd\"><h/>";
	struct hf_manifest *m = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(hf_manifest_parse((const uint8_t *)evil, strlen(evil), "e.xml", &m, &err),
			 -HF_E_SCHEMA);
	assert_non_null(strstr(err.msg, "DOCTYPE is not allowed"));
	assert_int_equal(hf_manifest_parse((const uint8_t *)xxe, strlen(xxe), "x.xml", &m, &err),
			 -HF_E_SCHEMA);
	assert_non_null(strstr(err.msg, "DOCTYPE"));
	assert_null(m);
}

static void test_not_xml_and_size(void **state)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;
	size_t big = HF_MANIFEST_MAX + 1;
	uint8_t *buf = calloc(1, big);

	(void)state;
	assert_int_equal(hf_manifest_parse((const uint8_t *)"<a", 2, "n.xml", &m, &err),
			 -HF_E_SCHEMA);
	assert_non_null(strstr(err.msg, "not well-formed"));
	assert_int_equal(hf_manifest_parse(buf, big, "big.xml", &m, &err), -HF_E_SIZE);
	free(buf);
}

static void test_valid_minimal(void **state)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;
	char mid[2048], f[256];

	(void)state;
	snprintf(mid, sizeof(mid), "<fileset servicepack=\"0\" platform=\"x86\">%s</fileset>",
		 file(f, "x.dll", "65535.0.0.1"));
	assert_int_equal(parse(mid, &m, &err), 0);
	assert_string_equal(m->payload_path, "dir/p.cab");
	assert_int_equal(m->revision, 3);
	assert_int_equal(m->sets[0].files[0].version.part[0], 65535);
	assert_int_equal(m->sets[0].files[0].sha256[0], 0x11);
	hf_manifest_free(m);
}

/* A manifest with elem (e.g. an <authenticode/>) between <restart> and <payload>. */
static int parse_policy(const char *elem, struct hf_manifest **m, struct hf_err *err)
{
	char buf[8192], f[256];

	snprintf(buf, sizeof(buf),
		 "<hotfix xmlns=\"urn:hotfix:manifest:1\" id=\"T1\" revision=\"3\"><title>t</title>"
		 "<product name=\"SMS\" version=\"2003\"/><restart required=\"false\"/>%s"
		 "<payload href=\"p.cab\" size=\"10\" sha256=\""
		 "0000000000000000000000000000000000000000000000000000000000000000\"/>"
		 "<fileset servicepack=\"3\" platform=\"x86\">%s</fileset></hotfix>",
		 elem, file(f, "x.dll", "1.0.0.1"));
	return hf_manifest_parse((const uint8_t *)buf, strlen(buf), "dir/t.xml", m, err);
}

/* <authenticode required="..."/>: true (and 1, and xs:boolean's whitespace), false (and
 * 0), absent; a bad value, a missing attribute, the element elsewhere or twice: schema
 * errors, never a silent "not required". */
static void test_authenticode_policy(void **state)
{
	static const struct {
		const char *elem;
		int required;
	} ok[] = {
		{ "<authenticode required=\"true\"/>", 1 },
		{ "<authenticode required=\"1\"/>", 1 },
		{ "<authenticode required=\" true \"/>", 1 },
		{ "<authenticode required=\"false\"/>", 0 },
		{ "<authenticode required=\"0\"/>", 0 },
		{ "", 0 },
	};
	static const char *const bad[] = {
		"<authenticode required=\"yes\"/>",
		"<authenticode required=\"TRUE\"/>",
		"<authenticode required=\"\"/>",
		"<authenticode/>",
		"<authenticode required=\"true\"/><authenticode required=\"true\"/>",
		"<authenticode required=\"true\" strict=\"1\"/>",
	};
	struct hf_manifest *m = NULL;
	struct hf_err err;
	int r;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		r = parse_policy(ok[i].elem, &m, &err);
		if (r)
			fail_msg("'%s' gave %d: %s", ok[i].elem, r, err.msg);
		if (m->authenticode_required != ok[i].required)
			fail_msg("'%s': required %d", ok[i].elem, m->authenticode_required);
		hf_manifest_free(m);
		m = NULL;
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse_policy(bad[i], &m, &err);
		assert_null(m);
		if (r != -HF_E_SCHEMA)
			fail_msg("'%s' gave %d, not a schema error", bad[i], r);
	}
	/* before <restart>: out of its place */
	{
		char buf[8192], f[256];

		snprintf(buf, sizeof(buf),
			 "<hotfix xmlns=\"urn:hotfix:manifest:1\" id=\"T1\" revision=\"3\">"
			 "<title>t</title><product name=\"SMS\" version=\"2003\"/>"
			 "<authenticode required=\"true\"/><restart required=\"false\"/>"
			 "<payload href=\"p.cab\" size=\"10\" sha256=\""
			 "0000000000000000000000000000000000000000000000000000000000000000\"/>"
			 "<fileset servicepack=\"3\" platform=\"x86\">%s</fileset></hotfix>",
			 file(f, "x.dll", "1.0.0.1"));
		assert_int_equal(hf_manifest_parse((const uint8_t *)buf, strlen(buf), "dir/t.xml",
						   &m, &err),
				 -HF_E_SCHEMA);
		assert_null(m);
	}
}

static void test_load_signature_required(void **state)
{
	struct hf_trust t = { "manifests/demo-pki/demo-ca.pem", 0, 0 };
	struct hf_trust skip = { "/nonexistent", 1, 0 };
	struct hf_manifest *m = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(hf_manifest_load(KB, &t, &m, &err), 0);
	assert_false(m->signature_skipped);
	assert_non_null(strstr(m->signer, "demo hotfix manifest signer"));
	hf_manifest_free(m);
	assert_int_equal(hf_manifest_load(KB, &skip, &m, &err), 0);
	assert_true(m->signature_skipped);
	hf_manifest_free(m);
	/* the site XSD is not a manifest and has no signature */
	assert_int_equal(hf_manifest_load("manifests/site.xsd", &t, &m, &err), -HF_E_SIGNATURE);
	assert_non_null(strstr(err.msg, "no signature"));
	assert_int_equal(hf_manifest_load("nonexistent.xml", &t, &m, &err), -HF_E_IO);
}

static int cleanup(void **state)
{
	(void)state;
	hf_xml_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kb936465),        cmocka_unit_test(test_schema_errors),
		cmocka_unit_test(test_unsafe_paths),    cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_not_xml_and_size), cmocka_unit_test(test_valid_minimal),
		cmocka_unit_test(test_load_signature_required),
		cmocka_unit_test(test_authenticode_policy),
		cmocka_unit_test(test_case_duplicates), cmocka_unit_test(test_caps_named),
	};

	return cmocka_run_group_tests(tests, NULL, cleanup);
}
