/* libFuzzer target: the PE version reader on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hf_pe_info pe;
	struct hf_err err;

	(void)hf_pe_read_mem(data, size, "fuzz", &pe, &err);
	return 0;
}
