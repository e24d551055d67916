/* swap: the file-level steps of a transaction, each safe to run again.
 *
 * Owns nothing beyond the call.  Every name is a leaf inside an open directory (the
 * caller walked to it without following symlinks), every change goes through module
 * fsop, and every step is idempotent: recovery re-runs them without knowing how far a
 * crashed run got. */
#ifndef HOTFIX_SWAP_H
#define HOTFIX_SWAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "err.h"
#include "hash.h"

/* SHA-256 (and stat, when st is not NULL) of the regular file dir/leaf; *present is 0,
 * and 0 returned, when it does not exist.  A symlink or non-regular file is -HF_E_IO. */
int hf_swap_hash(int dir, const char *leaf, int *present, uint8_t out[HF_SHA256_LEN],
		 struct stat *st, const char *display, struct hf_err *err) HF_MUST_CHECK;

/* "version 1.2.3.4, SHA-256 ..." of dir/leaf, or "missing", for messages. */
void hf_swap_describe(int dir, const char *leaf, char *buf, size_t len);

/* ddir/dleaf becomes the same content as sdir/sleaf (replacing any ddir/dleaf): a hard
 * link, or a copy with owner, mode and times, fsync'd, when a link is impossible
 * (EXDEV, EPERM, EMLINK, EOPNOTSUPP).  ddir itself is not fsync'd: the caller adds it to
 * a syncset and makes a batch of copies durable at once. */
int hf_swap_keep(int sdir, const char *sleaf, int ddir, const char *dleaf, const char *display,
		 struct hf_err *err) HF_MUST_CHECK;

/* Keep sdir/sleaf, which a swap will replace, as ddir/dleaf in a form nobody but root can
 * change: a hard link only when the file is owned by root, not writable by group or others
 * and has no other name (st_nlink 1) -- and, once linked, still is that inode with exactly
 * two names; otherwise a copy (hf_swap_keep's, through fsop) with owner, mode and times,
 * fsync'd, whose bytes must have the SHA-256 want (-HF_E_CONFLICT if they do not: someone
 * writes to the file).  *copied says which.  ddir is not fsync'd (as hf_swap_keep). */
int hf_swap_backup(int sdir, const char *sleaf, int ddir, const char *dleaf,
		   const uint8_t want[HF_SHA256_LEN], int *copied, const char *display,
		   struct hf_err *err) HF_MUST_CHECK;

/* Replace tdir/tleaf by the content of sdir/sleaf in one rename(2): hf_swap_keep() to
 * .<tleaf>.hotfix-tmp beside it, rename over it, fsync tdir.  A process that has the old
 * file open or mapped keeps it. */
int hf_swap_place(int sdir, const char *sleaf, int tdir, const char *tleaf, const char *display,
		  struct hf_err *err) HF_MUST_CHECK;

/* hf_swap_place() without its final fsync of tdir: the caller adds the directory to a
 * fsop syncset (struct hf_fs_syncset) and fsyncs every distinct directory once, after a batch. */
int hf_swap_place_nosync(int sdir, const char *sleaf, int tdir, const char *tleaf,
			 const char *display, struct hf_err *err) HF_MUST_CHECK;

/* Remove the temporary hf_swap_place() may have left beside tdir/tleaf, durably. */
int hf_swap_drop_tmp(int tdir, const char *tleaf, const char *display,
		     struct hf_err *err) HF_MUST_CHECK;

#endif
