/* libFuzzer target: the installed-hotfix registry parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "installed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hf_installed *inst = NULL;
	struct hf_err err;

	if (hf_installed_parse(data, size, "fuzz/installed.xml", &inst, &err) == 0)
		hf_installed_free(inst);
	return 0;
}
