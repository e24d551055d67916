/* fileio: read small files whole, with a size limit checked before allocation. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *hf_file_type(mode_t type)
{
	switch (type & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	default: return "of an unknown type";
	}
}

int hf_err_notreg(struct hf_err *err, int code, const char *name, mode_t type)
{
	int r = hf_err_set(err, code, "%s is not a regular file (%s)", name, hf_file_type(type));

	hf_err_hint(err, "hotfix reads and writes only regular files; remove it, or put the "
			 "real file back");
	return r;
}

int hf_open_reg(int dirfd, const char *name, int flags, mode_t mode, mode_t *type)
{
	struct stat st;
	int fd, fl;

	if (type)
		*type = 0;
	do
		fd = openat(dirfd, name, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (type)
			*type = st.st_mode & S_IFMT;
		errno = EINVAL;
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

ssize_t hf_read_some(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

int hf_read_fd(int fd, const char *name, size_t max, uint8_t **buf, size_t *len,
	       struct hf_err *err)
{
	struct stat st;
	uint8_t *b = NULL;
	size_t got = 0, want;

	if (fstat(fd, &st) != 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot stat: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return hf_err_notreg(err, HF_E_IO, name, st.st_mode);
	if ((uint64_t)st.st_size > max)
		return hf_err_set(err, HF_E_SIZE, "%s: %llu bytes, more than the limit of %zu",
				  name, (unsigned long long)st.st_size, max);
	want = (size_t)st.st_size;
	b = malloc(want + 1);
	if (!b)
		return hf_err_set(err, HF_E_NOMEM, "%s: cannot allocate %zu bytes", name, want + 1);
	while (got < want) {
		ssize_t n = hf_read_some(fd, b + got, want - got);

		if (n < 0) {
			free(b);
			return hf_err_set(err, HF_E_IO, "%s: read failed: %s", name,
					  strerror(errno));
		}
		if (n == 0)
			break; /* shrank while reading: take what is there */
		got += (size_t)n;
	}
	/* A file that grew past the limit while being read is refused too. */
	{
		uint8_t extra;
		ssize_t n = read(fd, &extra, 1);

		if (n > 0) {
			free(b);
			return hf_err_set(err, HF_E_SIZE, "%s: file grew while being read", name);
		}
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}

int hf_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, int *missing,
		 struct hf_err *err)
{
	mode_t type;
	int fd = hf_open_reg(AT_FDCWD, path, O_RDONLY, 0, &type);
	int r;

	if (missing)
		*missing = 0;
	if (fd < 0 && type)
		return hf_err_notreg(err, HF_E_IO, path, type);
	if (fd < 0) {
		if (missing && errno == ENOENT)
			*missing = 1;
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, strerror(errno));
	}
	r = hf_read_fd(fd, path, max, buf, len, err);
	close(fd);
	return r;
}
