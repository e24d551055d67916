/* inuse: which processes still use a file -- map it (shared library, mmap) or hold it open
 * -- found by inode in /proc/PID/maps and /proc/PID/fd, like needrestart and lsof.
 *
 * Owns: struct hf_inuse (free with hf_inuse_free) and the reading of /proc.  A file is
 * matched by device and inode, never by name: after a swap the old inode has no name at
 * the target any more, and a process that loaded it still runs its code.  /proc/PID/maps
 * gives each mapping's device (major:minor, hex) and inode; each /proc/PID/fd/N is
 * stat()ed (the kernel resolves it to the open file even when it is deleted).  Every
 * line is bounded (HF_INUSE_LINE_MAX) and every field checked before use; a process that
 * ends while it is read, or whose files cannot be read (another user's, without root),
 * is skipped and counted. */
#ifndef HOTFIX_INUSE_H
#define HOTFIX_INUSE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define HF_INUSE_LINE_MAX 8192  /* a maps line: addresses, flags and a path */
#define HF_INUSE_HITS_MAX 10000 /* reported (pid, file) pairs; more are counted */
#define HF_INUSE_TARGETS_MAX 4096

/* A file to look for: its device and inode, and the name to report. */
struct hf_inuse_target {
	dev_t dev;
	ino_t ino;
	const char *path;
};

/* One process using one target. */
struct hf_inuse_hit {
	pid_t pid;
	char comm[32];  /* /proc/PID/comm */
	char *path;     /* the target's name (a copy) */
	int mapped;     /* in /proc/PID/maps */
	int open;       /* an open descriptor */
};

struct hf_inuse {
	struct hf_inuse_hit *hits; /* by pid, then by target order */
	size_t n;
	size_t more;       /* hits past HF_INUSE_HITS_MAX, not listed */
	size_t unreadable; /* processes that could not be inspected */
	int scanned;       /* a scan was made (0: no targets, or not asked) */
};

/* Scan every process under proc ("/proc"; tests give a tree of their own) except the
 * caller for the targets.  Errors: -HF_E_IO (proc cannot be listed), -HF_E_NOMEM,
 * -HF_E_USAGE (more than HF_INUSE_TARGETS_MAX targets). */
int hf_inuse_scan(const char *proc, const struct hf_inuse_target *t, size_t n,
		  struct hf_inuse *out, struct hf_err *err) HF_MUST_CHECK;

/* Parse one /proc/PID/maps line: the mapping's device and inode.  0 on success, -1 for a
 * line that is not a mapping line (nothing is trusted of it). */
int hf_inuse_parse_maps_line(const char *line, unsigned *major, unsigned *minor,
			     unsigned long long *ino);

void hf_inuse_free(struct hf_inuse *u);

#endif
