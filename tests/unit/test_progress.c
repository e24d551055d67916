/* Unit tests of progress: the meter tells its callback the start (0), at most once per
 * HF_PROGRESS_STEP bytes, and the end (done == total) once; a NULL callback is never
 * called; an empty pass is complete at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "progress.h"

struct seen {
	int calls;
	uint64_t last_done, last_total;
	const char *what;
};

static void cb(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;

	if (s->calls)
		assert_true(done >= s->last_done); /* never backwards */
	s->calls++;
	s->last_done = done;
	s->last_total = total;
	s->what = what;
}

static void test_steps(void **state)
{
	struct seen s;
	struct hf_progress p = { cb, &s };
	struct hf_progress_meter m;
	uint64_t total = 12 * (uint64_t)HF_PROGRESS_STEP + 1000, done = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	hf_progress_start(&m, &p, "verifying payload", total);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.last_done, 0);
	assert_string_equal(s.what, "verifying payload");
	while (done < total) { /* blocks of 64 KiB: 193 of them, 14 calls in all */
		done += 65536;
		if (done > total)
			done = total;
		hf_progress_update(&m, done);
	}
	assert_int_equal(s.calls, 1 + 12 + 1);
	assert_int_equal(s.last_done, total);
	assert_int_equal(s.last_total, total);
	hf_progress_update(&m, total); /* told complete once */
	hf_progress_update(&m, total + 5);
	assert_int_equal(s.calls, 14);
}

static void test_none(void **state)
{
	struct seen s;
	struct hf_progress nocb = { NULL, &s };
	struct hf_progress p = { cb, &s };
	struct hf_progress_meter m;

	(void)state;
	memset(&s, 0, sizeof(s));
	hf_progress_start(&m, NULL, "x", 100);
	hf_progress_update(&m, 100);
	hf_progress_start(&m, &nocb, "x", 100);
	hf_progress_update(&m, 100);
	assert_int_equal(s.calls, 0);
	hf_progress_start(&m, &p, "x", 0); /* empty: the start is the end */
	hf_progress_update(&m, 0);
	assert_int_equal(s.calls, 1);
	hf_progress_start(&m, &p, "x", 10); /* smaller than a step: start and end */
	hf_progress_update(&m, 4);
	hf_progress_update(&m, 10);
	assert_int_equal(s.calls, 3);
	assert_int_equal(s.last_done, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
