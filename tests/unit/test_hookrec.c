/* Unit tests of hookrec: the record of a running command round-trips; every field of a
 * hostile record is checked; /proc/PID/stat is parsed whatever the process name holds;
 * whose group it is -- only the recorded run's group may be signalled; the watch writes
 * the record before the command runs and removes it after; settle ends a real orphaned
 * group and leaves a foreign one alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"
#include "hookrec.h"

#define BOOT "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"

static void sample(struct hf_hookrec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->boot, sizeof(r->boot), BOOT);
	r->pgid = 4242;
	r->start = 987654;
	r->sid = 4000;
	r->by = 4100;
	snprintf(r->op, sizeof(r->op), "apply");
	snprintf(r->id, sizeof(r->id), "KB936465");
	snprintf(r->phase, sizeof(r->phase), "health");
	snprintf(r->cmd, sizeof(r->cmd), "sh -c 'sms-status | grep -q ready'");
}

static int parse(const char *text, struct hf_hookrec *r)
{
	struct hf_err err;

	hf_err_clear(&err);
	return hf_hookrec_parse(text, strlen(text), "test/hook", r, &err);
}

static void test_roundtrip(void **state)
{
	struct hf_hookrec r, back;
	char buf[HF_HOOKREC_MAX];
	int n;

	(void)state;
	sample(&r);
	n = hf_hookrec_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(parse(buf, &back), 0);
	assert_string_equal(back.boot, BOOT);
	assert_int_equal(back.pgid, 4242);
	assert_true(back.start == 987654);
	assert_int_equal(back.sid, 4000);
	assert_int_equal(back.by, 4100);
	assert_string_equal(back.op, "apply");
	assert_string_equal(back.id, "KB936465");
	assert_string_equal(back.phase, "health");
	assert_string_equal(back.cmd, r.cmd);
	r.id[0] = '\0'; /* recovery without a journal knows no id: "-" */
	n = hf_hookrec_format(&r, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\nid -\n"));
	assert_int_equal(parse(buf, &back), 0);
	assert_string_equal(back.id, "");
	assert_int_equal(hf_hookrec_format(&r, buf, 20), -1); /* does not fit */
}

/* Replace line `key ...` of a good record with `line` and parse it. */
static int with_line(const char *key, const char *line)
{
	struct hf_hookrec r;
	char buf[HF_HOOKREC_MAX], out[2 * HF_HOOKREC_MAX];
	char *p, *nl;

	sample(&r);
	assert_true(hf_hookrec_format(&r, buf, sizeof(buf)) > 0);
	p = strstr(buf, key);
	assert_non_null(p);
	nl = strchr(p + 1, '\n');
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - buf), buf, line, nl);
	return parse(out, &r);
}

