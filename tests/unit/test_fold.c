/* Unit tests of fold (Unicode simple case folding of UTF-8, the table it uses, the lookup
 * of a name in a crafted directory) and
 * of site's resolver built on it: the site's spelling, missing, two spellings, symlinks,
 * names="exact". */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fold.h"
#include "foldtab.h"
#include "site.h"
#include "xml.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void site_xml(const char *attrs)
{
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "<site code=\"CEN\" type=\"central\"%s><product name=\"SMS\" version=\"2003\" "
		 "servicepack=\"3\"/></site>",
		 attrs);
	put("site.xml", buf);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/hotfix-fold-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	hf_xml_cleanup();
	return 0;
}

static void test_fold_eq(void **state)
{
	(void)state;
	assert_true(hf_fold_eq("BASESVR.DLL", "basesvr.dll"));
	assert_true(hf_fold_eq("Distmgr.dll", "dISTMGR.DLL"));
	assert_true(hf_fold_eq("", ""));
	assert_false(hf_fold_eq("a.dll", "a.dl"));
	assert_false(hf_fold_eq("a.dl", "a.dll"));
	assert_false(hf_fold_eq("a.dll", "b.dll"));
	/* bytes 0x20 apart that are not letters are different names */
	assert_false(hf_fold_eq("[", "{"));
	assert_false(hf_fold_eq("@", "`"));
	assert_false(hf_fold_eq("^", "~"));
	/* Unicode simple folding: U+00C9 and U+00E9; Greek capital, small and final sigma;
	 * Cyrillic; U+212A KELVIN SIGN (3 bytes) and "k"; U+1E9E and U+00DF (status S) */
	assert_true(hf_fold_eq("\xc3\x89.dll", "\xc3\xa9.DLL"));
	assert_true(hf_fold_eq("\xce\xa3\xce\xa3", "\xcf\x83\xcf\x82"));
	assert_true(hf_fold_eq("\xd0\x94\xd0\x9b\xd0\x9b", "\xd0\xb4\xd0\xbb\xd0\xbb"));
	assert_true(hf_fold_eq("\xe2\x84\xaa.dll", "k.dll"));
	assert_true(hf_fold_eq("K.dll", "\xe2\x84\xaa.dll"));
	assert_true(hf_fold_eq("\xe1\xba\x9e", "\xc3\x9f"));
	assert_true(hf_fold_eq("\xf0\x90\x90\x80", "\xf0\x90\x90\xa8")); /* Deseret, 4 bytes */
	/* simple, not full, folding: U+00DF is not "ss"; U+0130 (status T/F only) not "i" */
	assert_false(hf_fold_eq("\xc3\x9f", "ss"));
	assert_false(hf_fold_eq("\xc4\xb0", "i"));
	assert_false(hf_fold_eq("\xc3\x89", "E"));
	/* bytes that are not valid UTF-8 match only themselves: a lone lead byte, a stray
	 * continuation, an overlong 'A', a surrogate, past U+10FFFF, cut at the end */
	assert_true(hf_fold_eq("\xc3", "\xc3"));
	assert_false(hf_fold_eq("\xc3", "\xe3"));
	assert_false(hf_fold_eq("\x89", "\xa9"));
	assert_false(hf_fold_eq("\xc1\x81", "a"));
	assert_false(hf_fold_eq("\xc1\x81", "A"));
	assert_true(hf_fold_eq("\xc1\x81", "\xc1\x81"));
	assert_false(hf_fold_eq("\xed\xa0\x80", "\xed\xa0\xa0"));
	assert_true(hf_fold_eq("\xed\xa0\x80", "\xed\xa0\x80"));
	assert_false(hf_fold_eq("\xf4\x90\x80\x80", "\xf4\x90\x80\x81"));
	assert_false(hf_fold_eq("x\xe2\x84", "xk"));
	assert_false(hf_fold_eq("\xc3\x89", "\xc3"));
	assert_true(hf_fold_has_case("x1"));
	assert_true(hf_fold_has_case("Z"));
	assert_true(hf_fold_has_case("\xc3\x89"));
	assert_false(hf_fold_has_case("123_-.@[`{"));
}

