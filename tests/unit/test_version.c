/* Unit tests of version: strict parsing, numeric comparison, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "version.h"

static void test_parse_valid(void **state)
{
	struct hf_version v;
	char buf[HF_VERSION_STRLEN];

	(void)state;
	assert_int_equal(hf_version_parse("2.50.4253.3104", &v, NULL), 0);
	assert_int_equal(v.part[0], 2);
	assert_int_equal(v.part[3], 3104);
	assert_string_equal(hf_version_format(&v, buf), "2.50.4253.3104");
	assert_int_equal(hf_version_parse("65535.65535.65535.65535", &v, NULL), 0);
	assert_string_equal(hf_version_format(&v, buf), "65535.65535.65535.65535");
	assert_int_equal(hf_version_parse("0.0.0.0", &v, NULL), 0);
}

static void test_parse_invalid(void **state)
{
	static const char *const bad[] = { "", "1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3",
					   "1..2.3", "65536.0.0.0", "1.2.3.99999", "-1.2.3.4",
					   "+1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.a",
					   "000001.2.3.4" };
	struct hf_version v;
	struct hf_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hf_version_parse(bad[i], &v, &err) != -HF_E_MALFORMED)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(err.code, HF_E_MALFORMED);
	}
}

static void test_compare_numeric(void **state)
{
	struct hf_version a, b;

	(void)state;
	/* numeric, not textual: 2.50.4253.3102 < 2.50.4253.10000 */
	assert_int_equal(hf_version_parse("2.50.4253.3102", &a, NULL), 0);
	assert_int_equal(hf_version_parse("2.50.4253.10000", &b, NULL), 0);
	assert_true(hf_version_cmp(&a, &b) < 0);
	assert_true(hf_version_cmp(&b, &a) > 0);
	assert_int_equal(hf_version_cmp(&a, &a), 0);
	/* the most significant differing part decides */
	assert_int_equal(hf_version_parse("2.50.4160.9999", &a, NULL), 0);
	assert_int_equal(hf_version_parse("2.50.4253.0", &b, NULL), 0);
	assert_true(hf_version_cmp(&a, &b) < 0);
}

static void test_from_ms_ls(void **state)
{
	struct hf_version v = hf_version_from_ms_ls(0x00020032u, 0x109d0c1eu);
	char buf[HF_VERSION_STRLEN];

	(void)state;
	assert_string_equal(hf_version_format(&v, buf), "2.50.4253.3102");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_compare_numeric),
		cmocka_unit_test(test_from_ms_ls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
