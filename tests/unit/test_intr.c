/* Unit tests of intr: nothing is pending until a signal comes; the first signal is the
 * one kept; a hold hides it (recovery always finishes) and nests; a signal ignored at
 * start stays ignored; SIGPIPE is ignored; a command is ended while a signal is pending,
 * and runs to its end while interruption is held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <unistd.h>

#include "hook.h"
#include "intr.h"

static void test_catch_hold_check(void **state)
{
	struct sigaction sa;
	struct hf_err err;

	(void)state;
	/* whatever this test inherited (a background job of sh ignores SIGINT and SIGQUIT) */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN); /* as under nohup: stays ignored */
	hf_intr_catch();
	assert_int_equal(sigaction(SIGHUP, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_IGN);
	assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_IGN);
	assert_int_equal(sigaction(SIGXFSZ, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_IGN);
	assert_int_equal(sigaction(SIGQUIT, NULL, &sa), 0);
	assert_true(sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL);
	assert_int_equal(sigaction(SIGTERM, NULL, &sa), 0);
	assert_true(sa.sa_flags & SA_RESTART);
	assert_false(sa.sa_flags & SA_RESETHAND);
	hf_err_clear(&err);
	assert_int_equal(hf_intr_signal(), 0);
	assert_int_equal(hf_intr_check(&err), 0);
	raise(SIGHUP); /* ignored: nothing */
	assert_int_equal(hf_intr_signal(), 0);
	hf_intr_hold();
	raise(SIGTERM);
	raise(SIGINT); /* the first one is kept */
	assert_int_equal(hf_intr_signal(), SIGTERM);
	assert_int_equal(hf_intr_pending(), 0); /* held */
	hf_intr_hold();
	hf_intr_release();
	assert_int_equal(hf_intr_pending(), 0); /* still held once */
	assert_int_equal(hf_intr_check(&err), 0);
	hf_intr_release();
	assert_int_equal(hf_intr_pending(), SIGTERM);
	assert_int_equal(hf_intr_check(&err), -HF_E_INTR);
	assert_int_equal(err.code, HF_E_INTR);
	assert_string_equal(err.msg, "interrupted by SIGTERM");
	assert_string_equal(hf_intr_name(SIGINT), "SIGINT");
	assert_string_equal(hf_intr_name(SIGHUP), "SIGHUP");
	assert_string_equal(hf_intr_name(SIGQUIT), "SIGQUIT");
	assert_string_equal(hf_intr_name(9), "signal 9");
}

static void test_hook_ended(void **state)
{
	char *argv[] = { "sleep 30", NULL };
	struct hf_cmd cmd = { .argv = argv, .argc = 1, .shell = 1, .timeout = 60 };
	char *env[] = { "PATH=/bin:/usr/bin", NULL };
	struct hf_hook_result res;
	struct hf_err err;

	(void)state;
	hf_err_clear(&err);
	/* a signal is pending (test above): the command is ended at once, never run long */
	assert_int_equal(hf_intr_pending(), SIGTERM);
	assert_int_equal(hf_hook_run(&cmd, NULL, env, &res, &err), 0);
	assert_int_equal(res.interrupted, SIGTERM);
	assert_false(hf_hook_ok(&res));
	assert_true(res.seconds < 5);
	/* held (recovery): the command runs to its end */
	argv[0] = "exit 0";
	hf_intr_hold();
	assert_int_equal(hf_hook_run(&cmd, NULL, env, &res, &err), 0);
	hf_intr_release();
	assert_int_equal(res.interrupted, 0);
	assert_true(hf_hook_ok(&res));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catch_hold_check),
		cmocka_unit_test(test_hook_ended),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
