/* Unit tests of installed (and err): registry parsing, and error records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "installed.h"
#include "xml.h"

#define H1 "e062296618abf43a2e6c9b5c79ca2a185a8f742e635ed8a9d052d929459093d4"

static void test_parse(void **state)
{
	static const char xml[] =
		"<installed xmlns=\"urn:hotfix:installed:1\">"
		"<hotfix id=\"KB1\" revision=\"2\" manifest-sha256=\"" H1 "\" "
		"time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"bin/a.dll\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" "
		"new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix>"
		"<hotfix id=\"KB2\" revision=\"1\" manifest-sha256=\"" H1 "\" "
		"time=\"2026-11-28T11:00:00Z\">"
		"<file path=\"bin/b.dll\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" "
		"new-version=\"3.0.0.1\" new-sha256=\"" H1 "\"/></hotfix></installed>";
	struct hf_installed *inst = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(hf_installed_parse((const uint8_t *)xml, strlen(xml), "i.xml", &inst, &err),
			 0);
	assert_int_equal(inst->n, 2);
	assert_string_equal(inst->hotfixes[1].id, "KB2");
	assert_int_equal(inst->hotfixes[0].revision, 2);
	assert_int_equal(inst->hotfixes[1].files[0].new_version.part[0], 3);
	assert_int_equal(inst->hotfixes[0].files[0].old_sha256[0], 0xe0);
	hf_installed_free(inst);
}

static void test_refused(void **state)
{
	static const char dup[] =
		"<installed xmlns=\"urn:hotfix:installed:1\">"
		"<hotfix id=\"KB1\" revision=\"1\" manifest-sha256=\"" H1 "\" time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"a\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix>"
		"<hotfix id=\"KB1\" revision=\"1\" manifest-sha256=\"" H1 "\" time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"a\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix>"
		"</installed>";
	static const char wrongns[] = "<installed/>";
	struct hf_installed *inst = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(hf_installed_parse((const uint8_t *)dup, strlen(dup), "d.xml", &inst, &err),
			 -HF_E_SCHEMA);
	assert_non_null(strstr(err.msg, "one-entry-per-hotfix"));
	assert_int_equal(hf_installed_parse((const uint8_t *)wrongns, strlen(wrongns), "w.xml",
					    &inst, &err),
			 -HF_E_SCHEMA);
	assert_null(inst);
}

static void test_err_record(void **state)
{
	struct hf_err err;
	char longer[2000];

	(void)state;
	assert_int_equal(hf_err_set(&err, HF_E_HASH, "file %s", "x"), -HF_E_HASH);
	assert_int_equal(hf_err_prefix(&err, "%s: ", "SEC"), -HF_E_HASH);
	assert_string_equal(err.msg, "SEC: file x");
	assert_int_equal(hf_exit_code(HF_E_HASH), 4);
	assert_int_equal(hf_exit_code(HF_E_NOTAPPLICABLE), 3);
	assert_int_equal(hf_exit_code(HF_E_CONFLICT), 1);
	assert_int_equal(hf_exit_code(HF_E_USAGE), 2);
	assert_int_equal(hf_exit_code(HF_E_BUSY), 5);
	assert_int_equal(hf_exit_code(HF_OK), 0);
	assert_string_equal(hf_code_name(HF_E_SIGNATURE), "signature");
	/* prefixing never overflows and keeps the prefix */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	hf_err_set(&err, HF_E_IO, "%s", longer);
	hf_err_prefix(&err, "PRE: ");
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "PRE: aaa", 8);
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
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_err_record),
	};

	return cmocka_run_group_tests(tests, NULL, cleanup);
}
