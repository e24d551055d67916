/* libFuzzer target: Authenticode verification (table walk, image hash, PKCS#7, nested
 * signatures, chain) on arbitrary bytes, against the demo CA (tests/fuzz/run runs from
 * the top of the tree); the seeds are osslsigncode-signed images. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "authenticode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hf_ac_trust *trust;
	static struct hf_ac_result res;
	struct hf_err err;

	if (!trust && hf_ac_trust_open("manifests/demo-pki/demo-ca.pem", &trust, &err) != 0)
		abort();
	(void)hf_ac_verify_mem(trust, data, size, 0, &res, &err);
	return 0;
}
