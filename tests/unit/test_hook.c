/* Unit tests of hook (commands without a shell, clean environment, timeout, output) and
 * of service (site.xml <services> parsed into commands, health retries). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hook.h"
#include "service.h"
#include "site.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A command from a NULL-terminated list of strings (static storage; not freed). */
static struct hf_cmd cmd_of(char **argv, int shell, unsigned timeout)
{
	struct hf_cmd c = {.argv = argv, .shell = shell, .timeout = timeout};

	while (argv[c.argc])
		c.argc++;
	return c;
}

static char *const clean_env[] = {"PATH=/usr/bin:/bin", "LANG=C", NULL};

static void run(const struct hf_cmd *c, struct hf_hook_result *res)
{
	struct hf_err err;

	hf_err_clear(&err);
	assert_int_equal(hf_hook_run(c, NULL, clean_env, res, &err), 0);
}

static void test_argv_no_shell(void **state)
{
	/* the argument reaches the program as it is: no expansion, no word splitting */
	char *argv[] = {"printf", "%s|", "$HOME; echo injected", "a b", NULL};
	struct hf_cmd c = cmd_of(argv, 0, 10);
	struct hf_hook_result res;

	(void)state;
	run(&c, &res);
	assert_true(hf_hook_ok(&res));
	assert_string_equal(res.out, "$HOME; echo injected|a b|");
}

static void test_shell_when_asked(void **state)
{
	char *argv[] = {"echo one; echo two >&2; exit 3", NULL};
	struct hf_cmd c = cmd_of(argv, 1, 10);
	struct hf_hook_result res;
	char how[120];

	(void)state;
	run(&c, &res);
	assert_false(hf_hook_ok(&res));
	assert_int_equal(res.exited, 1);
	assert_int_equal(res.status, 3);
	assert_string_equal(res.out, "one\ntwo\n");
	assert_string_equal(hf_hook_outcome(&res, how, sizeof(how)), "exit status 3");
}

static void test_clean_environment(void **state)
{
	char *argv[] = {"env", NULL};
	struct hf_cmd c = cmd_of(argv, 0, 10);
	struct hf_hook_result res;
	char buf[4096], *env[HF_HOOK_ENV_MAX];
	struct hf_err err;

	(void)state;
	setenv("HOTFIX_TEST_SECRET", "leak", 1);
	hf_hook_env(buf, sizeof(buf), env, "/srv/CEN", "CEN", "KB936465", "apply", "health");
	assert_int_equal(hf_hook_run(&c, NULL, env, &res, &err), 0);
	assert_true(hf_hook_ok(&res));
	assert_null(strstr(res.out, "HOTFIX_TEST_SECRET"));
	assert_non_null(strstr(res.out, "HOTFIX_SITE=/srv/CEN\n"));
	assert_non_null(strstr(res.out, "HOTFIX_SITE_CODE=CEN\n"));
	assert_non_null(strstr(res.out, "HOTFIX_ID=KB936465\n"));
	assert_non_null(strstr(res.out, "HOTFIX_OP=apply\n"));
	assert_non_null(strstr(res.out, "HOTFIX_PHASE=health\n"));
	assert_non_null(strstr(res.out, "LANG=C\n"));
	assert_non_null(strstr(res.out, "PATH=/usr/local/sbin:"));
	unsetenv("HOTFIX_TEST_SECRET");
}

static void test_timeout_kills_group(void **state)
{
	/* the shell's child (sleep) is in the same process group and goes with it */
	char *argv[] = {"sleep 30 & sleep 30; echo never", NULL};
	struct hf_cmd c = cmd_of(argv, 1, 1);
	struct hf_hook_result res;
	char how[120];
	double t0 = now();

	(void)state;
	run(&c, &res);
	assert_true(now() - t0 < 5.0);
	assert_true(res.timed_out);
	assert_false(hf_hook_ok(&res));
	assert_non_null(strstr(hf_hook_outcome(&res, how, sizeof(how)), "timed out after"));
	assert_null(strstr(res.out, "never"));
}

static void test_daemon_keeps_pipe(void **state)
{
	/* a command that leaves a process holding its output open: the run ends with it */
	char *argv[] = {"(sleep 3; echo late) & echo started", NULL};
	struct hf_cmd c = cmd_of(argv, 1, 10);
	struct hf_hook_result res;
	double t0 = now();

	(void)state;
	run(&c, &res);
	assert_true(now() - t0 < 2.0);
	assert_true(hf_hook_ok(&res));
	assert_string_equal(res.out, "started\n");
}