/* The table: sorted by code point (the binary search relies on it), no duplicates, and
 * every fold is its own fold (folding is idempotent). */
static void test_table(void **state)
{
	size_t n = sizeof(hf_foldtab) / sizeof(hf_foldtab[0]);
	char a[8], b[8];

	(void)state;
	assert_true(n > 1400);
	for (size_t i = 1; i < n; i++)
		if (hf_foldtab[i - 1][0] >= hf_foldtab[i][0])
			fail_msg("entry %zu (U+%04X) out of order", i, (unsigned)hf_foldtab[i][0]);
	/* every entry through the decoder: a code point and its fold are the same name */
	for (size_t i = 0; i < n; i++) {
		uint32_t cp[2] = { hf_foldtab[i][0], hf_foldtab[i][1] };
		char *out[2] = { a, b };

		for (int k = 0; k < 2; k++) {
			uint32_t c = cp[k];
			char *o = out[k];

			if (c < 0x80) {
				o[0] = (char)c, o[1] = 0;
			} else if (c < 0x800) {
				o[0] = (char)(0xc0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3f)), o[2] = 0;
			} else if (c < 0x10000) {
				o[0] = (char)(0xe0 | c >> 12), o[1] = (char)(0x80 | (c >> 6 & 0x3f));
				o[2] = (char)(0x80 | (c & 0x3f)), o[3] = 0;
			} else {
				o[0] = (char)(0xf0 | c >> 18), o[1] = (char)(0x80 | (c >> 12 & 0x3f));
				o[2] = (char)(0x80 | (c >> 6 & 0x3f)), o[3] = (char)(0x80 | (c & 0x3f));
				o[4] = 0;
			}
		}
		if (!hf_fold_eq(a, b))
			fail_msg("U+%04X and its fold U+%04X differ", (unsigned)cp[0], (unsigned)cp[1]);
	}
}

static int opendir_path(const char *rel)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void test_lookup(void **state)
{
	char found[NAME_MAX + 1], other[NAME_MAX + 1];
	char target[256], link[256];
	int fd;

	(void)state;
	dir("d");
	put("d/BASESVR.DLL", "1");
	put("d/baseutil.dll", "2");
	put("d/123", "3");
	fd = opendir_path("d");
	assert_int_equal(hf_fold_lookup(fd, "Basesvr.dll", found, other), HF_FOLD_ONE);
	assert_string_equal(found, "BASESVR.DLL");
	assert_int_equal(hf_fold_lookup(fd, "BASESVR.DLL", found, other), HF_FOLD_ONE);
	assert_string_equal(found, "BASESVR.DLL");
	assert_int_equal(hf_fold_lookup(fd, "BASEUTIL.DLL", found, other), HF_FOLD_ONE);
	assert_string_equal(found, "baseutil.dll");
	assert_int_equal(hf_fold_lookup(fd, "distmgr.dll", found, other), HF_FOLD_MISSING);
	assert_string_equal(found, "");
	/* a prefix or an extension is no match */
	assert_int_equal(hf_fold_lookup(fd, "basesvr.dl", found, other), HF_FOLD_MISSING);
	assert_int_equal(hf_fold_lookup(fd, "basesvr.dlll", found, other), HF_FOLD_MISSING);
	/* no letter: exact */
	assert_int_equal(hf_fold_lookup(fd, "123", found, other), HF_FOLD_ONE);
	assert_string_equal(found, "123");
	assert_int_equal(hf_fold_lookup(fd, "124", found, other), HF_FOLD_MISSING);
	/* bad names */
	assert_int_equal(hf_fold_lookup(fd, "", found, other), -EINVAL);
	assert_int_equal(hf_fold_lookup(fd, "a/b", found, other), -EINVAL);
	/* a symlink is an entry like another: its spelling is found, never followed */
	snprintf(target, sizeof(target), "%s/d/BASESVR.DLL", root);
	snprintf(link, sizeof(link), "%s/d/Link.dll", root);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(hf_fold_lookup(fd, "LINK.DLL", found, other), HF_FOLD_ONE);
	assert_string_equal(found, "Link.dll");
	/* a spelling of another length: U+212A KELVIN SIGN for k */
	put("d/\xe2\x84\xaa" "ernel.sys", "6");
	assert_int_equal(hf_fold_lookup(fd, "KERNEL.SYS", found, other), HF_FOLD_ONE);
	assert_string_equal(found, "\xe2\x84\xaa" "ernel.sys");
	/* two spellings, also when one is exact; the same two whatever readdir's order */
	put("d/basesvr.dll", "4");
	assert_int_equal(hf_fold_lookup(fd, "basesvr.dll", found, other), HF_FOLD_TWO);
	assert_string_equal(found, "BASESVR.DLL");
	assert_string_equal(other, "basesvr.dll");
	assert_int_equal(hf_fold_lookup(fd, "BaseSvr.dll", found, other), HF_FOLD_TWO);
	put("d/Basesvr.dll", "5");
	assert_int_equal(hf_fold_lookup(fd, "basesvr.dll", found, other), HF_FOLD_TWO);
	assert_string_equal(found, "BASESVR.DLL");
	assert_string_equal(other, "Basesvr.dll");
	close(fd);
}

