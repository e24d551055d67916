/* Unit tests of outcome: the one table of result words (every outcome has its own word,
 * and the words are the interface: JSON "result", the runner's pipe, the summary) and the
 * rules that pick a site's outcome for check, apply, rollback and recover. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "outcome.h"

static void test_words(void **state)
{
	static const char *const want[HF_OUTCOMES] = {
		"install", "current",	  "conflict",	   "not-applicable", "rehearsal-failed",
		"error",   "applied",	  "failed",	   "interrupted",    "busy",
		"rolled-back", "not-installed", "nothing", "cleaned",	     "finished",
		"undone", "skipped", "not-started", "checked", "listed",
	};

	(void)state;
	for (int o = 0; o < HF_OUTCOMES; o++) {
		assert_string_equal(hf_outcome_word((enum hf_outcome)o), want[o]);
		for (int p = 0; p < o; p++) /* one word, one outcome */
			assert_string_not_equal(hf_outcome_word((enum hf_outcome)o),
						hf_outcome_word((enum hf_outcome)p));
	}
	assert_string_equal(hf_outcome_word((enum hf_outcome)HF_OUTCOMES), "?");
	assert_string_equal(hf_outcome_word((enum hf_outcome)-1), "?");
	for (int o = 0; o < HF_OUTCOMES; o++) /* the inverse, for the summary's totals */
		assert_int_equal(hf_outcome_of_word(hf_outcome_word((enum hf_outcome)o)), o);
	assert_int_equal(hf_outcome_of_word("?"), HF_OUTCOMES);
	assert_int_equal(hf_outcome_of_word(""), HF_OUTCOMES);
	assert_int_equal(hf_outcome_of_word(NULL), HF_OUTCOMES);
}

static void test_check(void **state)
{
	struct hf_plan p;
	struct hf_rehearsal ok, bad;

	(void)state;
	memset(&p, 0, sizeof(p));
	memset(&ok, 0, sizeof(ok));
	memset(&bad, 0, sizeof(bad));
	ok.ok = 1;
	/* the code first: not applicable, or an error, whatever the plan says */
	assert_int_equal(hf_outcome_check(HF_E_NOTAPPLICABLE, &p, &ok), HF_OUT_NOT_APPLICABLE);
	assert_int_equal(hf_outcome_check(HF_E_NOTAPPLICABLE, NULL, NULL), HF_OUT_NOT_APPLICABLE);
	assert_int_equal(hf_outcome_check(HF_E_IO, &p, &ok), HF_OUT_ERROR);
	assert_int_equal(hf_outcome_check(HF_E_BUSY, &p, NULL), HF_OUT_ERROR);
	assert_int_equal(hf_outcome_check(HF_OK, NULL, NULL), HF_OUT_ERROR); /* no plan */
	/* nothing to do */
	p.count[HF_ACT_CURRENT] = 2;
	p.count[HF_ACT_NEWER] = 1;
	assert_int_equal(hf_outcome_check(HF_OK, &p, NULL), HF_OUT_CURRENT);
	assert_int_equal(hf_outcome_check(HF_OK, &p, &ok), HF_OUT_CURRENT);
	/* a file to install; a failed rehearsal wins over it */
	p.count[HF_ACT_INSTALL] = 1;
	assert_int_equal(hf_outcome_check(HF_OK, &p, NULL), HF_OUT_INSTALL);
	assert_int_equal(hf_outcome_check(HF_OK, &p, &ok), HF_OUT_INSTALL);
	assert_int_equal(hf_outcome_check(HF_OK, &p, &bad), HF_OUT_REHEARSAL_FAILED);
	/* a conflict wins over both; HF_E_CONFLICT is a conflict, not an error */
	p.count[HF_ACT_CONFLICT] = 1;
	assert_int_equal(hf_outcome_check(HF_OK, &p, &bad), HF_OUT_CONFLICT);
	assert_int_equal(hf_outcome_check(HF_E_CONFLICT, &p, &ok), HF_OUT_CONFLICT);
}

static void test_apply(void **state)
{
	struct hf_txn_result t;

	(void)state;
	memset(&t, 0, sizeof(t));
	/* the code first, with or without a transaction */
	assert_int_equal(hf_outcome_apply(HF_E_BUSY, NULL, HF_OUT_ERROR), HF_OUT_BUSY);
	assert_int_equal(hf_outcome_apply(HF_E_TXN, &t, HF_OUT_INSTALL), HF_OUT_FAILED);
	assert_int_equal(hf_outcome_apply(HF_E_INTR, &t, HF_OUT_INSTALL), HF_OUT_INTERRUPTED);
	/* a transaction that succeeded: applied when it changed files */
	assert_int_equal(hf_outcome_apply(HF_OK, &t, HF_OUT_INSTALL), HF_OUT_CURRENT);
	t.changed = 3;
	assert_int_equal(hf_outcome_apply(HF_OK, &t, HF_OUT_INSTALL), HF_OUT_APPLIED);
	/* refused, or no transaction: what the check said */
	assert_int_equal(hf_outcome_apply(HF_E_CONFLICT, &t, HF_OUT_CONFLICT), HF_OUT_CONFLICT);
	assert_int_equal(hf_outcome_apply(HF_OK, NULL, HF_OUT_INSTALL), HF_OUT_INSTALL);
	assert_int_equal(hf_outcome_apply(HF_E_NOTAPPLICABLE, NULL, HF_OUT_NOT_APPLICABLE),
			 HF_OUT_NOT_APPLICABLE);
}

static void test_rollback(void **state)
{
	static const struct {
		enum hf_code code;
		enum hf_outcome want;
	} cases[] = {
		{ HF_OK, HF_OUT_ROLLED_BACK },	{ HF_E_NOTAPPLICABLE, HF_OUT_NOT_INSTALLED },
		{ HF_E_CONFLICT, HF_OUT_CONFLICT }, { HF_E_TXN, HF_OUT_FAILED },
		{ HF_E_INTR, HF_OUT_INTERRUPTED },	{ HF_E_BUSY, HF_OUT_BUSY },
		{ HF_E_IO, HF_OUT_ERROR },		{ HF_E_SIGNATURE, HF_OUT_ERROR },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(hf_outcome_rollback(cases[i].code), cases[i].want);
}

static void test_recover(void **state)
{
	struct hf_recovery rec;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(hf_outcome_recover(1, HF_E_BUSY, NULL), HF_OUT_BUSY);
	assert_int_equal(hf_outcome_recover(1, HF_E_MALFORMED, &rec), HF_OUT_FAILED);
	assert_int_equal(hf_outcome_recover(0, HF_OK, &rec), HF_OUT_NOTHING);
	rec.pending = 1; /* residue only */
	assert_int_equal(hf_outcome_recover(0, HF_OK, &rec), HF_OUT_CLEANED);
	rec.journal = 1;
	assert_int_equal(hf_outcome_recover(0, HF_OK, &rec), HF_OUT_UNDONE);
	rec.finished = 1;
	assert_int_equal(hf_outcome_recover(0, HF_OK, &rec), HF_OUT_FINISHED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),	 cmocka_unit_test(test_check),
		cmocka_unit_test(test_apply),	 cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_recover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