static void test_output_tail(void **state)
{
	char *argv[] = {"i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done", NULL};
	struct hf_cmd c = cmd_of(argv, 1, 10);
	struct hf_hook_result res;

	(void)state;
	run(&c, &res);
	assert_true(hf_hook_ok(&res));
	assert_int_equal(res.outlen, HF_HOOK_OUT_MAX);
	assert_true(res.total > HF_HOOK_OUT_MAX);
	assert_int_equal(strlen(res.out), HF_HOOK_OUT_MAX);
	assert_non_null(strstr(res.out, "line2999\n"));
	assert_null(strstr(res.out, "line0\n"));
}

static void test_exec_failure_and_signal(void **state)
{
	char *missing[] = {"/nonexistent/hotfix-hook", NULL};
	char *killed[] = {"kill -9 $$", NULL};
	struct hf_cmd c = cmd_of(missing, 0, 10);
	struct hf_hook_result res;
	char how[120];

	(void)state;
	run(&c, &res);
	assert_int_equal(res.status, 127);
	assert_non_null(strstr(res.out, "cannot run /nonexistent/hotfix-hook"));
	c = cmd_of(killed, 1, 10);
	run(&c, &res);
	assert_false(res.exited);
	assert_int_equal(res.status, 9);
	assert_non_null(strstr(hf_hook_outcome(&res, how, sizeof(how)), "killed by signal 9"));
}

static void test_describe(void **state)
{
	char *argv[] = {"/usr/sbin/service", "sms", "stop", NULL};
	char *sh[] = {"a && b", NULL};
	struct hf_cmd c = cmd_of(argv, 0, 10);
	char buf[64];

	(void)state;
	assert_string_equal(hf_cmd_describe(&c, buf, sizeof(buf)), "/usr/sbin/service sms stop");
	c = cmd_of(sh, 1, 10);
	assert_string_equal(hf_cmd_describe(&c, buf, sizeof(buf)), "sh -c 'a && b'");
}

/* The site in directory dir (made if needed), with this <services> element (or none);
 * returns the open site, or NULL with *code the error. */
static struct hf_site *site_in(const char *dir, const char *services, int *code)
{
	char path[256];
	struct hf_site *s = NULL;
	struct hf_err err;
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/site.xml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "<site code=\"CEN\" type=\"central\"><product name=\"SMS\" version=\"2003\" "
		   "servicepack=\"3\"/>%s</site>\n", services);
	fclose(f);
	hf_err_clear(&err);
	*code = -hf_site_open(dir, &s, &err);
	return s;
}

/* The same in a directory removed again at once (for parsing only). */
static struct hf_site *site_with(const char *services, int *code)
{
	char dir[] = "/tmp/hotfix-test-hook-XXXXXX", path[256];
	struct hf_site *s;

	assert_non_null(mkdtemp(dir));
	s = site_in(dir, services, code);
	snprintf(path, sizeof(path), "%s/site.xml", dir);
	unlink(path);
	rmdir(dir);
	return s;
}

static void test_site_services(void **state)
{
	int code;
	struct hf_site *s = site_with(
	    "<services><stop timeout=\"7\"><arg>/bin/echo</arg><arg>stop</arg></stop>"
	    "<start><shell>echo start</shell></start>"
	    "<health retries=\"4\" interval=\"0\"><arg>/bin/true</arg></health></services>",
	    &code);

	(void)state;
	assert_int_equal(code, 0);
	assert_non_null(s);
	assert_true(hf_service_restarts(s));
	assert_int_equal(s->svc.stop.argc, 2);
	assert_string_equal(s->svc.stop.argv[1], "stop");
	assert_int_equal(s->svc.stop.timeout, 7);
	assert_true(s->svc.start.shell);
	assert_string_equal(s->svc.start.argv[0], "echo start");
	assert_int_equal(s->svc.start.timeout, HF_SERVICE_TIMEOUT);
	assert_int_equal(s->svc.health.timeout, HF_HEALTH_TIMEOUT);
	assert_int_equal(s->svc.retries, 4);
	assert_int_equal(s->svc.interval, 0);
	hf_site_free(s);

	s = site_with("", &code); /* no services: nothing to run */
	assert_int_equal(code, 0);
	assert_false(hf_service_any(s));
	hf_site_free(s);

	/* a stop command without a start command would leave the services down */
	assert_null(site_with("<services><stop><arg>x</arg></stop></services>", &code));
	assert_int_equal(code, HF_E_MALFORMED);
	/* an empty command, a timeout out of range, a shell and args together */
	assert_null(site_with("<services><health></health></services>", &code));
	assert_int_equal(code, HF_E_SCHEMA);
	assert_null(site_with("<services><health timeout=\"0\"><arg>x</arg></health></services>",
			      &code));
	assert_int_equal(code, HF_E_SCHEMA);
	assert_null(site_with("<services><health><arg>x</arg><shell>y</shell></health></services>",
			      &code));
	assert_int_equal(code, HF_E_SCHEMA);
}

