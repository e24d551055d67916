/* Unit tests of fsop, swap and state: directory walks never follow symlinks, rm -r,
 * atomic writes, keep/place semantics (the old inode survives a place), the temporary
 * is dropped, and the site lock refuses a second holder at once, naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsop.h"
#include "state.h"
#include "swap.h"
#include "xml.h"

static char root[64];
static int rootfd = -1;

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/hotfix-test-swap-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	rootfd = open(root, O_RDONLY | O_DIRECTORY);
	return rootfd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct hf_err err;

	(void)state;
	hf_err_clear(&err);
	close(rootfd);
	rootfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	assert_int_equal(hf_fs_rmtree(rootfd, root + 5, "tmp", &err), 0);
	close(rootfd);
	return 0;
}

static void put(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_dirs(void **state)
{
	struct hf_err err;
	const char *leaf;
	int fd;

	(void)state;
	assert_int_equal(hf_fs_mkdirs(rootfd, "a/b/c", &fd, "t", &err), 0);
	close(fd);
	assert_int_equal(hf_fs_mkdirs(rootfd, "a/b/c", &fd, "t", &err), 0); /* again: fine */
	close(fd);
	assert_int_equal(hf_fs_opendirs(rootfd, "a/x", 0, &fd, "t", &err), -HF_E_IO);
	assert_int_equal(symlinkat("/etc", rootfd, "link"), 0);
	assert_int_equal(hf_fs_opendirs(rootfd, "link", 0, &fd, "t", &err), -HF_E_IO);
	assert_non_null(strstr(err.msg, "symlink"));
	assert_int_equal(hf_fs_open_parent(rootfd, "link/passwd", 0, &fd, &leaf, "t", &err),
			 -HF_E_IO);
	assert_int_equal(hf_fs_open_parent(rootfd, "a/b/c/f.dll", 0, &fd, &leaf, "t", &err), 0);
	assert_string_equal(leaf, "f.dll");
	close(fd);
	put(rootfd, "a/b/c/f.dll", "x");
	assert_int_equal(hf_fs_rmtree(rootfd, "a", "t", &err), 0);
	assert_int_equal(faccessat(rootfd, "a", F_OK, 0), -1);
	assert_int_equal(hf_fs_rmtree(rootfd, "a", "t", &err), 0); /* missing is fine */
	/* rm -r does not follow a symlink: /etc survives */
	assert_int_equal(hf_fs_rmtree(rootfd, "link", "t", &err), 0);
	assert_int_equal(access("/etc/passwd", F_OK), 0);
}

