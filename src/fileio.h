/* fileio: bounded whole-file reads for small inputs (manifests, signatures, site files),
 * the one way a file hotfix reads or writes is opened (hf_open_reg: never blocks on a
 * FIFO or a device put in its place), and the one read(2) of a file (hf_read_some:
 * restarted when a signal interrupts it).
 *
 * Owns: the buffer it returns (free() it).  A file larger than the caller's limit is
 * refused before anything is allocated for it. */
#ifndef HOTFIX_FILEIO_H
#define HOTFIX_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Read the regular file at path (at most max bytes) into a new NUL-terminated buffer.
 * Errors: -HF_E_IO (cannot open/read; *missing set to 1 if it does not exist, when
 * missing != NULL), -HF_E_SIZE (larger than max), -HF_E_NOMEM. */
int hf_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, int *missing,
		 struct hf_err *err) HF_MUST_CHECK;

/* Read all of an open regular file (at most max bytes); name is for messages. */
int hf_read_fd(int fd, const char *name, size_t max, uint8_t **buf, size_t *len,
	       struct hf_err *err) HF_MUST_CHECK;

/* Open name (relative to dirfd; AT_FDCWD for a path) as a regular file.  flags is the
 * access mode plus any of O_CREAT, O_EXCL, O_APPEND, O_TRUNC, O_NOFOLLOW; O_NONBLOCK,
 * O_CLOEXEC and O_NOCTTY are added, so a FIFO or a device in the file's place does not
 * block the open (an open(2) that blocks is restarted after a signal: it would hang for
 * good); after fstat, anything but a regular file is closed and refused; O_NONBLOCK is
 * cleared before the descriptor is returned.  Returns the descriptor, or -1 with errno
 * set: open(2)'s error and *type 0, or EINVAL and *type the S_IFMT bits of what is there
 * (hf_err_notreg words the refusal).  type may be NULL. */
int hf_open_reg(int dirfd, const char *name, int flags, mode_t mode, mode_t *type) HF_MUST_CHECK;

/* read(2) of at most len bytes into buf, restarted when a signal interrupts it before
 * anything was read (EINTR).  Returns what read(2) returns: the number of bytes read (fewer
 * than len at the end of the file, or when fewer were ready), 0 at the end, -1 with errno
 * set. */
ssize_t hf_read_some(int fd, void *buf, size_t len) HF_MUST_CHECK;

/* "a FIFO", "a directory", "a character device", ... for the S_IFMT bits of a mode. */
const char *hf_file_type(mode_t type);

/* Set err to "NAME is not a regular file (a FIFO)" with code and a hint; returns -code. */
int hf_err_notreg(struct hf_err *err, int code, const char *name, mode_t type);

#endif
