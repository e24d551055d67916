/* Unit tests of fileio: hf_open_reg opens a regular file (O_NONBLOCK cleared again) and
 * refuses a FIFO, a character device, a directory and (with O_NOFOLLOW) a symbolic link
 * without blocking -- a FIFO with no writer would block a plain open(2) for good -- and
 * hf_read_file / hf_read_fd name what they found ("... is not a regular file (a FIFO)"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static char root[64];
static int rootfd = -1;

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/hotfix-test-fileio-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_regular(void **state)
{
	mode_t type = 1;
	int fd;

	(void)state;
	fd = hf_open_reg(rootfd, "new", O_RDWR | O_CREAT | O_NOFOLLOW, 0600, &type);
	assert_true(fd >= 0);
	assert_int_equal(type, 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0); /* cleared before reading */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	fd = hf_open_reg(rootfd, "new", O_RDONLY | O_NOFOLLOW, 0, NULL);
	assert_true(fd >= 0);
	close(fd);
	/* missing: open(2)'s error, no type */
	assert_int_equal(hf_open_reg(rootfd, "absent", O_RDONLY, 0, &type), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(type, 0);
	/* a symbolic link with O_NOFOLLOW: ELOOP, as before */
	assert_int_equal(symlinkat("new", rootfd, "link"), 0);
	assert_int_equal(hf_open_reg(rootfd, "link", O_RDONLY | O_NOFOLLOW, 0, &type), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(type, 0);
}

static void test_not_regular(void **state)
{
	char path[128];
	uint8_t *buf = NULL;
	size_t len = 0;
	struct hf_err err;
	mode_t type = 0;
	int missing = 1;

	(void)state;
	/* a FIFO with no writer: refused at once, read-only, write-only and read-write */
	assert_int_equal(mkfifoat(rootfd, "fifo", 0600), 0);
	assert_int_equal(hf_open_reg(rootfd, "fifo", O_RDONLY | O_NOFOLLOW, 0, &type), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(type, S_IFIFO);
	assert_int_equal(hf_open_reg(rootfd, "fifo", O_RDWR | O_CREAT, 0600, &type), -1);
	assert_int_equal(type, S_IFIFO);
	assert_int_equal(hf_open_reg(rootfd, "fifo", O_WRONLY | O_APPEND | O_CREAT, 0600, NULL),
			 -1);
	/* a directory and a character device */
	assert_int_equal(mkdirat(rootfd, "dir", 0700), 0);
	assert_int_equal(hf_open_reg(rootfd, "dir", O_RDONLY, 0, &type), -1);
	assert_int_equal(type, S_IFDIR);
	assert_int_equal(hf_open_reg(AT_FDCWD, "/dev/null", O_RDONLY, 0, &type), -1);
	assert_int_equal(type, S_IFCHR);
	/* the readers name it */
	snprintf(path, sizeof(path), "%s/fifo", root);
	assert_int_equal(hf_read_file(path, 1024, &buf, &len, &missing, &err), -HF_E_IO);
	assert_null(buf);
	assert_int_equal(missing, 0);
	assert_non_null(strstr(err.msg, "fifo is not a regular file (a FIFO)"));
	assert_int_equal(hf_err_notreg(&err, HF_E_MALFORMED, "x", S_IFBLK), -HF_E_MALFORMED);
	assert_string_equal(err.msg, "x is not a regular file (a block device)");
	assert_string_equal(hf_file_type(S_IFSOCK), "a socket");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_not_regular),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
