/* fold: Unicode simple case folding of UTF-8 names and the lookup of a name in a
 * directory under it. */
#include "fold.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "foldtab.h"

#define NTAB (sizeof(hf_foldtab) / sizeof(hf_foldtab[0]))
#define RAW 0x110000u /* RAW + b: byte b, not part of a valid UTF-8 sequence */

/* The code point at s[*i] (advancing *i): a valid UTF-8 sequence -- shortest form, no
 * surrogate, at most U+10FFFF -- gives its code point; any other byte stands for itself
 * (RAW + byte), so that it matches only the same byte. */
static uint32_t next_cp(const unsigned char *s, size_t *i)
{
	unsigned char b = s[*i];
	uint32_t c, min;
	size_t n;

	if (b < 0x80) {
		(*i)++;
		return b;
	}
	if (b >= 0xc2 && b <= 0xdf)
		n = 1, c = b & 0x1fu, min = 0x80;
	else if (b >= 0xe0 && b <= 0xef)
		n = 2, c = b & 0x0fu, min = 0x800;
	else if (b >= 0xf0 && b <= 0xf4)
		n = 3, c = b & 0x07u, min = 0x10000;
	else
		goto raw;
	for (size_t k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80) /* also stops at the NUL */
			goto raw;
		c = c << 6 | (s[*i + k] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto raw;
	*i += n + 1;
	return c;
raw:
	(*i)++;
	return RAW + b;
}

/* c's simple case folding (itself when CaseFolding.txt has no C or S line for it). */
static uint32_t fold_cp(uint32_t c)
{
	size_t lo = 0, hi = NTAB;

	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hf_foldtab[mid][0] == c)
			return hf_foldtab[mid][1];
		if (hf_foldtab[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

int hf_fold_eq(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	size_t i = 0, j = 0;

	while (p[i] && q[j])
		if (fold_cp(next_cp(p, &i)) != fold_cp(next_cp(q, &j)))
			return 0;
	return p[i] == '\0' && q[j] == '\0';
}

int hf_fold_has_case(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p >= 0x80)
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
	fd = hf_fold_has_case(name) ? openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd < 0 && hf_fold_has_case(name) && errno != EACCES)
		return -errno;
	if (fd < 0) { /* nothing to fold, or a directory that may be searched, not read */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return errno == ENOENT ? HF_FOLD_MISSING : -errno;
		memcpy(found, name, len + 1);
		return HF_FOLD_ONE;
	}
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
		if (strlen(ent->d_name) <= NAME_MAX && hf_fold_eq(ent->d_name, name))
			keep(ent->d_name, &n, found, other);
	}
	closedir(d);
	if (e) {
		found[0] = other[0] = '\0';
		return -e;
	}
	return n == 0 ? HF_FOLD_MISSING : n == 1 ? HF_FOLD_ONE : HF_FOLD_TWO;
}
