/* swap: hash, keep, place and clean up single files of a transaction. */
#include "swap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "fsop.h"
#include "pe.h"
#include "version.h"

#define TMP_SUFFIX ".hotfix-tmp"

static int tmp_name(const char *leaf, char *buf, size_t len, struct hf_err *err)
{
	if (snprintf(buf, len, ".%s" TMP_SUFFIX, leaf) >= (int)len)
		return hf_err_set(err, HF_E_MALFORMED, "%s: file name too long", leaf);
	return 0;
}

/* SHA-256 (and stat) of dir/leaf, a regular file; *present is 0 when it does not exist. */
int hf_swap_hash(int dir, const char *leaf, int *present, uint8_t out[HF_SHA256_LEN],
		 struct stat *st, const char *display, struct hf_err *err)
{
	struct stat sb;
	int fd = openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	*present = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", display,
				  errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	}
	if (fstat(fd, &sb) != 0) {
		r = hf_err_set(err, HF_E_IO, "%s: cannot stat: %s", display, strerror(errno));
		close(fd);
		return r;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return hf_err_notreg(err, HF_E_IO, display, sb.st_mode);
	}
	*present = 1;
	r = hf_sha256_fd(fd, display, out, NULL, err);
	if (st)
		*st = sb;
	close(fd);
	return r;
}

/* "version 1.2.3.4, SHA-256 ab.." of dir/leaf, or "missing", for messages. */
void hf_swap_describe(int dir, const char *leaf, char *buf, size_t len)
{
	uint8_t sha[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX], v[HF_VERSION_STRLEN];
	struct hf_pe_info pe;
	struct stat st;
	int present = 0, fd;

	if (hf_swap_hash(dir, leaf, &present, sha, &st, leaf, NULL) != 0) {
		snprintf(buf, len, "unreadable");
		return;
	}
	if (!present) {
		snprintf(buf, len, "missing");
		return;
	}
	fd = openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && hf_pe_read_fd(fd, (uint64_t)st.st_size, leaf, &pe, NULL) == 0)
		snprintf(buf, len, "version %s, SHA-256 %s", hf_version_format(&pe.file_version, v),
			 hf_sha256_hex(sha, hex));
	else
		snprintf(buf, len, "no version resource, SHA-256 %s", hf_sha256_hex(sha, hex));
	if (fd >= 0)
		close(fd);
}

/* Copy the open file src (stat st, read from its offset) to a new ddir/dleaf with the same
 * owner, mode and times; fsync it.  With want, the bytes copied must have that SHA-256. */
static int copy_fd(int src, const struct stat *st, int ddir, const char *dleaf,
		   const uint8_t *want, const char *display, struct hf_err *err)
{
	uint8_t got[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX];
	int dst, r;

	dst = hf_fs_create(ddir, dleaf, 0600);
	if (dst < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot create a copy: %s", display,
				  strerror(errno));
	r = hf_fs_copy(src, dst, UINT64_MAX, want ? got : NULL, NULL, display, err);
	if (!r && want && memcmp(got, want, HF_SHA256_LEN) != 0)
		r = hf_err_set(err, HF_E_CONFLICT,
			       "%s changed while it was being copied (SHA-256 %s); something else "
			       "writes to it", display, hf_sha256_hex(got, hex));
	if (!r)
		r = hf_fs_copy_meta(dst, st, 1, display, err);
	if (!r && hf_fs_fsync(dst) != 0)
		r = hf_err_set(err, HF_E_IO, "%s: fsync of the copy failed: %s", display,
			       strerror(errno));
	close(dst);
	if (r)
		(void)hf_fs_unlink_if(ddir, dleaf, 0);
	return r;
}

/* Open sdir/sleaf (a regular file, not a symlink) for reading; *st gets its stat. */
static int open_src(int sdir, const char *sleaf, struct stat *st, const char *display,
		    struct hf_err *err)
{
	int src = openat(sdir, sleaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (src < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", display, strerror(errno));
	if (fstat(src, st) != 0) {
		hf_err_set(err, HF_E_IO, "%s: stat failed: %s", display, strerror(errno));
		close(src);
		return -HF_E_IO;
	}
	return src;
}

/* Copy sdir/sleaf to a new ddir/dleaf with the same owner, mode and times; fsync it. */
static int copy_file(int sdir, const char *sleaf, int ddir, const char *dleaf, const char *display,
		     struct hf_err *err)
{
	struct stat st;
	int src = open_src(sdir, sleaf, &st, display, err), r;

	if (src < 0)
		return src;
	r = copy_fd(src, &st, ddir, dleaf, NULL, display, err);
	close(src);
	return r;
}

static int link_impossible(int e)
{
	return e == EXDEV || e == EPERM || e == EMLINK || e == EOPNOTSUPP;
}

/* ddir/dleaf becomes the same content as sdir/sleaf -- a hard link, or a copy with owner,
 * mode and times when a link is impossible. */
int hf_swap_keep(int sdir, const char *sleaf, int ddir, const char *dleaf, const char *display,
		 struct hf_err *err)
{
	if (hf_fs_unlink_if(ddir, dleaf, 0) != 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot remove an old copy: %s", display,
				  strerror(errno));
	if (hf_fs_link(sdir, sleaf, ddir, dleaf) != 0) {
		if (!link_impossible(errno))
			return hf_err_set(err, HF_E_IO, "%s: hard link failed: %s", display,
					  strerror(errno));
		return copy_file(sdir, sleaf, ddir, dleaf, display, err);
	}
	return 0;
}

/* Only root can change this inode's content, and it has no name but the one it had:
 * owned by root, not writable by group or others, one link (with `links` expected). */
static int root_only(const struct stat *st, nlink_t links)
{
	return S_ISREG(st->st_mode) && st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH)) &&
	       st->st_nlink == links;
}

