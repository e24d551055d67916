/* Unit tests of name: the safe-path and safe-id predicates, at and just past each bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "name.h"

static void test_path_forms(void **state)
{
	static const char *const good[] = {"Distmgr.dll", "bin/i386/Distmgr.dll", "a b/c",
					   "..x/y", "x../y", "a.b/.c"};
	static const char *const bad[] = {"", "/abs", "a//b", "a/./b", "./a", "a/..", "../a",
					  "a/", "a\\b", "C:x", "a\x01", "a\x7f", "a/\x1f"};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!hf_name_safe_path(good[i]))
			fail_msg("refused '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hf_name_safe_path(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
}

static void test_path_bounds(void **state)
{
	char p[HF_NAME_PATH_MAX + 2];
	size_t n = 0;

	(void)state;
	memset(p, 'a', HF_NAME_PATH_MAX);
	p[HF_NAME_PATH_MAX] = '\0';
	assert_true(hf_name_safe_path(p));
	p[HF_NAME_PATH_MAX] = 'a';
	p[HF_NAME_PATH_MAX + 1] = '\0';
	assert_false(hf_name_safe_path(p));
	for (int i = 0; i < HF_NAME_DEPTH_MAX; i++)
		n += (size_t)snprintf(p + n, sizeof(p) - n, "%sd", i ? "/" : "");
	assert_true(hf_name_safe_path(p));
	snprintf(p + n, sizeof(p) - n, "/d");
	assert_false(hf_name_safe_path(p));
}

static void test_ids(void **state)
{
	char id[80];

	(void)state;
	assert_true(hf_name_safe_id("KB936465"));
	assert_true(hf_name_safe_id("0.a_b-c"));
	assert_false(hf_name_safe_id(""));
	assert_false(hf_name_safe_id(".KB"));
	assert_false(hf_name_safe_id("-KB"));
	assert_false(hf_name_safe_id("KB/1"));
	assert_false(hf_name_safe_id("KB 1"));
	memset(id, 'K', 64);
	id[64] = '\0';
	assert_true(hf_name_safe_id(id));
	id[64] = 'K';
	id[65] = '\0';
	assert_false(hf_name_safe_id(id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_forms),
		cmocka_unit_test(test_path_bounds),
		cmocka_unit_test(test_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
