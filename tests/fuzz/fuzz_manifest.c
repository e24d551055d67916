/* libFuzzer target: manifest parsing and validation (no signature) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hf_manifest *m = NULL;
	struct hf_err err;

	if (hf_manifest_parse(data, size, "fuzz/m.xml", &m, &err) == 0)
		hf_manifest_free(m);
	return 0;
}
