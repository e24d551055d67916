/* libFuzzer target: the hook record parser (hookrec.h) and the /proc/PID/stat parser, on
 * arbitrary bytes; a record that parses must format back to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hookrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hf_hookrec r;
	struct hf_proc p;
	struct hf_err err;
	char back[HF_HOOKREC_MAX];
	int n;

	(void)hf_proc_parse_stat((const char *)data, size, &p);
	if (hf_hookrec_parse((const char *)data, size, "fuzz/hook", &r, &err) != 0)
		return 0;
	n = hf_hookrec_format(&r, back, sizeof(back));
	if (n < 0 || (size_t)n != size || memcmp(back, data, size) != 0)
		__builtin_trap(); /* what parses is exactly what hotfix writes */
	return 0;
}