static void test_hostile_fields(void **state)
{
	char longcmd[HF_HOOKREC_CMD_MAX + 10];
	struct hf_hookrec r;

	(void)state;
	assert_int_equal(with_line("\npgid", "\npgid 4242"), 0); /* the harness itself */
	/* pgid: a number 2..PID_MAX, no sign, no leading zero, no garbage */
	assert_int_not_equal(with_line("\npgid", "\npgid 1"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid 0"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid -5"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid 04242"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid 4242x"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid 4194305"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid 99999999999999999999999"), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid "), 0);
	assert_int_not_equal(with_line("\npgid", "\npgid  4242"), 0);
	/* start: 1..2^63-1 */
	assert_int_not_equal(with_line("\nstart", "\nstart 0"), 0);
	assert_int_not_equal(with_line("\nstart", "\nstart 9223372036854775808"), 0);
	assert_int_equal(with_line("\nstart", "\nstart 9223372036854775807"), 0);
	/* boot id: the uuid form only */
	assert_int_not_equal(with_line("\nboot", "\nboot 3f1c2d4e5a6b4c7d8e9f0a1b2c3d4e5f"), 0);
	assert_int_not_equal(with_line("\nboot", "\nboot 3F1C2D4E-5A6B-4C7D-8E9F-0A1B2C3D4E5F"), 0);
	/* op, phase: the known words; id: a hotfix id or - */
	assert_int_not_equal(with_line("\nop", "\nop remove"), 0);
	assert_int_not_equal(with_line("\nphase", "\nphase kill"), 0);
	assert_int_not_equal(with_line("\nid", "\nid ../etc"), 0);
	assert_int_not_equal(with_line("\nid", "\nid "), 0);
	/* cmd: printable, bounded */
	assert_int_not_equal(with_line("\ncmd", "\ncmd a\tb"), 0);
	memset(longcmd, 'x', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = '\0';
	{
		char line[HF_HOOKREC_CMD_MAX + 20];

		snprintf(line, sizeof(line), "\ncmd %s", longcmd);
		assert_int_not_equal(with_line("\ncmd", line), 0);
	}
	/* sid: 0 is a session led from outside this pid namespace (hotfix in a container);
	 * by, hotfix's own pid, is never 0 */
	assert_int_equal(with_line("\nsid", "\nsid 0"), 0);
	assert_int_not_equal(with_line("\nsid", "\nsid -1"), 0);
	assert_int_not_equal(with_line("\nby", "\nby 0"), 0);
	/* keys: each once, in order; nothing else */
	assert_int_not_equal(with_line("\nsid", "\nsession 4000"), 0);
	assert_int_not_equal(with_line("\nby", "\nby 4100\nby 4100"), 0);
	assert_int_not_equal(parse("", &r), 0);
	assert_int_not_equal(parse("hotfix-hook 2\n", &r), 0);
	assert_int_not_equal(parse("hotfix-hook 1\npgid 4242\n", &r), 0);
	{
		char buf[HF_HOOKREC_MAX + 100];
		struct hf_hookrec s;
		struct hf_err err;
		int n;

		sample(&s);
		n = hf_hookrec_format(&s, buf, sizeof(buf));
		buf[n - 1] = 'X'; /* unterminated last line */
		assert_int_not_equal(parse(buf, &r), 0);
		buf[n - 1] = '\n';
		memcpy(buf + n, "extra\n", 7);
		assert_int_not_equal(parse(buf, &r), 0);
		buf[n] = '\0';
		buf[10] = '\0'; /* a NUL inside */
		hf_err_clear(&err);
		assert_int_not_equal(hf_hookrec_parse(buf, (size_t)n, "t", &r, &err), 0);
		memset(buf, 'a', sizeof(buf));
		assert_int_not_equal(hf_hookrec_parse(buf, HF_HOOKREC_MAX + 1, "t", &r, &err), 0);
	}
}

static void test_proc_stat(void **state)
{
	struct hf_proc p;
	const char *odd = "1234 (a) b (c)) S 1 4242 4000 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 "
			  "987654 1000 100 18446744073709551615\n";
	char self[64], buf[1024];
	FILE *f;
	size_t n;

	(void)state;
	assert_int_equal(hf_proc_parse_stat(odd, strlen(odd), &p), 0);
	assert_int_equal(p.pid, 1234);
	assert_int_equal(p.state, 'S');
	assert_int_equal(p.pgrp, 4242);
	assert_int_equal(p.sid, 4000);
	assert_true(p.start == 987654);
	assert_int_not_equal(hf_proc_parse_stat("1234 (a) S 1 2", 14, &p), 0);
	assert_int_not_equal(hf_proc_parse_stat("garbage", 7, &p), 0);
	assert_int_not_equal(hf_proc_parse_stat("", 0, &p), 0);
	/* our own */
	snprintf(self, sizeof(self), "/proc/%ld/stat", (long)getpid());
	f = fopen(self, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	assert_int_equal(hf_proc_parse_stat(buf, n, &p), 0);
	assert_int_equal(p.pid, (long)getpid());
	assert_int_equal(p.pgrp, (long)getpgrp());
	assert_int_equal(p.sid, (long)getsid(0));
}

static struct hf_proc proc(long pid, long pgrp, long sid, char state, unsigned long long start)
{
	struct hf_proc p = { pid, pgrp, sid, state, start };

	return p;
}

static void test_judge(void **state)
{
	struct hf_hookrec r;
	struct hf_proc ps[4];

	(void)state;
	sample(&r); /* pgid 4242, start 987654, sid 4000 */
	/* the leader as recorded: ours */
	ps[0] = proc(4242, 4242, 4000, 'S', 987654);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 1), HF_HOOK_OURS);
	/* the leader gone, its children alive, started after it, same session: ours */
	ps[0] = proc(4243, 4242, 4000, 'S', 987660);
	ps[1] = proc(4250, 4242, 4000, 'R', 987700);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_OURS);
	/* ... but one member older than the recorded leader: not the recorded group */
	ps[1] = proc(4250, 4242, 4000, 'R', 987000);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_FOREIGN);
	/* ... or in another session */
	ps[1] = proc(4250, 4242, 5000, 'R', 987700);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_FOREIGN);
	/* the pid reused by another process: the recorded group is gone */
	ps[0] = proc(4242, 4242, 4000, 'S', 999999);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 1), HF_HOOK_FOREIGN);
	ps[0] = proc(4242, 77, 4000, 'S', 999999);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 1), HF_HOOK_GONE);
	/* nothing, or only zombies */
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 0), HF_HOOK_GONE);
	ps[0] = proc(4242, 4242, 4000, 'Z', 987654);
	ps[1] = proc(4250, 4242, 4000, 'Z', 987700);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_GONE);
	/* the recorded leader a zombie, a member alive: ours */
	ps[1] = proc(4250, 4242, 4000, 'S', 987700);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_OURS);
	/* another boot: nothing of it runs */
	ps[0] = proc(4242, 4242, 4000, 'S', 987654);
	assert_int_equal(hf_hookrec_judge(&r, "00000000-0000-0000-0000-000000000000", 100, 100, ps,
					   1),
			 HF_HOOK_REBOOTED);
	/* never hotfix's own process or group, never init */
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 4242, 100, ps, 1), HF_HOOK_UNSAFE);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 4242, ps, 1), HF_HOOK_UNSAFE);
	r.pgid = 1;
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 1), HF_HOOK_UNSAFE);
}