/* A site whose health command fails until it has run three times (a count kept in a
 * file of the test's own), with `retries` retries. */
static struct hf_site *counting_site(const char *dir, unsigned retries)
{
	char el[600], sdir[128];
	int code;

	snprintf(el, sizeof(el),
		 "<services><health retries=\"%u\" interval=\"0\"><shell>echo x >> %s/n; "
		 "[ $(wc -l &lt; %s/n) -ge 3 ]</shell></health></services>",
		 retries, dir, dir);
	snprintf(sdir, sizeof(sdir), "%s/site", dir);
	return site_in(sdir, el, &code);
}

static void test_health_retries(void **state)
{
	char dir[] = "/tmp/hotfix-test-health-XXXXXX", n[64];
	struct hf_site *s;
	struct hf_err err;
	char out[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(n, sizeof(n), "%s/n", dir);
	s = counting_site(dir, 1);
	assert_non_null(s);
	hf_err_clear(&err);
	/* not checked by hf_site_trust: refused, and nothing ran */
	assert_int_equal(
	    hf_service_run(s, -1, HF_SERVICE_HEALTH, "KB1", "apply", NULL, out, sizeof(out), &err),
	    -HF_E_UNSAFE);
	assert_int_equal(access(n, F_OK), -1);
	assert_int_equal(hf_site_trust(s, &err), 0);
	assert_non_null(s->svc.health.path); /* /bin/sh, resolved */
	assert_int_equal(
	    hf_service_run(s, -1, HF_SERVICE_HEALTH, "KB1", "apply", NULL, out, sizeof(out), &err),
	    -HF_E_HOOK);
	assert_non_null(strstr(err.msg, "health check failed after 2 attempt(s)"));
	assert_non_null(strstr(err.msg, "exit status 1"));
	assert_null(strstr(err.msg, "exit status 12"));
	hf_site_free(s);
	unlink(n);
	s = counting_site(dir, 2);
	assert_non_null(s);
	assert_int_equal(hf_site_trust(s, &err), 0);
	assert_int_equal(
	    hf_service_run(s, -1, HF_SERVICE_HEALTH, "KB1", "apply", NULL, out, sizeof(out), &err),
	    0);
	/* no stop/start named: those phases succeed without running anything */
	assert_int_equal(
	    hf_service_run(s, -1, HF_SERVICE_STOP, "KB1", "apply", NULL, out, sizeof(out), &err),
	    0);
	hf_site_free(s);
	unlink(n);
	snprintf(n, sizeof(n), "%s/site/site.xml", dir);
	unlink(n);
	snprintf(n, sizeof(n), "%s/site", dir);
	rmdir(n);
	rmdir(dir);
}

/* A command with credentials runs as that user, with those groups, and cannot become
 * root again; one whose credentials cannot be taken does not run at all. */
static void test_credentials(void **state)
{
	char *argv[] = {"id -u; id -g; id -G; grep ^CapEff /proc/self/status", NULL};
	char *bad[] = {"echo ran", NULL};
	struct hf_cmd c = cmd_of(argv, 1, 10);
	struct hf_hook_result res;

	(void)state;
	if (geteuid() != 0)
		skip();
	c.cred.drop = 1;
	c.cred.uid = 65534;
	c.cred.gid = 65534;
	c.cred.ngroups = 1;
	c.cred.groups[0] = 65534;
	run(&c, &res);
	assert_true(hf_hook_ok(&res));
	assert_string_equal(res.out, "65534\n65534\n65534\nCapEff:\t0000000000000000\n");
	/* a group it did not get (-1 leaves the group as it is: root's): nothing runs */
	c = cmd_of(bad, 1, 10);
	c.cred.drop = 1;
	c.cred.uid = 65534;
	c.cred.gid = (gid_t)-1;
	run(&c, &res);
	assert_int_equal(res.status, 127);
	assert_null(strstr(res.out, "ran"));
	assert_non_null(strstr(res.out, "cannot run as uid 65534"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv_no_shell),
		cmocka_unit_test(test_shell_when_asked),
		cmocka_unit_test(test_clean_environment),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_daemon_keeps_pipe),
		cmocka_unit_test(test_output_tail),
		cmocka_unit_test(test_exec_failure_and_signal),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_site_services),
		cmocka_unit_test(test_health_retries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
