/* Unit tests of trustpath (the ownership rule for files whose content is executed), over
 * a tree built in a temporary directory with chown and chmod: root-owned, nobody-owned,
 * group- and other-writable, sticky directories owned by root and by nobody, symbolic
 * links owned by root and by nobody, missing files, loops and bounds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "trustpath.h"

#define NOBODY 65534

static char top[] = "/tmp/hotfix-test-trustpath-XXXXXX";
static char p[HF_TRUSTPATH_PATH_MAX];

/* top/rel */
static const char *at(const char *rel)
{
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	return p;
}

static void mkdir_as(const char *rel, mode_t mode, uid_t uid)
{
	assert_int_equal(mkdir(at(rel), 0700), 0);
	assert_int_equal(chown(p, uid, uid), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void file_as(const char *rel, mode_t mode, uid_t uid)
{
	FILE *f = fopen(at(rel), "w");

	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chown(p, uid, uid), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void link_as(const char *target, const char *rel, uid_t uid)
{
	assert_int_equal(symlink(target, at(rel)), 0);
	assert_int_equal(lchown(p, uid, uid), 0);
}

/* The tree:
 *   ok/            root 0755      ok/f        root 0755
 *   ok/nob         nobody 0755    ok/gw       root 0775    ok/ow  root 0757 (files)
 *   ok/lnk -> f    root           ok/up -> ../ok/f  root   ok/abs -> TOP/ok/f  root
 *   ok/loop -> loop                ok/dirlnk -> sub  root
 *   ok/sub/        root 0755      ok/sub/x    root 0700
 *   gwd/           root 0775      gwd/f       root 0755
 *   owd/           root 0757      owd/f       root 0755
 *   nobd/          nobody 0755    nobd/f      root 0755
 *   tmp/           root 1777      tmp/f root 0755   tmp/nf nobody 0755
 *   tmp/nl -> f    nobody         tmp/rl -> f root
 *   ntmp/          nobody 1777    ntmp/f      root 0755 */
static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	if (!mkdtemp(top))
		return -1;
	mkdir_as("ok", 0755, 0);
	file_as("ok/f", 0755, 0);
	file_as("ok/nob", 0755, NOBODY);
	file_as("ok/gw", 0775, 0);
	file_as("ok/ow", 0757, 0);
	link_as("f", "ok/lnk", 0);
	link_as("../ok/f", "ok/up", 0);
	snprintf(p, sizeof(p), "%s/ok/f", top);
	{
		char target[HF_TRUSTPATH_PATH_MAX];

		snprintf(target, sizeof(target), "%s", p);
		link_as(target, "ok/abs", 0);
	}
	link_as("loop", "ok/loop", 0);
	mkdir_as("ok/sub", 0755, 0);
	file_as("ok/sub/x", 0700, 0);
	link_as("sub", "ok/dirlnk", 0);
	mkdir_as("gwd", 0775, 0);
	file_as("gwd/f", 0755, 0);
	mkdir_as("owd", 0757, 0);
	file_as("owd/f", 0755, 0);
	mkdir_as("nobd", 0755, NOBODY);
	file_as("nobd/f", 0755, 0);
	mkdir_as("tmp", 01777, 0);
	file_as("tmp/f", 0755, 0);
	file_as("tmp/nf", 0755, NOBODY);
	link_as("f", "tmp/nl", NOBODY);
	link_as("f", "tmp/rl", 0);
	mkdir_as("ntmp", 01777, NOBODY);
	file_as("ntmp/f", 0755, 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	if (geteuid() != 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* Check rel; returns the code (positive), the message in msg. */
static int check(const char *rel, uid_t also, unsigned flags, struct hf_trustpath_file *f,
		 struct hf_err *err)
{
	hf_err_clear(err);
	return -hf_trustpath_check(at(rel), also, flags, f, err);
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void test_trusted(void **state)
{
	struct hf_trustpath_file f;
	struct hf_err err;

	(void)state;
	need_root();
	assert_int_equal(check("ok/f", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/f"));
	assert_true(S_ISREG(f.st.st_mode));
	/* a root-owned directory with the sticky bit may be writable by anyone (/tmp) */
	assert_int_equal(check("tmp/f", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	/* "." and ".." are walked, not taken as text */
	assert_int_equal(check("ok/./sub/../f", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/f"));
	/* a relative path: from the current directory, its ancestors walked too */
	assert_int_equal(chdir(at("ok")), 0);
	hf_err_clear(&err);
	assert_int_equal(hf_trustpath_check("sub/x", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/sub/x"));
	assert_int_equal(chdir("/"), 0);
	/* / itself */
	assert_int_equal(hf_trustpath_check("/", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, "/");
}

static void test_owner(void **state)
{
	struct hf_trustpath_file f;
	struct hf_err err;

	(void)state;
	need_root();
	assert_int_equal(check("ok/nob", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, at("ok/nob")));
	assert_non_null(strstr(err.msg, "owned by nobody (uid 65534), mode 0755"));
	assert_non_null(strstr(err.msg, "owned neither by root nor by the user running hotfix"));
	assert_non_null(strstr(err.hint, "chown root:root"));
	/* the one other owner the caller trusts */
	assert_int_equal(check("ok/nob", NOBODY, 0, &f, &err), 0);
	/* a directory above owned by nobody: it could swap the file */
	assert_int_equal(check("nobd/f", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, at("nobd")));
	assert_null(strstr(err.msg, "nobd/f"));
	assert_int_equal(check("nobd/f", NOBODY, 0, &f, &err), 0);
	/* in a sticky directory, an entry owned by another user is still refused */
	assert_int_equal(check("tmp/nf", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
}

static void test_writable(void **state)
{
	struct hf_trustpath_file f;
	struct hf_err err;

	(void)state;
	need_root();
	assert_int_equal(check("ok/gw", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "mode 0775: writable by group"));
	assert_non_null(strstr(err.hint, "chmod go-w"));
	assert_int_equal(check("ok/ow", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "mode 0757: writable by others"));
	/* even the trusted other owner may not share its file */
	assert_int_equal(check("ok/gw", NOBODY, 0, &f, &err), HF_E_UNSAFE);
	/* a directory above, writable by group or by others (no sticky bit) */
	assert_int_equal(check("gwd/f", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, at("gwd")));
	assert_non_null(strstr(err.msg, "writable by group"));
	assert_int_equal(check("owd/f", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "mode 0757: writable by others"));
	/* the sticky bit is the exception only on a directory owned by root */
	assert_int_equal(check("ntmp/f", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "owned by nobody (uid 65534), mode 1777"));
	assert_int_equal(check("ntmp/f", NOBODY, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "only for a directory owned by root"));
}

static void test_links(void **state)
{
	struct hf_trustpath_file f;
	struct hf_err err;

	(void)state;
	need_root();
	/* a trusted link is followed, and the result names the file itself */
	assert_int_equal(check("ok/lnk", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/f"));
	assert_int_equal(check("ok/up", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/f"));
	assert_int_equal(check("ok/abs", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/f"));
	assert_int_equal(check("ok/dirlnk/x", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_string_equal(f.path, at("ok/sub/x"));
	assert_int_equal(check("tmp/rl", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	/* refused when the caller forbids links */
	assert_int_equal(check("ok/lnk", HF_TRUSTPATH_NONE, HF_TRUSTPATH_NOFOLLOW, &f, &err),
			 HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "a symbolic link"));
	assert_int_equal(check("ok/dirlnk/x", HF_TRUSTPATH_NONE, HF_TRUSTPATH_NOFOLLOW, &f, &err),
			 HF_E_UNSAFE);
	/* a link anyone could have planted (nobody's, in /tmp-like dir): refused */
	assert_int_equal(check("tmp/nl", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "a symbolic link owned by nobody (uid 65534)"));
	assert_non_null(strstr(err.hint, "chown -h"));
	/* a loop is bounded */
	assert_int_equal(check("ok/loop", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_MALFORMED);
	assert_non_null(strstr(err.msg, "symbolic links"));
	/* the system's shell resolves to a file that is no link (merged /usr or not) */
	hf_err_clear(&err);
	assert_int_equal(hf_trustpath_check("/bin/sh", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	{
		struct stat st;

		assert_int_equal(lstat(f.path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
	}
}

static void test_missing_and_bounds(void **state)
{
	struct hf_trustpath_file f;
	struct hf_err err;
	char longp[HF_TRUSTPATH_PATH_MAX + 10], deep[HF_TRUSTPATH_DEPTH_MAX * 2 + 10];

	(void)state;
	need_root();
	assert_int_equal(check("ok/none", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_IO);
	assert_int_equal(f.sys_errno, ENOENT);
	/* a missing file under an untrusted directory: the directory is refused first */
	assert_int_equal(check("nobd/none", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_UNSAFE);
	/* a file used as a directory */
	assert_int_equal(check("ok/f/x", HF_TRUSTPATH_NONE, 0, &f, &err), HF_E_IO);
	assert_int_equal(f.sys_errno, ENOTDIR);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	hf_err_clear(&err);
	assert_int_equal(hf_trustpath_check(longp, HF_TRUSTPATH_NONE, 0, &f, &err),
			 -HF_E_MALFORMED);
	longp[300] = '\0'; /* one component longer than a name may be */
	assert_int_equal(hf_trustpath_check(longp, HF_TRUSTPATH_NONE, 0, &f, &err),
			 -HF_E_MALFORMED);
	for (size_t i = 0; i < HF_TRUSTPATH_DEPTH_MAX + 2; i++)
		memcpy(deep + 2 * i, "/.", 2);
	deep[2 * (HF_TRUSTPATH_DEPTH_MAX + 2)] = '\0';
	assert_int_equal(hf_trustpath_check(deep, HF_TRUSTPATH_NONE, 0, &f, &err), -HF_E_MALFORMED);
	assert_int_equal(hf_trustpath_check("", HF_TRUSTPATH_NONE, 0, &f, &err), -HF_E_MALFORMED);
}

/* The rule alone, on made-up status. */
static void test_allowed(void **state)
{
	struct stat st;
	const char *why;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_uid = 0;
	st.st_mode = S_IFREG | 0644;
	assert_true(hf_trustpath_allowed(&st, HF_TRUSTPATH_NONE, &why));
	st.st_mode = S_IFREG | 0646;
	assert_false(hf_trustpath_allowed(&st, HF_TRUSTPATH_NONE, &why));
	assert_string_equal(why, "writable by others");
	st.st_mode = S_IFREG | 01777; /* the sticky bit means nothing on a file */
	assert_false(hf_trustpath_allowed(&st, HF_TRUSTPATH_NONE, &why));
	assert_string_equal(why, "writable by group and others");
	st.st_mode = S_IFDIR | 01777;
	assert_true(hf_trustpath_allowed(&st, HF_TRUSTPATH_NONE, &why));
	st.st_mode = S_IFLNK | 0777; /* a link's mode means nothing; its owner does */
	assert_true(hf_trustpath_allowed(&st, HF_TRUSTPATH_NONE, &why));
	st.st_uid = 4242;
	assert_int_equal(hf_trustpath_allowed(&st, HF_TRUSTPATH_NONE, &why), geteuid() == 4242);
	assert_true(hf_trustpath_allowed(&st, 4242, &why));
	st.st_mode = S_IFDIR | 01777;
	assert_false(hf_trustpath_allowed(&st, 4242, &why));
}

/* hf_trustpath_shebang parses "#!" lines as the kernel does (fs/binfmt_script.c). */
static int sb(const char *text, size_t n, char *interp, char *line, const char **why)
{
	return hf_trustpath_shebang(text, n, interp, HF_TRUSTPATH_SHEBANG_MAX, line,
				    HF_TRUSTPATH_SHEBANG_MAX, why);
}

static void test_shebang(void **state)
{
	char interp[HF_TRUSTPATH_SHEBANG_MAX], line[HF_TRUSTPATH_SHEBANG_MAX],
	    big[HF_TRUSTPATH_SHEBANG_MAX + 8];
	const char *why;

	(void)state;
	assert_int_equal(sb("\x7f" "ELF\2\1\1", 7, interp, line, &why), 0);
	assert_int_equal(sb("#", 1, interp, line, &why), 0);
	assert_int_equal(sb("# !/bin/sh\n", 11, interp, line, &why), 0);
	assert_int_equal(sb("", 0, interp, line, &why), 0);
	assert_int_equal(sb("#!/bin/sh\necho\n", 15, interp, line, &why), 1);
	assert_string_equal(interp, "/bin/sh");
	assert_string_equal(line, "#!/bin/sh");
	/* spaces and tabs before the path; the path ends at a space, tab or NUL */
	assert_int_equal(sb("#! \t/usr/bin/env python3 -u\n", 29, interp, line, &why), 1);
	assert_string_equal(interp, "/usr/bin/env");
	assert_string_equal(line, "#! ?/usr/bin/env python3 -u");
	assert_int_equal(sb("#!/bin/sh\t-e\n", 13, interp, line, &why), 1);
	assert_string_equal(interp, "/bin/sh");
	assert_int_equal(sb("#!/bin/sh\0/tmp/x\n", 17, interp, line, &why), 1);
	assert_string_equal(interp, "/bin/sh");
	/* a short file with no newline: the line ends with the file; a CR is part of it */
	assert_int_equal(sb("#!/bin/sh", 9, interp, line, &why), 1);
	assert_string_equal(interp, "/bin/sh");
	assert_int_equal(sb("#!/bin/sh\r\n", 11, interp, line, &why), 1);
	assert_string_equal(interp, "/bin/sh\r");
	/* refused: no interpreter, a relative one, no newline within the bound */
	assert_int_equal(sb("#!\n", 3, interp, line, &why), -1);
	assert_string_equal(why, "names no interpreter");
	assert_int_equal(sb("#!   \t \n/bin/sh\n", 17, interp, line, &why), -1);
	assert_string_equal(why, "names no interpreter");
	assert_int_equal(sb("#!", 2, interp, line, &why), -1);
	assert_int_equal(sb("#!sh\n", 5, interp, line, &why), -1);
	assert_string_equal(why, "names an interpreter that is not an absolute path");
	assert_int_equal(sb("#! ./x\n", 7, interp, line, &why), -1);
	memset(big, ' ', sizeof(big));
	memcpy(big, "#!/bin/sh", 9);
	assert_int_equal(sb(big, HF_TRUSTPATH_SHEBANG_MAX, interp, line, &why), -1);
	assert_string_equal(why, "has no end of line within its first 256 bytes");
	assert_int_equal(strlen(line), HF_TRUSTPATH_SHEBANG_MAX - 1); /* bounded */
	big[HF_TRUSTPATH_SHEBANG_MAX - 1] = '\n'; /* the newline in the last byte: accepted */
	assert_int_equal(sb(big, HF_TRUSTPATH_SHEBANG_MAX, interp, line, &why), 1);
	assert_string_equal(interp, "/bin/sh");
	/* a small line buffer: the copy is cut, NUL-terminated */
	assert_int_equal(
	    hf_trustpath_shebang("#!/bin/sh\n", 10, interp, sizeof(interp), line, 4, &why), 1);
	assert_string_equal(line, "#!/");
	assert_int_equal(hf_trustpath_shebang("#!/bin/sh\n", 10, interp, 4, line, 4, &why), -1);
	assert_string_equal(why, "names an interpreter whose path is too long");
}

static void script_as(const char *rel, const char *text, uid_t uid)
{
	FILE *f = fopen(at(rel), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chown(p, uid, uid), 0);
	assert_int_equal(chmod(p, 0755), 0);
}

/* hf_trustpath_check_exec: the program, then each #! interpreter, by the same rule. */
static void test_exec(void **state)
{
	struct hf_trustpath_file f;
	struct hf_err err;
	char text[HF_TRUSTPATH_PATH_MAX + 16];

	(void)state;
	if (geteuid() != 0)
		skip();
	mkdir_as("x", 0755, 0);
	mkdir_as("x/nob", 0755, NOBODY);
	script_as("x/nob/interp", "#!/bin/sh\n", 0);
	snprintf(text, sizeof(text), "#!%s/x/nob/interp\n", top);
	script_as("x/bad", text, 0);
	assert_int_equal(hf_trustpath_check_exec(at("x/bad"), HF_TRUSTPATH_NONE, 0, &f, &err),
			 -HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "its #! line"));
	assert_non_null(strstr(err.msg, "/x/nob: owned by nobody (uid 65534), mode 0755"));
	/* nobody as the trusted other owner: accepted */
	assert_int_equal(hf_trustpath_check_exec(at("x/bad"), NOBODY, 0, &f, &err), 0);
	assert_non_null(strstr(f.path, "/x/bad"));
	/* a chain of 4 #! lines passes, 5 do not */
	script_as("x/l1", "#!/bin/sh\n", 0);
	for (int i = 2; i <= 5; i++) {
		char rel[16];

		snprintf(text, sizeof(text), "#!%s/x/l%d\n", top, i - 1);
		snprintf(rel, sizeof(rel), "x/l%d", i);
		script_as(rel, text, 0);
	}
	assert_int_equal(hf_trustpath_check_exec(at("x/l4"), HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_int_equal(hf_trustpath_check_exec(at("x/l5"), HF_TRUSTPATH_NONE, 0, &f, &err),
			 -HF_E_UNSAFE);
	assert_non_null(strstr(err.msg, "more than 4 #! lines on the way from"));
	/* a missing interpreter: -HF_E_IO with ENOENT, like a missing program */
	snprintf(text, sizeof(text), "#!%s/x/none -x\n", top);
	script_as("x/missing", text, 0);
	assert_int_equal(hf_trustpath_check_exec(at("x/missing"), HF_TRUSTPATH_NONE, 0, &f, &err),
			 -HF_E_IO);
	assert_int_equal(f.sys_errno, ENOENT);
	/* a binary, a FIFO (not opened: no hang) */
	assert_int_equal(hf_trustpath_check_exec("/bin/sh", HF_TRUSTPATH_NONE, 0, &f, &err), 0);
	assert_int_equal(mkfifo(at("x/fifo"), 0755), 0);
	assert_int_equal(hf_trustpath_check_exec(at("x/fifo"), HF_TRUSTPATH_NONE, 0, &f, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trusted),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_writable),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_missing_and_bounds),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_shebang),
		cmocka_unit_test(test_exec),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
