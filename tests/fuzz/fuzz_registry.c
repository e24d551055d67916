/* libFuzzer target: the installed-hotfix registry parser, on arbitrary bytes as they are,
 * and with a valid checksum line appended (so the XML and field checks behind the
 * checksum are reached too). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const uint8_t *buf, size_t len)
{
	struct hf_registry *inst = NULL;
	struct hf_err err;

	if (hf_registry_parse(buf, len, "fuzz/installed.xml", &inst, &err) == 0)
		hf_registry_free(inst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sum[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX];
	uint8_t *buf;
	struct hf_err err;
	int n;

	parse(data, size);
	buf = malloc(size + 96);
	if (!buf || hf_sha256_buf(data, size, sum, &err) != 0) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	n = snprintf((char *)buf + size, 96, "<!-- sha256 %s -->\n", hf_sha256_hex(sum, hex));
	parse(buf, size + (size_t)n);
	free(buf);
	return 0;
}