static void test_write_atomic(void **state)
{
	struct hf_err err;
	char buf[16] = "";
	int fd;

	(void)state;
	assert_int_equal(hf_fs_write_atomic(rootfd, "reg.xml", "one", 3, "t", &err), 0);
	assert_int_equal(hf_fs_write_atomic(rootfd, "reg.xml", "two!", 4, "t", &err), 0);
	fd = openat(rootfd, "reg.xml", O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	close(fd);
	assert_string_equal(buf, "two!");
	assert_int_equal(faccessat(rootfd, "reg.xml.tmp", F_OK, 0), -1);
}

static void test_keep_place(void **state)
{
	struct hf_err err;
	struct stat old, now, kept;
	uint8_t sha[HF_SHA256_LEN], want[HF_SHA256_LEN];
	int present = 0;

	(void)state;
	put(rootfd, "target", "old content");
	put(rootfd, "new", "new content");
	assert_int_equal(fchmodat(rootfd, "target", 0751, 0), 0);
	assert_int_equal(fstatat(rootfd, "target", &old, 0), 0);
	/* keep: a hard link to the very inode */
	assert_int_equal(hf_swap_keep(rootfd, "target", rootfd, "kept", "t", &err), 0);
	assert_int_equal(fstatat(rootfd, "kept", &kept, 0), 0);
	assert_int_equal(kept.st_ino, old.st_ino);
	/* keeping again replaces the copy */
	assert_int_equal(hf_swap_keep(rootfd, "target", rootfd, "kept", "t", &err), 0);
	/* place: the target is a new inode with the new bytes; the old inode lives on */
	assert_int_equal(hf_swap_place(rootfd, "new", rootfd, "target", "t", &err), 0);
	assert_int_equal(fstatat(rootfd, "target", &now, 0), 0);
	assert_true(now.st_ino != old.st_ino);
	assert_int_equal(hf_swap_hash(rootfd, "target", &present, sha, NULL, "t", &err), 0);
	assert_int_equal(present, 1);
	assert_int_equal(hf_sha256_buf("new content", 11, want, &err), 0);
	assert_memory_equal(sha, want, HF_SHA256_LEN);
	assert_int_equal(faccessat(rootfd, ".target.hotfix-tmp", F_OK, 0), -1);
	/* place it back: exactly the old inode, mode included */
	assert_int_equal(hf_swap_place(rootfd, "kept", rootfd, "target", "t", &err), 0);
	assert_int_equal(fstatat(rootfd, "target", &now, 0), 0);
	assert_int_equal(now.st_ino, old.st_ino);
	assert_int_equal(now.st_mode & 07777, 0751);
	/* a left-over temporary is dropped; none is fine too */
	put(rootfd, ".target.hotfix-tmp", "junk");
	assert_int_equal(hf_swap_drop_tmp(rootfd, "target", "t", &err), 0);
	assert_int_equal(faccessat(rootfd, ".target.hotfix-tmp", F_OK, 0), -1);
	assert_int_equal(hf_swap_drop_tmp(rootfd, "target", "t", &err), 0);
	/* hashing refuses a symlink, and says "absent" for a missing file */
	assert_int_equal(symlinkat("target", rootfd, "sym"), 0);
	assert_int_equal(hf_swap_hash(rootfd, "sym", &present, sha, NULL, "t", &err), -HF_E_IO);
	assert_int_equal(hf_swap_hash(rootfd, "nothing", &present, sha, NULL, "t", &err), 0);
	assert_int_equal(present, 0);
}

static void test_lock(void **state)
{
	struct hf_site *site = NULL;
	struct hf_state *a = NULL, *b = NULL, *r1 = NULL, *r2 = NULL;
	struct hf_err err;
	char path[128], pid[32];

	(void)state;
	put(rootfd, "site.xml",
	    "<site code=\"LCK\" type=\"central\"><product name=\"SMS\" version=\"2003\" "
	    "servicepack=\"3\"/></site>");
	assert_int_equal(hf_site_open(root, &site, &err), 0);
	/* a reader of a site without state creates nothing */
	assert_int_equal(hf_state_open(site, HF_LOCK_SHARED, &r1, &err), 0);
	assert_int_equal(r1->dirfd, -1);
	hf_state_close(r1);
	snprintf(path, sizeof(path), "%s/.hotfix", root);
	assert_int_equal(access(path, F_OK), -1);
	/* a writer creates it; a second writer is refused at once, naming the holder */
	assert_int_equal(hf_state_open(site, HF_LOCK_EXCLUSIVE, &a, &err), 0);
	assert_int_equal(hf_state_open(site, HF_LOCK_EXCLUSIVE, &b, &err), -HF_E_BUSY);
	assert_null(b);
	snprintf(pid, sizeof(pid), "pid %ld", (long)getpid());
	assert_non_null(strstr(err.msg, pid));
	assert_int_equal(hf_state_open(site, HF_LOCK_SHARED, &r1, &err), -HF_E_BUSY);
	hf_state_close(a);
	/* readers share; a writer waits for none of them: busy */
	assert_int_equal(hf_state_open(site, HF_LOCK_SHARED, &r1, &err), 0);
	assert_int_equal(hf_state_open(site, HF_LOCK_SHARED, &r2, &err), 0);
	assert_int_equal(hf_state_open(site, HF_LOCK_EXCLUSIVE, &a, &err), -HF_E_BUSY);
	assert_int_equal(hf_state_upgrade(r1, &err), -HF_E_BUSY); /* r2 still reads */
	hf_state_close(r2);
	assert_int_equal(hf_state_upgrade(r1, &err), 0);
	assert_int_equal(hf_state_pending(r1), 0);
	hf_state_close(r1);
	hf_site_free(site);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_keep_place),
		cmocka_unit_test(test_lock),
	};
	int r = cmocka_run_group_tests(tests, setup, teardown);

	hf_xml_cleanup();
	return r;
}
