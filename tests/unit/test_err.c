/* Unit tests of err: the table from error codes to exit statuses and short names
 * (doc/DESIGN.md "Exit codes", hotfix(1) EXIT STATUS).  The exit statuses are an
 * interface -- scripts branch on them -- so the expected table is written out here, by
 * name and by number, and every code of enum hf_code must have its row. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

static const struct {
	enum hf_code code;
	const char *name;
	enum hf_exit exit;
} want[] = {
	{ HF_OK, "ok", HF_EXIT_OK },
	{ HF_E_NOMEM, "nomem", HF_EXIT_FAILED },
	{ HF_E_IO, "io", HF_EXIT_UNUSABLE },
	{ HF_E_USAGE, "usage", HF_EXIT_USAGE },
	{ HF_E_SIGNATURE, "signature", HF_EXIT_UNUSABLE },
	{ HF_E_SCHEMA, "schema", HF_EXIT_UNUSABLE },
	{ HF_E_MALFORMED, "malformed", HF_EXIT_UNUSABLE },
	{ HF_E_HASH, "hash", HF_EXIT_UNUSABLE },
	{ HF_E_SIZE, "size", HF_EXIT_UNUSABLE },
	{ HF_E_NOTPE, "not-pe", HF_EXIT_UNUSABLE },
	{ HF_E_NOVERSION, "no-version", HF_EXIT_UNUSABLE },
	{ HF_E_NOTAPPLICABLE, "not-applicable", HF_EXIT_NOTAPPLICABLE },
	{ HF_E_CONFLICT, "conflict", HF_EXIT_FAILED },
	{ HF_E_NONCOMPLIANT, "noncompliant", HF_EXIT_FAILED },
	{ HF_E_BUSY, "busy", HF_EXIT_BUSY },
	{ HF_E_TXN, "failed", HF_EXIT_FAILED },
	{ HF_E_STALE, "stale", HF_EXIT_UNUSABLE },
	{ HF_E_HOOK, "hook", HF_EXIT_FAILED },
	{ HF_E_UNSAFE, "unsafe", HF_EXIT_UNUSABLE },
	{ HF_E_INCOMPLETE, "incomplete", HF_EXIT_INCOMPLETE },
	{ HF_E_INTR, "interrupted", HF_EXIT_SIGNAL_BASE + SIGINT },
	{ HF_E_ACCESS, "access", HF_EXIT_UNUSABLE },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

/* The names stand for the numbers the manual documents. */
static void test_exit_values(void **state)
{
	(void)state;
	assert_int_equal(HF_EXIT_OK, 0);
	assert_int_equal(HF_EXIT_FAILED, 1);
	assert_int_equal(HF_EXIT_USAGE, 2);
	assert_int_equal(HF_EXIT_NOTAPPLICABLE, 3);
	assert_int_equal(HF_EXIT_UNUSABLE, 4);
	assert_int_equal(HF_EXIT_BUSY, 5);
	assert_int_equal(HF_EXIT_PARTIAL, 6);
	assert_int_equal(HF_EXIT_INCOMPLETE, 7);
	assert_int_equal(HF_EXIT_SIGNAL_BASE, 128);
	assert_int_equal(HF_EXIT_SIGNAL_BASE + SIGINT, 130);
}

/* Each code maps to its named status and its short name. */
static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NWANT; i++) {
		assert_int_equal(hf_exit_code(want[i].code), want[i].exit);
		assert_string_equal(hf_code_name(want[i].code), want[i].name);
		for (size_t k = 0; k < i; k++) /* a name says one code */
			assert_string_not_equal(want[i].name, want[k].name);
	}
}

/* Every code of enum hf_code has its row: a new code without one would show here. */
static void test_every_code(void **state)
{
	(void)state;
	assert_int_equal(NWANT, 1 + (HF_E_LAST - HF_E_NOMEM + 1));
	for (int c = HF_E_NOMEM; c <= HF_E_LAST; c++) {
		size_t i = 0;

		while (i < NWANT && (int)want[i].code != c)
			i++;
		assert_true(i < NWANT);
		assert_string_not_equal(hf_code_name((enum hf_code)c), "unknown");
	}
}

/* A code outside the table: failed (1), "unknown". */
static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(hf_exit_code((enum hf_code)(HF_E_LAST + 1)), HF_EXIT_FAILED);
	assert_int_equal(hf_exit_code((enum hf_code)7), HF_EXIT_FAILED);
	assert_string_equal(hf_code_name((enum hf_code)(HF_E_LAST + 1)), "unknown");
}

/* hf_err_set returns -code and records it; hf_err_prefix keeps the code. */
static void test_record(void **state)
{
	struct hf_err err;

	(void)state;
	hf_err_clear(&err);
	assert_int_equal(err.code, HF_OK);
	assert_int_equal(hf_err_set(&err, HF_E_BUSY, "site %s", "SEC"), -(int)HF_E_BUSY);
	assert_int_equal(hf_exit_code(err.code), HF_EXIT_BUSY);
	assert_int_equal(hf_err_prefix(&err, "apply: "), -(int)HF_E_BUSY);
	assert_string_equal(err.msg, "apply: site SEC");
	assert_int_equal(hf_err_set(NULL, HF_E_USAGE, "x"), -(int)HF_E_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_values), cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_code),  cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
