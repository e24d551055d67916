/* payload: size and SHA-256 of the payload archive, checked in one streaming pass. */
#include "payload.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hf_payload_verify(const struct hf_manifest *m, struct hf_err *err)
{
	uint8_t digest[HF_SHA256_LEN];
	char want[HF_SHA256_HEX], got[HF_SHA256_HEX];
	uint64_t size = 0;
	struct stat st;
	int fd = open(m->payload_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r = 0;

	if (fd < 0) {
		r = hf_err_set(err, HF_E_IO, "payload %s: cannot open: %s", m->payload_path,
			       strerror(errno));
		hf_err_hint(err, "keep the payload at '%s' relative to the manifest",
			    m->payload_href);
		return r;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = hf_err_set(err, HF_E_IO, "payload %s: not a regular file", m->payload_path);
		goto out;
	}
	if ((uint64_t)st.st_size != m->payload_size) {
		r = hf_err_set(err, HF_E_SIZE, "payload %s: %llu bytes, the manifest says %llu",
			       m->payload_path, (unsigned long long)st.st_size,
			       (unsigned long long)m->payload_size);
		goto out;
	}
	r = hf_sha256_fd(fd, m->payload_path, digest, &size, err);
	if (r)
		goto out;
	if (size != m->payload_size) {
		r = hf_err_set(err, HF_E_SIZE, "payload %s: changed size while being read",
			       m->payload_path);
		goto out;
	}
	if (memcmp(digest, m->payload_sha256, HF_SHA256_LEN) != 0) {
		r = hf_err_set(err, HF_E_HASH, "payload %s: SHA-256 %s, the manifest says %s",
			       m->payload_path, hf_sha256_hex(digest, got),
			       hf_sha256_hex(m->payload_sha256, want));
		goto out;
	}
out:
	if (r && r != -HF_E_IO)
		hf_err_hint(err, "the payload is damaged or not the one this manifest describes; "
				 "fetch it again from the publisher");
	close(fd);
	return r;
}
