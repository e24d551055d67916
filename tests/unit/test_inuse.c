/* Unit tests of inuse: the maps line parser, a scan of a /proc tree made by the test, and
 * a scan of the real /proc with a child process that maps and holds a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "inuse.h"

static void test_parse_maps_line(void **state)
{
	unsigned maj, min;
	unsigned long long ino;

	(void)state;
	assert_int_equal(hf_inuse_parse_maps_line("7f1c0e2d1000-7f1c0e2f3000 r-xp 00001000 08:01 "
						  "1234567                    /usr/lib/libc.so.6\n",
						  &maj, &min, &ino),
			 0);
	assert_int_equal(maj, 8);
	assert_int_equal(min, 1);
	assert_int_equal(ino, 1234567);
	/* an anonymous mapping: inode 0, no path */
	assert_int_equal(hf_inuse_parse_maps_line("7ffd1000-7ffd2000 rw-p 00000000 00:00 0\n", &maj,
						  &min, &ino),
			 0);
	assert_int_equal(ino, 0);
	/* a replaced file, and large device numbers */
	assert_int_equal(hf_inuse_parse_maps_line("1000-2000 r--s 00000000 fd:1a 42 /srv/x.dll "
						  "(deleted)\n",
						  &maj, &min, &ino),
			 0);
	assert_int_equal(maj, 0xfd);
	assert_int_equal(min, 0x1a);
	assert_int_equal(ino, 42);
	static const char *const bad[] = {
		"",
		"garbage\n",
		"1000 r--p 00000000 08:01 5 /x\n",              /* no end address */
		"1000-2000 r--p 00000000 0801 5 /x\n",          /* no colon */
		"1000-2000 r-p 00000000 08:01 5 /x\n",          /* short flags */
		"1000-2000 r--p 00000000 08:01 /x\n",           /* no inode */
		"1000-2000 r--p 00000000 08:01 5x /x\n",        /* inode not a number */
		"1000-2000 r--p 00000000 08:01 123456789012345678901 /x\n", /* too long */
		"11112222333344445-2000 r--p 0 08:01 5 /x\n",   /* address past 64 bits */
		"1000-2000 r--p 00000000 1000:01 5 /x\n",       /* major past 12 bits */
		"1000-2000 r--p 00000000 08:100000 5 /x\n",     /* minor past 20 bits */
		"1000-2000 r--p 00000000 -8:01 5 /x\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hf_inuse_parse_maps_line(bad[i], &maj, &min, &ino) == 0)
			fail_msg("accepted: %s", bad[i]);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A /proc of the test's own: pid 100 maps file a and holds b open; pid 200 holds a open;
 * pid 300 cannot be read; "self" and "net" are not processes. */
static void test_fake_proc(void **state)
{
	char dir[] = "/tmp/hotfix-test-inuse-XXXXXX", p[512], a[256], b[256], line[1024];
	struct hf_inuse_target t[2];
	struct hf_inuse u;
	struct hf_err err;
	struct stat sa, sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a.dll", dir);
	snprintf(b, sizeof(b), "%s/b.dll", dir);
	put(a, "a");
	put(b, "b");
	assert_int_equal(stat(a, &sa), 0);
	assert_int_equal(stat(b, &sb), 0);
	t[0] = (struct hf_inuse_target){sa.st_dev, sa.st_ino, "bin/a.dll"};
	t[1] = (struct hf_inuse_target){sb.st_dev, sb.st_ino, "bin/b.dll"};
	snprintf(p, sizeof(p), "%s/proc", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/100", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/100/fd", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/100/comm", dir);
	put(p, "smsexec\n");
	snprintf(p, sizeof(p), "%s/proc/100/maps", dir);
	snprintf(line, sizeof(line),
		 "1000-2000 r-xp 00000000 00:00 0\n"
		 "2000-3000 r-xp 00000000 %x:%02x %llu %s\n"
		 "3000-4000 r--p 00000000 %x:%02x %llu %s\n",
		 major(sa.st_dev), minor(sa.st_dev), (unsigned long long)sa.st_ino, a,
		 major(sa.st_dev), minor(sa.st_dev), (unsigned long long)sa.st_ino, a);
	put(p, line);
	snprintf(p, sizeof(p), "%s/proc/100/fd/3", dir);
	assert_int_equal(symlink(b, p), 0);
	snprintf(p, sizeof(p), "%s/proc/200", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/200/fd", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/200/fd/7", dir);
	assert_int_equal(symlink(a, p), 0);
	snprintf(p, sizeof(p), "%s/proc/300", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/self", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/net", dir);
	mkdir(p, 0700);

	snprintf(p, sizeof(p), "%s/proc", dir);
	hf_err_clear(&err);
	assert_int_equal(hf_inuse_scan(p, t, 2, &u, &err), 0);
	assert_true(u.scanned);
	assert_int_equal(u.n, 3);
	assert_int_equal(u.unreadable, 1); /* 300 */
	for (size_t i = 0; i < u.n; i++) {
		const struct hf_inuse_hit *h = &u.hits[i];

		if (h->pid == 100 && !strcmp(h->path, "bin/a.dll")) {
			assert_true(h->mapped);
			assert_false(h->open);
			assert_string_equal(h->comm, "smsexec");
		} else if (h->pid == 100 && !strcmp(h->path, "bin/b.dll")) {
			assert_false(h->mapped);
			assert_true(h->open);
		} else if (h->pid == 200) {
			assert_string_equal(h->path, "bin/a.dll");
			assert_true(h->open);
			assert_string_equal(h->comm, "?"); /* no comm file */
		} else {
			fail_msg("unexpected hit: pid %ld %s", (long)h->pid, h->path);
		}
	}
	hf_inuse_free(&u);
	/* nothing to look for: no scan; a proc that is not there: an error */
	assert_int_equal(hf_inuse_scan(p, t, 0, &u, &err), 0);
	assert_false(u.scanned);
	assert_int_equal(hf_inuse_scan("/nonexistent-proc", t, 2, &u, &err), -HF_E_IO);
	snprintf(line, sizeof(line), "rm -rf '%s'", dir);
	assert_int_equal(system(line), 0);
}

/* The real /proc: a child maps one file and holds another open; a file nobody uses is
 * not reported; the caller itself (holding the file too) is left out. */
static void test_real_proc(void **state)
{
	char dir[] = "/tmp/hotfix-test-inuse-XXXXXX", a[256], b[256], c[256], cmd[600];
	struct hf_inuse_target t[3];
	struct hf_inuse u;
	struct hf_err err;
	struct stat st;
	int ready[2], go[2], self_fd;
	pid_t pid;
	char ch;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a.dll", dir);
	snprintf(b, sizeof(b), "%s/b.dll", dir);
	snprintf(c, sizeof(c), "%s/c.dll", dir);
	put(a, "mapped content");
	put(b, "open content");
	put(c, "unused");
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
		void *m = fa >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fa, 0) : MAP_FAILED;

		if (m == MAP_FAILED || fb < 0)
			_exit(1);
		close(fa); /* the mapping alone keeps a in use */
		if (write(ready[1], "r", 1) != 1 || read(go[0], &ch, 1) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &ch, 1), 1);
	self_fd = open(c, O_RDONLY); /* hotfix's own descriptors are not reported */
	assert_true(self_fd >= 0);
	assert_int_equal(stat(a, &st), 0);
	t[0] = (struct hf_inuse_target){st.st_dev, st.st_ino, "a.dll"};
	assert_int_equal(stat(b, &st), 0);
	t[1] = (struct hf_inuse_target){st.st_dev, st.st_ino, "b.dll"};
	assert_int_equal(stat(c, &st), 0);
	t[2] = (struct hf_inuse_target){st.st_dev, st.st_ino, "c.dll"};
	hf_err_clear(&err);
	assert_int_equal(hf_inuse_scan("/proc", t, 3, &u, &err), 0);
	assert_int_equal(u.n, 2);
	for (size_t i = 0; i < u.n; i++) {
		assert_int_equal(u.hits[i].pid, pid);
		if (!strcmp(u.hits[i].path, "a.dll")) {
			assert_true(u.hits[i].mapped);
			assert_false(u.hits[i].open);
		} else {
			assert_string_equal(u.hits[i].path, "b.dll");
			assert_true(u.hits[i].open);
			assert_false(u.hits[i].mapped);
		}
	}
	hf_inuse_free(&u);
	/* replaced: after a rename over a, the child still maps the old inode */
	snprintf(cmd, sizeof(cmd), "%s/new", dir);
	put(cmd, "new content");
	assert_int_equal(rename(cmd, a), 0);
	assert_int_equal(hf_inuse_scan("/proc", t, 1, &u, &err), 0);
	assert_int_equal(u.n, 1);
	assert_true(u.hits[0].mapped);
	hf_inuse_free(&u);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(self_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_maps_line),
		cmocka_unit_test(test_fake_proc),
		cmocka_unit_test(test_real_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
