/* fileio: read small files whole, with a size limit checked before allocation. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hf_read_fd(int fd, const char *name, size_t max, uint8_t **buf, size_t *len,
	       struct hf_err *err)
{
	struct stat st;
	uint8_t *b = NULL;
	size_t got = 0, want;

	if (fstat(fd, &st) != 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot stat: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return hf_err_set(err, HF_E_IO, "%s: not a regular file", name);
	if ((uint64_t)st.st_size > max)
		return hf_err_set(err, HF_E_SIZE, "%s: %llu bytes, more than the limit of %zu",
				  name, (unsigned long long)st.st_size, max);
	want = (size_t)st.st_size;
	b = malloc(want + 1);
	if (!b)
		return hf_err_set(err, HF_E_NOMEM, "%s: cannot allocate %zu bytes", name, want + 1);
	while (got < want) {
		ssize_t n = read(fd, b + got, want - got);

		if (n < 0 && errno == EINTR)
			continue;
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
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* FIFO: no block */
	int r;

	if (missing)
		*missing = 0;
	if (fd < 0) {
		if (missing && errno == ENOENT)
			*missing = 1;
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, strerror(errno));
	}
	r = hf_read_fd(fd, path, max, buf, len, err);
	close(fd);
	return r;
}
