/* version: strict parsing, comparison and formatting of four-part versions. */
#include "version.h"

#include <stdio.h>

int hf_version_parse(const char *text, struct hf_version *out, struct hf_err *err)
{
	const char *p = text;

	for (int i = 0; i < 4; i++) {
		uint32_t n = 0;
		int digits = 0;

		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (uint32_t)(*p - '0');
			if (++digits > 5 || n > 65535)
				return hf_err_set(err, HF_E_MALFORMED,
						  "version '%.40s': part %d is larger than 65535",
						  text, i + 1);
			p++;
		}
		if (digits == 0 || (i < 3 && *p != '.') || (i == 3 && *p != '\0'))
			return hf_err_set(err, HF_E_MALFORMED,
					  "version '%.40s' is not of the form a.b.c.d", text);
		out->part[i] = (uint16_t)n;
		if (i < 3)
			p++;
	}
	return 0;
}

struct hf_version hf_version_from_ms_ls(uint32_t ms, uint32_t ls)
{
	struct hf_version v = { { (uint16_t)(ms >> 16), (uint16_t)(ms & 0xffff),
				  (uint16_t)(ls >> 16), (uint16_t)(ls & 0xffff) } };
	return v;
}

int hf_version_cmp(const struct hf_version *a, const struct hf_version *b)
{
	for (int i = 0; i < 4; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return 0;
}

char *hf_version_format(const struct hf_version *v, char *buf)
{
	snprintf(buf, HF_VERSION_STRLEN, "%u.%u.%u.%u", (unsigned)v->part[0],
		 (unsigned)v->part[1], (unsigned)v->part[2], (unsigned)v->part[3]);
	return buf;
}