/* The leader's start time is world-readable: a forged record that copies it (and the
 * pgid) but not the session names someone else's group. */
static void test_judge_leader_session(void **state)
{
	struct hf_hookrec r;
	struct hf_proc ps[2];

	(void)state;
	sample(&r); /* pgid 4242, start 987654, sid 4000 */
	/* the leader as recorded but in another session: not ours */
	ps[0] = proc(4242, 4242, 5000, 'S', 987654);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 1), HF_HOOK_FOREIGN);
	/* ... with a member in the recorded session: still not ours */
	ps[1] = proc(4250, 4242, 4000, 'S', 987700);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_FOREIGN);
	/* ... a zombie leader in another session, a live member: not ours */
	ps[0] = proc(4242, 4242, 5000, 'Z', 987654);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_FOREIGN);
	/* the same leader in the recorded session: ours; the other guards still hold */
	ps[0] = proc(4242, 4242, 4000, 'S', 987654);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_OURS);
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 4242, ps, 2), HF_HOOK_UNSAFE);
	assert_int_equal(hf_hookrec_judge(&r, "00000000-0000-0000-0000-000000000000", 100, 100, ps,
					   2),
			 HF_HOOK_REBOOTED);
	ps[0] = proc(4242, 4242, 4000, 'S', 987655); /* start time differs: pid reused */
	assert_int_equal(hf_hookrec_judge(&r, BOOT, 100, 100, ps, 2), HF_HOOK_FOREIGN);
}

static char dir[64];

static int mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hookrec-XXXXXX");
	return mkdtemp(dir) ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
}

static int exists(int dfd, const char *name)
{
	struct stat sb;

	return fstatat(dfd, name, &sb, 0) == 0;
}

/* Processes of group pgid that still run (not zombies). */
static int live_members(pid_t pgid)
{
	DIR *d = opendir("/proc");
	const struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300], buf[1024];
		struct hf_proc p;
		FILE *f;
		size_t len;

		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		if (hf_proc_parse_stat(buf, len, &p) == 0 && p.pgrp == (long)pgid && p.state != 'Z')
			n++;
	}
	closedir(d);
	return n;
}

