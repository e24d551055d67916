/* fileio: bounded whole-file reads for small inputs (manifests, signatures, site files).
 *
 * Owns: the buffer it returns (free() it).  A file larger than the caller's limit is
 * refused before anything is allocated for it. */
#ifndef HOTFIX_FILEIO_H
#define HOTFIX_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Read the regular file at path (at most max bytes) into a new NUL-terminated buffer.
 * Errors: -HF_E_IO (cannot open/read; *missing set to 1 if it does not exist, when
 * missing != NULL), -HF_E_SIZE (larger than max), -HF_E_NOMEM. */
int hf_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, int *missing,
		 struct hf_err *err) HF_MUST_CHECK;

/* Read all of an open regular file (at most max bytes); name is for messages. */
int hf_read_fd(int fd, const char *name, size_t max, uint8_t **buf, size_t *len,
	       struct hf_err *err) HF_MUST_CHECK;

#endif
