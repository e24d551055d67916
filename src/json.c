/* json: JSON helpers shared by the report modules. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

static unsigned long dumped; /* documents begun on stdout */

unsigned long hf_json_dumped(void)
{
	return dumped;
}

int hf_json_dump(FILE *out, json_t *doc)
{
	int r;

	if (doc && out == stdout)
		dumped++;
	r = doc ? json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

	if (r == 0)
		fputc('\n', out);
	json_decref(doc);
	return r == 0 ? 0 : hf_err_set(NULL, HF_E_NOMEM, "JSON output failed");
}

/* A command's output as a JSON string: as it is when it is UTF-8, else with every byte
 * outside printable ASCII as '?'. */
json_t *hf_json_any_text(const char *text)
{
	json_t *j = json_string(text);
	char *copy;

	if (j)
		return j;
	copy = strdup(text);
	if (!copy)
		return json_null();
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x7f || ((unsigned char)*p < 0x20 && *p != '\n'))
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_null();
}

json_t *hf_json_hex_or_null(int valid, const uint8_t d[HF_SHA256_LEN])
{
	char hex[HF_SHA256_HEX];

	return valid ? json_string(hf_sha256_hex(d, hex)) : json_null();
}

json_t *hf_json_version_or_null(int valid, const struct hf_version *v)
{
	char buf[HF_VERSION_STRLEN];

	return valid ? json_string(hf_version_format(v, buf)) : json_null();
}