/* A directory of more than HF_FOLD_SCAN_MAX entries is not read to its end: -EFBIG. */
static void test_lookup_bound(void **state)
{
	char found[NAME_MAX + 1], other[NAME_MAX + 1], name[16];
	int fd, d;

	(void)state;
	dir("big");
	fd = opendir_path("big");
	d = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(d >= 0);
	for (int i = 0; i < HF_FOLD_SCAN_MAX - 2; i++) { /* with "." and "..": the bound */
		int f;

		snprintf(name, sizeof(name), "%d", i);
		f = openat(d, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		assert_true(f >= 0);
		close(f);
	}
	assert_int_equal(hf_fold_lookup(fd, "x.dll", found, other), HF_FOLD_MISSING);
	close(openat(d, "X.DLL", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
	assert_int_equal(hf_fold_lookup(fd, "x.dll", found, other), -EFBIG);
	assert_string_equal(found, "");
	/* a name with nothing to fold is looked up exactly, without reading */
	assert_int_equal(hf_fold_lookup(fd, "12", found, other), HF_FOLD_ONE);
	close(d);
	close(fd);
}

/* A directory that may be searched but not read (mode 0711, another user's): the exact
 * name, as before folding.  Run as nobody in a child (the tests run as root). */
static void test_lookup_unreadable(void **state)
{
	char path[256];
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	dir("x");
	put("x/Basesvr.dll", "1");
	snprintf(path, sizeof(path), "%s/x", root);
	assert_int_equal(chmod(path, 0711), 0);
	assert_int_equal(chmod(root, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char found[NAME_MAX + 1], other[NAME_MAX + 1];
		int fd;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(10);
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			_exit(11);
		if (openat(fd, ".", O_RDONLY | O_DIRECTORY) >= 0 || errno != EACCES)
			_exit(12); /* the directory must not be readable for the test to mean it */
		if (hf_fold_lookup(fd, "Basesvr.dll", found, other) != HF_FOLD_ONE ||
		    strcmp(found, "Basesvr.dll") != 0)
			_exit(13);
		if (hf_fold_lookup(fd, "BASESVR.DLL", found, other) != HF_FOLD_MISSING)
			_exit(14);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_site_resolve(void **state)
{
	char spelled[HF_SITE_REL_MAX], target[256], link[256], buf[8];
	struct hf_site *site = NULL;
	struct hf_err err;
	int fd = -1, e = 0;

	(void)state;
	site_xml("");
	dir("BIN");
	dir("BIN/I386");
	put("BIN/I386/Distmgr.dll", "distmgr");
	put("BIN/I386/BASESVR.DLL", "basesvr");
	assert_int_equal(hf_site_open(root, &site, &err), 0);
	assert_false(site->exact_names);
	assert_int_equal(hf_site_open_file(site, "bin/i386/DISTMGR.DLL", &fd, spelled, &e, &err),
			 0);
	assert_string_equal(spelled, "BIN/I386/Distmgr.dll");
	assert_int_equal(read(fd, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "distmgr", 7);
	close(fd);
	assert_int_equal(hf_site_open_file(site, "BIN/I386/basesvr.dll", &fd, NULL, &e, &err), 0);
	close(fd);
	/* missing: ENOENT, and the spelling as far as it was resolved */
	assert_int_not_equal(hf_site_open_file(site, "bin/i386/baseutil.dll", &fd, spelled, &e,
					       &err), 0);
	assert_int_equal(e, ENOENT);
	assert_int_equal(fd, -1);
	assert_string_equal(spelled, "BIN/I386/baseutil.dll");
	assert_int_not_equal(hf_site_open_file(site, "bin/amd64/x.dll", &fd, spelled, &e, &err),
			     0);
	assert_int_equal(e, ENOENT);
	/* a symlinked file or directory, whatever its case, is refused */
	snprintf(target, sizeof(target), "%s/BIN/I386/Distmgr.dll", root);
	snprintf(link, sizeof(link), "%s/BIN/I386/Link.dll", root);
	assert_int_equal(symlink(target, link), 0);
	assert_int_not_equal(hf_site_open_file(site, "bin/i386/link.dll", &fd, spelled, &e, &err),
			     0);
	assert_int_equal(e, ELOOP);
	assert_string_equal(spelled, "BIN/I386/link.dll"); /* as far as opened, then rel's */
	snprintf(target, sizeof(target), "%s/BIN/I386", root);
	snprintf(link, sizeof(link), "%s/BIN/Alias", root);
	assert_int_equal(symlink(target, link), 0);
	assert_int_not_equal(
	    hf_site_open_file(site, "bin/alias/distmgr.dll", &fd, spelled, &e, &err), 0);
	assert_true(e == ELOOP || e == ENOTDIR);
	/* a directory spelled with other code points, of another length (U+212A for K) */
	dir("BIN/\xe2\x84\xaaIT");
	put("BIN/\xe2\x84\xaaIT/\xc3\x89T\xc3\x89.DLL", "ete");
	assert_int_equal(
	    hf_site_open_file(site, "bin/kit/\xc3\xa9t\xc3\xa9.dll", &fd, spelled, &e, &err), 0);
	assert_string_equal(spelled, "BIN/\xe2\x84\xaaIT/\xc3\x89T\xc3\x89.DLL");
	close(fd);
	/* two directories that fold to the same name: a conflict naming both */
	dir("bin");
	assert_int_equal(hf_site_open_file(site, "bin/i386/distmgr.dll", &fd, spelled, &e, &err),
			 -HF_E_CONFLICT);
	assert_int_equal(e, 0);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "'BIN' and 'bin'"));
	assert_non_null(strstr(err.msg, "bin/i386/distmgr.dll"));
	hf_site_free(site);
	/* names="exact": only the exact spelling */
	site_xml(" names=\"exact\"");
	assert_int_equal(hf_site_open(root, &site, &err), 0);
	assert_true(site->exact_names);
	assert_int_not_equal(hf_site_open_file(site, "BIN/I386/distmgr.dll", &fd, spelled, &e,
					       &err), 0);
	assert_int_equal(e, ENOENT);
	assert_int_equal(hf_site_open_file(site, "BIN/I386/Distmgr.dll", &fd, spelled, &e, &err),
			 0);
	assert_string_equal(spelled, "BIN/I386/Distmgr.dll");
	close(fd);
	hf_site_free(site);
	/* any other value is refused by the schema */
	site_xml(" names=\"EXACT\"");
	assert_int_equal(hf_site_open(root, &site, &err), -HF_E_SCHEMA);
	assert_null(site);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_eq),
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_resolve, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
