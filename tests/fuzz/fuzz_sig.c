/* libFuzzer target: the signature check.  The input is split into content and signature
 * (two bytes of content length, big-endian, then the content, then the signature); both
 * go to hf_sig_verify() against the demo trust file.  Oracle: only the signed manifest's
 * own bytes are ever accepted -- an accepted input whose content differs from
 * manifests/KB936465.xml is a forged signature and aborts.  (The signature bytes may
 * differ: ECDSA signatures are malleable and CMS allows other encodings of the same
 * signature; what must never change is the content that was signed.) */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "manifest.h"
#include "sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t *signed_content;
static size_t signed_len;
static const char *trust;

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct hf_err err;
	struct hf_sig_info info;
	uint8_t *sig;
	size_t siglen;
	char sigpath[4096];

	(void)argc;
	(void)argv;
	trust = env_or("HOTFIX_FUZZ_TRUST", "manifests/demo-pki/demo-ca.pem");
	if (hf_read_file(env_or("HOTFIX_FUZZ_SIGNED", "manifests/KB936465.xml"), HF_MANIFEST_MAX,
			 &signed_content, &signed_len, NULL, &err) != 0) {
		fprintf(stderr, "fuzz_sig: %s (run from the top of the tree)\n", err.msg);
		exit(1);
	}
	/* the oracle means something only if the original pair is accepted */
	snprintf(sigpath, sizeof(sigpath), "%s.p7s",
		 env_or("HOTFIX_FUZZ_SIGNED", "manifests/KB936465.xml"));
	if (hf_read_file(sigpath, HF_SIGNATURE_MAX, &sig, &siglen, NULL, &err) != 0 ||
	    hf_sig_verify(signed_content, signed_len, sig, siglen, "fuzz", trust, &info, &err) != 0) {
		fprintf(stderr, "fuzz_sig: the original pair is not accepted: %s\n", err.msg);
		exit(1);
	}
	free(sig);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hf_sig_info info;
	struct hf_err err;
	size_t clen;

	if (size < 2)
		return 0;
	clen = (size_t)data[0] << 8 | data[1];
	if (clen > size - 2)
		return 0;
	if (hf_sig_verify(data + 2, clen, data + 2 + clen, size - 2 - clen, "fuzz", trust, &info,
			  &err) == 0 &&
	    (clen != signed_len || memcmp(data + 2, signed_content, clen) != 0)) {
		fprintf(stderr, "fuzz_sig: accepted a signature over other content\n");
		abort();
	}
	return 0;
}
