/* libFuzzer target: the check every manifest path and payload entry name passes before it
 * is used (hf_name_safe_path).  hotfix never "cleans" a path; it refuses any path that is
 * not already in normal form.  Property: a path it accepts, joined to a site root and
 * normalised the way a kernel would resolve it ('.' and '..' components, repeated and
 * trailing '/'), and also with '\' and ':' read as separators the way Windows would, stays
 * strictly beneath the root and is unchanged by normalisation; and it has no control
 * character.  Any accepted path breaking this aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROOT "/site/root"

/* Normalise ROOT "/" path lexically into out; seps are the separator characters. */
static void normalise(const char *path, const char *seps, char *out, size_t cap)
{
	size_t len = strlen(ROOT);
	const char *p = path;

	memcpy(out, ROOT, len + 1);
	while (*p) {
		size_t n = strcspn(p, seps);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out, '/');

			len = slash && slash != out ? (size_t)(slash - out) : 1;
			out[len] = '\0';
			if (len == 1)
				out[0] = '/';
		} else if (len + 1 + n < cap) {
			if (out[len - 1] != '/')
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n;
		if (*p)
			p++;
	}
}

static void check(const char *path, const char *seps)
{
	char norm[8192], plain[8192];

	normalise(path, seps, norm, sizeof(norm));
	snprintf(plain, sizeof(plain), "%s/%s", ROOT, path);
	if (strncmp(norm, ROOT "/", strlen(ROOT) + 1) != 0 || strlen(norm) <= strlen(ROOT) + 1) {
		fprintf(stderr, "fuzz_path: accepted '%s' resolves to '%s', outside %s\n", path,
			norm, ROOT);
		abort();
	}
	if (strcmp(norm, plain) != 0) {
		fprintf(stderr, "fuzz_path: accepted '%s' is not in normal form ('%s')\n", path,
			norm);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path;

	if (size > 4096)
		return 0;
	path = malloc(size + 1);
	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (hf_name_safe_path(path)) {
		for (const char *c = path; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				fprintf(stderr, "fuzz_path: accepted a control character\n");
				abort();
			}
		check(path, "/");
		check(path, "/\\:");
	}
	free(path);
	return 0;
}
