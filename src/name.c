/* name: the safe-path and safe-id predicates. */
#include "name.h"

#include <ctype.h>
#include <string.h>

int hf_name_safe_path(const char *path)
{
	const char *p = path;
	size_t depth = 0;

	if (!*p || *p == '/' || strlen(p) > HF_NAME_PATH_MAX)
		return 0;
	while (*p) {
		if (++depth > HF_NAME_DEPTH_MAX)
			return 0;
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' ||
			    p[i] == ':')
				return 0;
		p += n;
		if (*p == '/')
			p++;
		if (end && !*p)
			return 0; /* trailing slash */
	}
	return 1;
}

int hf_name_safe_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64 || !isalnum((unsigned char)id[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && !strchr("._-", id[i]))
			return 0;
	return 1;
}
