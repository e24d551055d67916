/* fold: ASCII case folding and the lookup of a name in a directory under it. */
#include "fold.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int hf_fold_eq(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p && lower(*p) == lower(*q))
		p++, q++;
	return *p == '\0' && *q == '\0';
}

int hf_fold_has_case(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			return 1;
	return 0;
}

/* Keep the two smallest spellings (strcmp order) seen so far. */
static void keep(const char *name, size_t *n, char *found, char *other)
{
	if (*n == 0 || strcmp(name, found) < 0) {
		if (*n > 0)
			memcpy(other, found, strlen(found) + 1);
		memcpy(found, name, strlen(name) + 1);
	} else if (*n == 1 || strcmp(name, other) < 0) {
		memcpy(other, name, strlen(name) + 1);
	}
	(*n)++;
}

int hf_fold_lookup(int dirfd, const char *name, char found[NAME_MAX + 1],
		   char other[NAME_MAX + 1])
{
	size_t n = 0, seen = 0, len = strlen(name);
	struct stat st;
	DIR *d;
	int fd, e;

	found[0] = other[0] = '\0';
	if (len == 0 || len > NAME_MAX || strchr(name, '/'))
		return -EINVAL;
	if (!hf_fold_has_case(name)) {
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return errno == ENOENT ? HF_FOLD_MISSING : -errno;
		memcpy(found, name, len + 1);
		return HF_FOLD_ONE;
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		e = errno;
		close(fd);
		return -e;
	}
	for (;;) {
		const struct dirent *ent;

		errno = 0;
		ent = readdir(d);
		if (!ent) {
			e = errno;
			break;
		}
		if (++seen > HF_FOLD_SCAN_MAX) {
			e = EFBIG;
			break;
		}
		if (strlen(ent->d_name) == len && hf_fold_eq(ent->d_name, name))
			keep(ent->d_name, &n, found, other);
	}
	closedir(d);
	if (e) {
		found[0] = other[0] = '\0';
		return -e;
	}
	return n == 0 ? HF_FOLD_MISSING : n == 1 ? HF_FOLD_ONE : HF_FOLD_TWO;
}
