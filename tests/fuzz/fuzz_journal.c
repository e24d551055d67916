/* libFuzzer target: the journal parser, on arbitrary bytes as they are, and with a valid
 * checksum line appended (so the field checks behind the checksum are reached too). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const uint8_t *buf, size_t len)
{
	struct hf_journal *j = NULL;
	struct hf_err err;

	if (hf_journal_parse(buf, len, "fuzz/journal", &j, &err) == 0)
		hf_journal_free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sum[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX];
	uint8_t *buf;
	struct hf_err err;

	parse(data, size);
	buf = malloc(size + 80);
	if (!buf || hf_sha256_buf(data, size, sum, &err) != 0) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	memcpy(buf + size, "sha256 ", 7);
	memcpy(buf + size + 7, hf_sha256_hex(sum, hex), 64);
	buf[size + 71] = '\n';
	parse(buf, size + 72);
	free(buf);
	return 0;
}
