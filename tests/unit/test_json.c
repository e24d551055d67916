/* Unit tests of json, the helpers every JSON report uses: a command's output that
 * is not UTF-8 still becomes a string (each byte outside printable ASCII as '?', a
 * newline kept), an absent hash or version is null, and a document is written indented,
 * in insertion order, with a final newline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static void test_any_text(void **state)
{
	json_t *j;

	(void)state;
	j = hf_json_any_text("caf\xc3\xa9 ok\n"); /* UTF-8: as it is */
	assert_string_equal(json_string_value(j), "caf\xc3\xa9 ok\n");
	json_decref(j);
	j = hf_json_any_text("bad \xff\xfe\x01 end\nnext\t");
	assert_string_equal(json_string_value(j), "bad ??? end\nnext?");
	json_decref(j);
}

static void test_or_null(void **state)
{
	uint8_t d[HF_SHA256_LEN];
	struct hf_version v = { { 1, 2, 3, 4 } };
	json_t *j;

	(void)state;
	memset(d, 0xab, sizeof(d));
	j = hf_json_hex_or_null(0, d);
	assert_true(json_is_null(j));
	json_decref(j);
	j = hf_json_hex_or_null(1, d);
	assert_int_equal(strlen(json_string_value(j)), 64);
	assert_true(strncmp(json_string_value(j), "abababab", 8) == 0);
	json_decref(j);
	j = hf_json_version_or_null(0, &v);
	assert_true(json_is_null(j));
	json_decref(j);
	j = hf_json_version_or_null(1, &v);
	assert_string_equal(json_string_value(j), "1.2.3.4");
	json_decref(j);
}

static void test_dump(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	assert_int_equal(hf_json_dump(out, json_pack("{s:s, s:i}", "schema", "urn:x:1", "a", 1)),
			 0);
	assert_int_equal(hf_json_dump(out, NULL), -HF_E_NOMEM); /* jansson ran out */
	assert_int_equal(fclose(out), 0);
	assert_string_equal(buf, "{\n  \"schema\": \"urn:x:1\",\n  \"a\": 1\n}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_text),
		cmocka_unit_test(test_or_null),
		cmocka_unit_test(test_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