int hf_swap_backup(int sdir, const char *sleaf, int ddir, const char *dleaf,
		   const uint8_t want[HF_SHA256_LEN], int *copied, const char *display,
		   struct hf_err *err)
{
	struct stat st, bst;
	int src, r = 0;

	memset(&st, 0, sizeof(st));
	memset(&bst, 0, sizeof(bst));
	*copied = 0;
	if (hf_fs_unlink_if(ddir, dleaf, 0) != 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot remove an old copy: %s", display,
				  strerror(errno));
	src = open_src(sdir, sleaf, &st, display, err);
	if (src < 0)
		return src;
	if (root_only(&st, 1)) {
		if (hf_fs_link(sdir, sleaf, ddir, dleaf) == 0) {
			/* the link must be to the inode checked, and nobody added a name meanwhile */
			if (fstatat(ddir, dleaf, &bst, AT_SYMLINK_NOFOLLOW) == 0 &&
			    bst.st_dev == st.st_dev && bst.st_ino == st.st_ino && root_only(&bst, 2))
				goto out;
			if (hf_fs_unlink_if(ddir, dleaf, 0) != 0) {
				r = hf_err_set(err, HF_E_IO, "%s: cannot remove a hard link: %s",
					       display, strerror(errno));
				goto out;
			}
		} else if (!link_impossible(errno)) {
			r = hf_err_set(err, HF_E_IO, "%s: hard link failed: %s", display,
				       strerror(errno));
			goto out;
		}
	}
	*copied = 1;
	r = copy_fd(src, &st, ddir, dleaf, want, display, err);
out:
	close(src);
	return r;
}

static int sync_dir(int dir, const char *display, struct hf_err *err)
{
	if (hf_fs_fsync(dir) != 0)
		return hf_err_set(err, HF_E_IO, "%s: fsync of the directory failed: %s", display,
				  strerror(errno));
	return 0;
}

/* Replace tdir/tleaf by the content of sdir/sleaf in one rename(2).  The temporary needs no
 * fsync of its own: a crash before the rename is durable leaves the old file in place and
 * the temporary as residue (hf_swap_drop_tmp), one after leaves the new file. */
int hf_swap_place_nosync(int sdir, const char *sleaf, int tdir, const char *tleaf,
			 const char *display, struct hf_err *err)
{
	char tmp[HF_FS_TMP_NAME_MAX];
	int r = tmp_name(tleaf, tmp, sizeof(tmp), err);

	if (!r)
		r = hf_swap_keep(sdir, sleaf, tdir, tmp, display, err);
	if (!r && hf_fs_rename(tdir, tmp, tdir, tleaf) != 0)
		r = hf_err_set(err, HF_E_IO, "%s: rename over the file failed: %s", display,
			       strerror(errno));
	return r;
}

int hf_swap_place(int sdir, const char *sleaf, int tdir, const char *tleaf, const char *display,
		  struct hf_err *err)
{
	int r = hf_swap_place_nosync(sdir, sleaf, tdir, tleaf, display, err);

	return r ? r : sync_dir(tdir, display, err);
}

/* Remove the swap's temporary beside dir/leaf, durably if there was one. */
int hf_swap_drop_tmp(int dir, const char *leaf, const char *display, struct hf_err *err)
{
	char tmp[HF_FS_TMP_NAME_MAX];
	int r = tmp_name(leaf, tmp, sizeof(tmp), err);

	if (r)
		return r;
	if (hf_fs_unlink(dir, tmp, 0) != 0) {
		if (errno == ENOENT)
			return 0;
		return hf_err_set(err, HF_E_IO, "%s: cannot remove %s: %s", display, tmp,
				  strerror(errno));
	}
	if (hf_fs_fsync(dir) != 0)
		return hf_err_set(err, HF_E_IO, "%s: fsync of the directory failed: %s", display,
				  strerror(errno));
	return 0;
}
