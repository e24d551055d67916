/* rehearsal: would a rollback work on this site?  Part of `check`.
 *
 * Owns: struct hf_rehearsal, a plain value.  Checks, without changing anything: free space
 * where staging and backups go (the new files, plus the originals in case a hard link is
 * impossible and they must be copied), every backup the site's registry relies on
 * (present, with the SHA-256 recorded), that the site's directories are writable, and
 * that no target, no directory on the way to one, nor .hotfix is immutable or append-only
 * (FS_IOC_GETFLAGS; a file system without it cannot tell, which is no failure).
 * The lock is the caller's: check holds it shared, so no writer is at work. */
#ifndef HOTFIX_REHEARSAL_H
#define HOTFIX_REHEARSAL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"
#include "registry.h"
#include "site.h"

struct hf_rehearsal {
	int ok;
	uint64_t free_bytes;      /* available to this user where .hotfix lives */
	uint64_t staging_bytes;   /* the new files */
	uint64_t backup_bytes;    /* the originals, if they must be copied */
	size_t backups_checked;   /* files of earlier hotfixes' backups verified */
	size_t backups_bad;
	int writable;
	size_t attrs_bad;         /* immutable or append-only targets and directories */
	size_t attrs_unknown;     /* inodes whose flags the file system cannot tell */
	char problems[600];       /* "; "-separated, each once, empty when ok */
};

/* Rehearse on site, whose state directory is sdir (the lock's st->dirfd; -1: none) and
 * whose registry, read from it, is reg (its backups are looked for under sdir).  plan may
 * be NULL (nothing to install).  Errors only for I/O and memory. */
int hf_rehearsal_run(const struct hf_site *site, int sdir, const struct hf_registry *reg,
		     const struct hf_plan *plan, struct hf_rehearsal *out,
		     struct hf_err *err) HF_MUST_CHECK;

#endif
