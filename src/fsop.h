/* fsop: every change hotfix makes to a disk goes through this module.
 *
 * Owns: the thin wrappers around the mutating system calls (create, write, fsync, rename,
 * link, unlink, mkdir, chown, chmod, utimens, ftruncate, fallocate) and the helpers built only from them
 * (mkdir -p, rm -r, copy with hash, atomic whole-file write, a set of directories fsync'd
 * once each after a batch).  Wrappers behave like the
 * system calls (-1 and errno); helpers fill a struct hf_err.
 *
 * Test builds compile this file with -DHF_FAULT_INJECTION (build/hotfix-fault): then
 * $HOTFIX_FAULT selects a fault at the K-th mutating operation of the process --
 *   count      print "hotfix-fault: N operations" to stderr at exit
 *   crash:K    SIGKILL the process just before operation K
 *   enospc:K   operation K fails with ENOSPC (eio:K: EIO)
 *   exdev      every link() fails with EXDEV (forces the copy fallbacks)
 *   stall:K    sleep 3 s just before operation K (holding whatever it holds)
 *   sigint:K   raise SIGINT just before operation K and again before every later one
 *              (sigterm:K, sighup:K, sigquit:K likewise): the operation itself goes on, and the
 *              interruption takes effect at the next safe point (intr.h)
 * and $HOTFIX_FAULT_TRACE=1 prints each operation.  The production binary has none of it. */
#ifndef HOTFIX_FSOP_H
#define HOTFIX_FSOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "hash.h"

/* A temporary's name beside a file: the file's name (at most NAME_MAX, 255 bytes) and a
 * suffix (".tmp"; swap's ".hotfix-tmp").  A name that does not fit is refused. */
#define HF_FS_TMP_NAME_MAX 300

/* Create name in dirfd exclusively (O_EXCL, no symlink), read-write.  Returns the fd. */
int hf_fs_create(int dirfd, const char *name, mode_t mode);
/* Open name in dirfd for appending, creating it if missing. */
int hf_fs_open_append(int dirfd, const char *name, mode_t mode);
/* Write all of buf (retrying short writes and EINTR). */
int hf_fs_write(int fd, const void *buf, size_t len);
int hf_fs_fsync(int fd);
/* Start writing len bytes at off of fd back to disk now, without waiting (a hint: the
 * fsync that must follow is then short).  No error: the fsync reports any. */
void hf_fs_writeback(int fd, uint64_t off, uint64_t len);
int hf_fs_rename(int olddir, const char *oldname, int newdir, const char *newname);
int hf_fs_link(int olddir, const char *oldname, int newdir, const char *newname);
int hf_fs_unlink(int dirfd, const char *name, int flags);
int hf_fs_mkdir(int dirfd, const char *name, mode_t mode);
int hf_fs_fchown(int fd, uid_t uid, gid_t gid);
int hf_fs_fchmod(int fd, mode_t mode);
int hf_fs_futimens(int fd, const struct timespec times[2]);
int hf_fs_ftruncate(int fd, off_t len);
/* fallocate(2): mode as there (FALLOC_FL_KEEP_SIZE: allocate past the end, size unchanged). */
int hf_fs_fallocate(int fd, int mode, off_t off, off_t len);

/* unlinkat that treats "already gone" as success. */
int hf_fs_unlink_if(int dirfd, const char *name, int flags);

/* Open (creating what is missing, mode 0755) the directory rel below dirfd, one
 * component at a time, never following a symlink; returns an O_RDONLY directory fd
 * in *out.  name is for messages. */
int hf_fs_mkdirs(int dirfd, const char *rel, int *out, const char *name,
		 struct hf_err *err) HF_MUST_CHECK;

/* Same, creating nothing when create is 0 (a missing directory is -HF_E_IO); with create
 * HF_FS_CREATE_DURABLE, each directory that had to be made is also fsync'd into its
 * parent, so that a file later made durable inside it stays reachable after a crash. */
#define HF_FS_CREATE_DURABLE 2
int hf_fs_opendirs(int dirfd, const char *rel, int create, int *out, const char *name,
		   struct hf_err *err) HF_MUST_CHECK;

/* Open (O_RDONLY) the directory that holds rel's last component below base, as
 * hf_fs_opendirs does; *leaf points into rel at that last component. */
int hf_fs_open_parent(int base, const char *rel, int create, int *dirfd, const char **leaf,
		      const char *name, struct hf_err *err) HF_MUST_CHECK;

/* Remove name below dirfd and everything in it (not following symlinks); missing is
 * fine.  Depth is limited to 64. */
int hf_fs_rmtree(int dirfd, const char *name, const char *display, struct hf_err *err) HF_MUST_CHECK;

/* Copy everything from src (at its offset) to dst, hashing as it goes; fails with
 * -HF_E_SIZE past max bytes.  sha256/size may be NULL. */
int hf_fs_copy(int src, int dst, uint64_t max, uint8_t sha256[HF_SHA256_LEN], uint64_t *size,
	       const char *name, struct hf_err *err) HF_MUST_CHECK;

/* Give fd the owner, mode and times of st (owner only when it differs). */
int hf_fs_copy_meta(int fd, const struct stat *st, int times, const char *name,
		    struct hf_err *err) HF_MUST_CHECK;

/* Replace name in dirfd with exactly buf: write name.tmp, fsync, rename, fsync dirfd. */
int hf_fs_write_atomic(int dirfd, const char *name, const void *buf, size_t len,
		       const char *display, struct hf_err *err) HF_MUST_CHECK;

/* Directories whose fsync is deferred to the end of a batch, each distinct one (by device
 * and inode) fsync'd once: a flush of the disk per directory, not per file. */
#define HF_FS_SYNCSET_MAX 16
struct hf_fs_syncset {
	size_t n;
	int fd[HF_FS_SYNCSET_MAX];
	dev_t dev[HF_FS_SYNCSET_MAX];
	ino_t ino[HF_FS_SYNCSET_MAX];
};

void hf_fs_syncset_init(struct hf_fs_syncset *s);
/* Remember dirfd (a duplicate is kept; a full set fsyncs dirfd at once instead). */
int hf_fs_syncset_add(struct hf_fs_syncset *s, int dirfd, const char *display,
		      struct hf_err *err) HF_MUST_CHECK;
/* fsync every directory of the set, then empty it. */
int hf_fs_syncset_sync(struct hf_fs_syncset *s, const char *display,
		       struct hf_err *err) HF_MUST_CHECK;
/* Close what the set holds, without fsync (after a failure). */
void hf_fs_syncset_close(struct hf_fs_syncset *s);

#endif