static void test_watch_and_settle(void **state)
{
	struct hf_hookrec_watch w;
	struct hf_hook_result res;
	struct hf_err err;
	char *argv[] = { "sleep 0.2 & echo $! > pid; wait", NULL };
	struct hf_cmd cmd = { .argv = argv, .argc = 1, .shell = 1, .timeout = 10 };
	char script[600], said[1100], *env[] = { "PATH=/bin:/usr/bin", NULL };
	char cmdtext[700];
	int dfd = mkdir_tmp(), fd;
	pid_t child, decoy;

	(void)state;
	assert_true(dfd >= 0);
	hf_err_clear(&err);
	/* the command sees its own record; it is gone once the command exited */
	snprintf(script, sizeof(script), "grep -q '^phase health$' %s/hook && touch %s/seen", dir,
		 dir);
	argv[0] = script;
	hf_hookrec_watch_init(&w, dfd, dir, "apply", "KB1", "health", "the test command");
	assert_int_equal(hf_hook_run_watched(&cmd, dir, env, &w.watch, &res, &err), 0);
	assert_true(hf_hook_ok(&res));
	assert_true(exists(dfd, "seen")); /* the command found its record in place */
	assert_false(exists(dfd, "hook"));

	/* an orphaned group: its leader gone, a member sleeping -- settle ends it */
	snprintf(cmdtext, sizeof(cmdtext), "cd %s && (sleep 30 & echo $! > member; wait) ", dir);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmdtext, (char *)NULL);
		_exit(127);
	}
	setpgid(child, child);
	hf_hookrec_watch_init(&w, dfd, dir, "apply", "KB1", "stop", "sleep 30");
	assert_int_equal(w.watch.started(w.watch.ctx, (long)child, &err), 0);
	assert_true(exists(dfd, "hook"));
	for (int i = 0; i < 200 && !exists(dfd, "member"); i++)
		usleep(10000);
	usleep(50000);
	kill(child, SIGKILL); /* the leader dies, as if with its hotfix; the member lives on */
	waitpid(child, NULL, 0);
	assert_true(live_members(child) > 0); /* orphaned, and going on */
	assert_int_equal(hf_hookrec_settle(dfd, dir, "/proc", NULL, said, sizeof(said), &err), 0);
	assert_non_null(strstr(said, "ended the stop command of the interrupted apply of KB1"));
	assert_int_equal(live_members(child), 0); /* the whole group is gone (zombies at most) */
	assert_false(exists(dfd, "hook"));

	/* a record naming a group that is not the recorded run's: left alone */
	decoy = fork();
	assert_true(decoy >= 0);
	if (decoy == 0) {
		setpgid(0, 0);
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	setpgid(decoy, decoy);
	hf_hookrec_watch_init(&w, dfd, dir, "apply", "KB1", "stop", "sleep 30");
	assert_int_equal(w.watch.started(w.watch.ctx, (long)decoy, &err), 0);
	fd = openat(dfd, "hook", O_RDWR);
	assert_true(fd >= 0);
	{
		char buf[HF_HOOKREC_MAX];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		char *p;

		assert_true(n > 0);
		buf[n] = '\0';
		p = strstr(buf, "\nstart ");
		assert_non_null(p);
		p[7] = p[7] == '9' ? '8' : '9'; /* another start time: another process */
		assert_int_equal(pwrite(fd, buf, (size_t)n, 0), n);
	}
	close(fd);
	assert_int_equal(hf_hookrec_settle(dfd, dir, "/proc", NULL, said, sizeof(said), &err), 0);
	assert_non_null(strstr(said, "not signalled"));
	assert_int_equal(kill(decoy, 0), 0);
	kill(decoy, SIGKILL);
	waitpid(decoy, NULL, 0);
	assert_false(exists(dfd, "hook"));

	/* a damaged record: reported, removed, nothing signalled */
	fd = openat(dfd, "hook", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_equal(write(fd, "hotfix-hook 1\npgid 1\n", 21), 21);
	close(fd);
	assert_int_equal(hf_hookrec_settle(dfd, dir, "/proc", NULL, said, sizeof(said), &err), 0);
	assert_non_null(strstr(said, "ignored a damaged record"));
	assert_false(exists(dfd, "hook"));
	/* a symlink planted as the record: not followed, reported, removed */
	assert_int_equal(symlinkat("/etc/passwd", dfd, "hook"), 0);
	assert_int_equal(hf_hookrec_settle(dfd, dir, "/proc", NULL, said, sizeof(said), &err), 0);
	assert_non_null(strstr(said, "ignored a damaged record"));
	assert_false(exists(dfd, "hook") || faccessat(dfd, "hook", F_OK, AT_SYMLINK_NOFOLLOW) == 0);
	/* no record: nothing to say */
	assert_int_equal(hf_hookrec_settle(dfd, dir, "/proc", NULL, said, sizeof(said), &err), 0);
	assert_string_equal(said, "");
	unlinkat(dfd, "seen", 0);
	unlinkat(dfd, "pid", 0);
	unlinkat(dfd, "member", 0);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_proc_stat),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_judge_leader_session),
		cmocka_unit_test(test_watch_and_settle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
