/* Unit tests of report_authenticode: that the lines and the document show the status
 * authenticode decided (an unreadable file as invalid, with its error), '-' and null for
 * what is absent, the issuer chain " <- " split into an array member by member, and every
 * signature of a file in the document.  Results are built in memory, each report written
 * to a memory stream and the JSON parsed back with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "report_authenticode.h"

static struct hf_ac_result res;
static char *buf;
static size_t len;

static int setup(void **state)
{
	(void)state;
	memset(&res, 0, sizeof(res));
	res.status = HF_AC_VALID;
	res.best = 0;
	res.nentries = 1;
	res.nsigs = 2;
	res.sigs[0].status = HF_AC_VALID;
	strcpy(res.sigs[0].signer, "/CN=new signer");
	strcpy(res.sigs[0].chain, "/CN=new sub CA <- /CN=new root");
	strcpy(res.sigs[0].digest, "sha256");
	strcpy(res.sigs[0].timestamp, "2026-12-01T10:00:00Z");
	res.sigs[1].status = HF_AC_UNTRUSTED;
	res.sigs[1].nested = 1;
	strcpy(res.sigs[1].signer, "/CN=old signer");
	strcpy(res.sigs[1].chain, "/CN=old <-root");   /* no " <- ": one member */
	strcpy(res.sigs[1].digest, "sha1");
	strcpy(res.sigs[1].reason, "not trusted");
	buf = NULL;
	len = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(buf);
	return 0;
}

static void test_lines(void **state)
{
	struct hf_ac_row ok = { .path = "a.dll", .ok = 1, .res = &res };
	struct hf_ac_row gone = { .path = "b.dll", .ok = 0 };
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	hf_err_set(&gone.err, HF_E_IO, "b.dll: cannot open: No such file or directory");
	hf_report_ac_line(out, &ok);
	hf_report_ac_reason(out, &ok); /* valid: nothing */
	hf_report_ac_line(out, &gone);
	hf_report_ac_signatures(out, &ok);
	res.status = HF_AC_UNTRUSTED;
	res.best = 1;
	hf_report_ac_line(out, &ok);
	hf_report_ac_reason(out, &ok);
	res.best = -1; /* no signature to name: '-', and the file's own reason */
	res.status = HF_AC_UNSIGNED;
	strcpy(res.reason, "no certificate table: not signed");
	hf_report_ac_line(out, &ok);
	hf_report_ac_reason(out, &ok);
	fclose(out);
	assert_string_equal(
		buf, "a.dll\tvalid\t/CN=new signer\n"
		     "b.dll\tinvalid\t-\n"
		     "a.dll: signature 1 (entry 0, nested 0): valid: /CN=new signer [sha256] issuers "
		     "/CN=new sub CA <- /CN=new root timestamp 2026-12-01T10:00:00Z\n"
		     "a.dll: signature 2 (entry 0, nested 1): untrusted: /CN=old signer [sha1] issuers "
		     "/CN=old <-root timestamp -: not trusted\n"
		     "a.dll\tuntrusted\t/CN=old signer\n"
		     "hotfix: a.dll: untrusted: not trusted\n"
		     "a.dll\tunsigned\t-\n"
		     "hotfix: a.dll: unsigned: no certificate table: not signed\n");
}

static void test_json(void **state)
{
	struct hf_ac_row ok = { .path = "a.dll", .ok = 1, .res = &res };
	struct hf_ac_row gone = { .path = "b\xff.dll", .ok = 0 };
	struct hf_report_ac *doc = hf_report_ac_begin("/etc/pe.pem");
	FILE *out = open_memstream(&buf, &len);
	json_t *j, *f, *s;
	json_error_t e;

	(void)state;
	assert_non_null(doc);
	assert_non_null(out);
	hf_err_set(&gone.err, HF_E_IO, "cannot open");
	assert_int_equal(hf_report_ac_add(doc, &ok), 0);
	assert_int_equal(hf_report_ac_add(doc, &gone), 0);
	assert_int_equal(hf_report_ac_dump(out, doc), 0);
	fclose(out);
	j = json_loads(buf, 0, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "schema")),
			    "urn:hotfix:authenticode:1");
	assert_string_equal(json_string_value(json_object_get(j, "pe_trust")), "/etc/pe.pem");
	assert_int_equal(json_array_size(json_object_get(j, "files")), 2);
	f = json_array_get(json_object_get(j, "files"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "status")), "valid");
	assert_string_equal(json_string_value(json_object_get(f, "signer")), "/CN=new signer");
	assert_true(json_is_null(json_object_get(f, "reason")));
	assert_true(json_is_null(json_object_get(f, "error")));
	assert_int_equal(json_integer_value(json_object_get(f, "entries")), 1);
	assert_int_equal(json_array_size(json_object_get(f, "signatures")), 2);
	s = json_array_get(json_object_get(f, "signatures"), 0);
	assert_int_equal(json_array_size(json_object_get(s, "issuers")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "issuers"), 0)),
			    "/CN=new sub CA");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "issuers"), 1)),
			    "/CN=new root");
	assert_string_equal(json_string_value(json_object_get(s, "timestamp")),
			    "2026-12-01T10:00:00Z");
	assert_true(json_is_null(json_object_get(s, "reason")));
	s = json_array_get(json_object_get(f, "signatures"), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "nested")), 1);
	assert_string_equal(json_string_value(json_object_get(s, "status")), "untrusted");
	assert_int_equal(json_array_size(json_object_get(s, "issuers")), 1);
	assert_true(json_is_null(json_object_get(s, "timestamp")));
	assert_string_equal(json_string_value(json_object_get(s, "reason")), "not trusted");
	f = json_array_get(json_object_get(j, "files"), 1);
	assert_string_equal(json_string_value(json_object_get(f, "path")), "b?.dll");
	assert_string_equal(json_string_value(json_object_get(f, "status")), "invalid");
	assert_true(json_is_null(json_object_get(f, "signer")));
	assert_int_equal(json_array_size(json_object_get(f, "signatures")), 0);
	assert_string_equal(json_string_value(json_object_get(f, "error")), "cannot open");
	assert_string_equal(json_string_value(json_object_get(f, "error_code")), "io");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
