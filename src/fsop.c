/* fsop: mutating system calls (with the test-only fault hook) and helpers built on them. */
#include "fsop.h"

#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_CHUNK (256 * 1024)
#define RMTREE_DEPTH 64

#ifdef HF_FAULT_INJECTION
enum fault_kind {
	FAULT_NONE,
	FAULT_COUNT,
	FAULT_CRASH,
	FAULT_ERRNO,
	FAULT_EXDEV,
	FAULT_STALL,
	FAULT_EINTR,
	FAULT_SIGNAL
};
static enum fault_kind fault_kind = FAULT_NONE;
static long fault_at, fault_ops;
static int fault_errno, fault_trace, fault_ready, fault_sig;
static int fault_intr; /* the operation about to run is interrupted once (EINTR) */

static void fault_report(void)
{
	fprintf(stderr, "hotfix-fault: %ld operations\n", fault_ops);
}

static void fault_setup(void)
{
	const char *s = getenv("HOTFIX_FAULT");
	const char *colon;

	fault_ready = 1;
	fault_trace = getenv("HOTFIX_FAULT_TRACE") != NULL;
	if (!s || !*s)
		return;
	colon = strchr(s, ':');
	if (colon)
		fault_at = strtol(colon + 1, NULL, 10);
	if (!strcmp(s, "count")) {
		fault_kind = FAULT_COUNT;
		atexit(fault_report);
	} else if (!strcmp(s, "exdev")) {
		fault_kind = FAULT_EXDEV;
	} else if (!strncmp(s, "stall:", 6)) {
		fault_kind = FAULT_STALL;
	} else if (!strncmp(s, "crash:", 6)) {
		fault_kind = FAULT_CRASH;
	} else if (!strncmp(s, "enospc:", 7)) {
		fault_kind = FAULT_ERRNO;
		fault_errno = ENOSPC;
	} else if (!strncmp(s, "eio:", 4)) {
		fault_kind = FAULT_ERRNO;
		fault_errno = EIO;
	} else if (!strncmp(s, "sigint:", 7) || !strncmp(s, "sigterm:", 8) ||
		   !strncmp(s, "sighup:", 7) || !strncmp(s, "sigquit:", 8)) {
		fault_kind = FAULT_SIGNAL;
		fault_sig = s[4] == 'n' ? SIGINT : s[4] == 'e' ? SIGTERM :
			    s[3] == 'q' ? SIGQUIT : SIGHUP;
	} else if (!strcmp(s, "eintr") || !strncmp(s, "eintr:", 6)) {
		fault_kind = FAULT_EINTR; /* every operation, or only the K-th */
	} else if (!strncmp(s, "malloc", 6)) {
		/* allocation failures: tests/unit/faultmalloc.c */
	} else {
		fprintf(stderr, "hotfix-fault: unknown HOTFIX_FAULT '%s'\n", s);
		_exit(HF_EXIT_USAGE); /* the test harness was misused */
	}
}

/* Called before every mutating operation; returns -1 (errno set) to fail it. */
static int fault(const char *op, const char *name)
{
	if (!fault_ready)
		fault_setup();
	fault_ops++;
	if (fault_trace)
		fprintf(stderr, "hotfix-fault: op %ld %s %s\n", fault_ops, op, name ? name : "");
	if (fault_kind == FAULT_CRASH && fault_ops == fault_at) {
		fprintf(stderr, "hotfix-fault: crash before op %ld (%s %s)\n", fault_ops, op,
			name ? name : "");
		raise(SIGKILL);
	}
	if (fault_kind == FAULT_SIGNAL && fault_ops >= fault_at) {
		if (fault_ops == fault_at)
			fprintf(stderr, "hotfix-fault: %s before op %ld (%s %s), and before every "
					"later one\n",
				strsignal(fault_sig), fault_ops, op, name ? name : "");
		raise(fault_sig); /* the handler runs now; the operation goes on */
	}
	if (fault_kind == FAULT_STALL && fault_ops == fault_at) {
		fprintf(stderr, "hotfix-fault: stalled before op %ld\n", fault_ops);
		sleep(3);
	}
	if (fault_kind == FAULT_ERRNO && fault_ops == fault_at) {
		fprintf(stderr, "hotfix-fault: op %ld (%s %s) fails: %s\n", fault_ops, op,
			name ? name : "", strerror(fault_errno));
		errno = fault_errno;
		return -1;
	}
	if (fault_kind == FAULT_EINTR && (fault_at == 0 || fault_ops == fault_at))
		fault_intr = 1;
	if (fault_kind == FAULT_EXDEV && !strcmp(op, "link")) {
		errno = EXDEV;
		return -1;
	}
	return 0;
}
#define FAULT(op, name)                      \
	do {                                 \
		if (fault((op), (name)) < 0) \
			return -1;           \
	} while (0)

/* 1 (errno EINTR) if the fault hook interrupts this attempt of the operation. */
static int interrupted(void)
{
	if (!fault_intr)
		return 0;
	fault_intr = 0;
	errno = EINTR;
	return 1;
}
#else
#define FAULT(op, name) ((void)0)
static int interrupted(void)
{
	return 0;
}
#endif

/* Every call below is retried when a signal interrupts it (EINTR: nothing was done). */
#define RETRY(call)                                               \
	do {                                                      \
		int r_;                                           \
		do                                                \
			r_ = interrupted() ? -1 : (call);         \
		while (r_ < 0 && errno == EINTR);                 \
		return r_;                                        \
	} while (0)

int hf_fs_create(int dirfd, const char *name, mode_t mode)
{
	FAULT("create", name);
	return openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

int hf_fs_open_append(int dirfd, const char *name, mode_t mode)
{
	FAULT("open-append", name);
	return hf_open_reg(dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode, NULL);
}

int hf_fs_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	FAULT("write", NULL);
	while (len > 0) {
		/* under the fault hook an interrupted write is followed by a short one */
		int intr = interrupted();
		ssize_t n = intr ? -1 : write(fd, p, len);

		if (intr && len > 1) {
			n = write(fd, p, len / 2);
			if (n >= 0) {
				p += n;
				len -= (size_t)n;
				continue;
			}
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int hf_fs_fsync(int fd)
{
	FAULT("fsync", NULL);
	RETRY(fsync(fd));
}

void hf_fs_writeback(int fd, uint64_t off, uint64_t len)
{
	if (off <= INT64_MAX && len <= INT64_MAX - off)
		(void)sync_file_range(fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE);
}

int hf_fs_rename(int olddir, const char *oldname, int newdir, const char *newname)
{
	FAULT("rename", newname);
	RETRY(renameat(olddir, oldname, newdir, newname));
}

int hf_fs_link(int olddir, const char *oldname, int newdir, const char *newname)
{
	FAULT("link", newname);
	RETRY(linkat(olddir, oldname, newdir, newname, 0));
}

int hf_fs_unlink(int dirfd, const char *name, int flags)
{
	FAULT("unlink", name);
	RETRY(unlinkat(dirfd, name, flags));
}

int hf_fs_unlink_if(int dirfd, const char *name, int flags)
{
	if (hf_fs_unlink(dirfd, name, flags) == 0 || errno == ENOENT)
		return 0;
	return -1;
}

int hf_fs_mkdir(int dirfd, const char *name, mode_t mode)
{
	FAULT("mkdir", name);
	RETRY(mkdirat(dirfd, name, mode));
}

int hf_fs_fchown(int fd, uid_t uid, gid_t gid)
{
	FAULT("fchown", NULL);
	RETRY(fchown(fd, uid, gid));
}

int hf_fs_fchmod(int fd, mode_t mode)
{
	FAULT("fchmod", NULL);
	RETRY(fchmod(fd, mode));
}

int hf_fs_futimens(int fd, const struct timespec times[2])
{
	FAULT("futimens", NULL);
	RETRY(futimens(fd, times));
}

int hf_fs_ftruncate(int fd, off_t len)
{
	FAULT("ftruncate", NULL);
	RETRY(ftruncate(fd, len));
}

int hf_fs_fallocate(int fd, int mode, off_t off, off_t len)
{
	FAULT("fallocate", NULL);
	RETRY(fallocate(fd, mode, off, len));
}

int hf_fs_mkdirs(int dirfd, const char *rel, int *out, const char *name, struct hf_err *err)
{
	return hf_fs_opendirs(dirfd, rel, 1, out, name, err);
}

int hf_fs_opendirs(int dirfd, const char *rel, int create, int *out, const char *name,
		   struct hf_err *err)
{
	char comp[NAME_MAX + 1]; /* one component of rel */
	const char *p = rel;
	int dir = dirfd;

	*out = -1;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int next;

		if (n == 0 || n >= sizeof(comp)) {
			if (dir != dirfd)
				close(dir);
			return hf_err_set(err, HF_E_MALFORMED, "%s: bad directory name", name);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (create && hf_fs_mkdir(dir, comp, 0755) == 0) {
			if (create == HF_FS_CREATE_DURABLE && hf_fs_fsync(dir) != 0) {
				int e = errno;

				if (dir != dirfd)
					close(dir);
				return hf_err_set(err, HF_E_IO, "%s: fsync after creating '%s': %s",
						  name, comp, strerror(e));
			}
		} else if (create && errno != EEXIST) {
			int e = errno;

			if (dir != dirfd)
				close(dir);
			return hf_err_set(err, HF_E_IO, "%s: cannot create directory '%s': %s", name,
					  comp, strerror(e));
		}
		next = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;

			if (dir != dirfd)
				close(dir);
			return hf_err_set(err, HF_E_IO, "%s: cannot open directory '%s': %s", name,
					  comp, e == ENOTDIR || e == ELOOP ? "not a directory (or a symlink)"
									  : strerror(e));
		}
		if (dir != dirfd)
			close(dir);
		dir = next;
		if (!slash)
			break;
		p = slash + 1;
	}
	*out = dir;
	return 0;
}

static int rmtree_at(int parent, const char *name, int depth, const char *display,
		     struct hf_err *err)
{
	struct stat st;
	DIR *d;
	int fd, r = 0;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		return hf_err_set(err, HF_E_IO, "%s: %s: %s", display, name, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		if (hf_fs_unlink_if(parent, name, 0) != 0)
			return hf_err_set(err, HF_E_IO, "%s: cannot remove %s: %s", display, name,
					  strerror(errno));
		return 0;
	}
	if (depth >= RMTREE_DEPTH)
		return hf_err_set(err, HF_E_IO, "%s: directories nested too deep", display);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot open %s: %s", display, name,
				  strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return hf_err_set(err, HF_E_IO, "%s: cannot read %s: %s", display, name,
				  strerror(errno));
	}
	for (;;) {
		const struct dirent *e;

		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno)
				r = hf_err_set(err, HF_E_IO, "%s: reading %s: %s", display, name,
					       strerror(errno));
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		r = rmtree_at(dirfd(d), e->d_name, depth + 1, display, err);
		if (r)
			break;
	}
	closedir(d);
	if (!r && hf_fs_unlink_if(parent, name, AT_REMOVEDIR) != 0)
		r = hf_err_set(err, HF_E_IO, "%s: cannot remove directory %s: %s", display, name,
			       strerror(errno));
	return r;
}

int hf_fs_rmtree(int dirfd, const char *name, const char *display, struct hf_err *err)
{
	return rmtree_at(dirfd, name, 0, display, err);
}

int hf_fs_copy(int src, int dst, uint64_t max, uint8_t sha256[HF_SHA256_LEN], uint64_t *size,
	       const char *name, struct hf_err *err)
{
	struct hf_sha256_ctx ctx = { 0 };
	uint8_t *buf = malloc(COPY_CHUNK);
	uint64_t total = 0;
	int r = 0;

	if (!buf)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	if (sha256 && (r = hf_sha256_init(&ctx, err)) != 0)
		goto out;
	for (;;) {
		ssize_t n = hf_read_some(src, buf, COPY_CHUNK);

		if (n < 0) {
			r = hf_err_set(err, HF_E_IO, "%s: read failed: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > max - total) {
			r = hf_err_set(err, HF_E_SIZE, "%s: larger than %llu bytes", name,
				       (unsigned long long)max);
			goto out;
		}
		total += (uint64_t)n;
		if (sha256 && (r = hf_sha256_update(&ctx, buf, (size_t)n, err)) != 0)
			goto out;
		if (hf_fs_write(dst, buf, (size_t)n) != 0) {
			r = hf_err_set(err, HF_E_IO, "%s: write failed: %s", name, strerror(errno));
			goto out;
		}
	}
	if (sha256)
		r = hf_sha256_final(&ctx, sha256, err);
	if (!r && size)
		*size = total;
out:
	hf_sha256_abort(&ctx);
	free(buf);
	return r;
}

int hf_fs_copy_meta(int fd, const struct stat *st, int times, const char *name,
		    struct hf_err *err)
{
	struct stat now;

	if (fstat(fd, &now) != 0)
		return hf_err_set(err, HF_E_IO, "%s: stat failed: %s", name, strerror(errno));
	if ((now.st_uid != st->st_uid || now.st_gid != st->st_gid) &&
	    hf_fs_fchown(fd, st->st_uid, st->st_gid) != 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot give it owner %lu:%lu: %s", name,
				  (unsigned long)st->st_uid, (unsigned long)st->st_gid,
				  strerror(errno));
	/* after chown, which clears set-id bits */
	if (hf_fs_fchmod(fd, st->st_mode & 07777) != 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot set mode %04o: %s", name,
				  (unsigned)(st->st_mode & 07777), strerror(errno));
	if (times) {
		struct timespec ts[2] = { st->st_atim, st->st_mtim };

		if (hf_fs_futimens(fd, ts) != 0)
			return hf_err_set(err, HF_E_IO, "%s: cannot set its times: %s", name,
					  strerror(errno));
	}
	return 0;
}

int hf_fs_write_atomic(int dirfd, const char *name, const void *buf, size_t len,
		       const char *display, struct hf_err *err)
{
	char tmp[HF_FS_TMP_NAME_MAX];
	int fd, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= (int)sizeof(tmp))
		return hf_err_set(err, HF_E_MALFORMED, "%s: name too long", display);
	if (hf_fs_unlink_if(dirfd, tmp, 0) != 0)
		return hf_err_set(err, HF_E_IO, "%s.tmp: cannot remove: %s", display,
				  strerror(errno));
	fd = hf_fs_create(dirfd, tmp, 0644);
	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s.tmp: cannot create: %s", display,
				  strerror(errno));
	if (hf_fs_write(fd, buf, len) != 0)
		r = hf_err_set(err, HF_E_IO, "%s.tmp: write failed: %s", display, strerror(errno));
	else if (hf_fs_fsync(fd) != 0)
		r = hf_err_set(err, HF_E_IO, "%s.tmp: fsync failed: %s", display, strerror(errno));
	if (close(fd) != 0 && !r)
		r = hf_err_set(err, HF_E_IO, "%s.tmp: close failed: %s", display, strerror(errno));
	if (!r && hf_fs_rename(dirfd, tmp, dirfd, name) != 0)
		r = hf_err_set(err, HF_E_IO, "%s: rename failed: %s", display, strerror(errno));
	if (r) {
		int e = errno;

		(void)hf_fs_unlink_if(dirfd, tmp, 0);
		errno = e;
		return r;
	}
	if (hf_fs_fsync(dirfd) != 0)
		return hf_err_set(err, HF_E_IO, "%s: fsync of its directory failed: %s", display,
				  strerror(errno));
	return 0;
}

int hf_fs_open_parent(int base, const char *rel, int create, int *dirfd, const char **leaf,
		      const char *name, struct hf_err *err)
{
	const char *slash = strrchr(rel, '/');
	char dir[4096];

	*dirfd = -1;
	*leaf = slash ? slash + 1 : rel;
	if (!slash) {
		*dirfd = openat(base, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return *dirfd >= 0 ? 0 : hf_err_set(err, HF_E_IO, "%s: cannot open: %s", name,
						    strerror(errno));
	}
	if ((size_t)(slash - rel) >= sizeof(dir))
		return hf_err_set(err, HF_E_MALFORMED, "%s: path too long", name);
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	return hf_fs_opendirs(base, dir, create, dirfd, name, err);
}

static int fsync_dir(int dir, const char *display, struct hf_err *err)
{
	if (hf_fs_fsync(dir) != 0)
		return hf_err_set(err, HF_E_IO, "%s: fsync of the directory failed: %s", display,
				  strerror(errno));
	return 0;
}

void hf_fs_syncset_init(struct hf_fs_syncset *s)
{
	s->n = 0;
}

int hf_fs_syncset_add(struct hf_fs_syncset *s, int dirfd, const char *display, struct hf_err *err)
{
	struct stat st;
	int fd;

	if (fstat(dirfd, &st) != 0)
		return hf_err_set(err, HF_E_IO, "%s: fstat of the directory failed: %s", display,
				  strerror(errno));
	for (size_t i = 0; i < s->n; i++)
		if (s->dev[i] == st.st_dev && s->ino[i] == st.st_ino)
			return 0;
	if (s->n == HF_FS_SYNCSET_MAX)
		return fsync_dir(dirfd, display, err);
	fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot keep the directory open: %s", display,
				  strerror(errno));
	s->fd[s->n] = fd;
	s->dev[s->n] = st.st_dev;
	s->ino[s->n++] = st.st_ino;
	return 0;
}

int hf_fs_syncset_sync(struct hf_fs_syncset *s, const char *display, struct hf_err *err)
{
	int r = 0;

	for (size_t i = 0; i < s->n; i++)
		if (!r)
			r = fsync_dir(s->fd[i], display, err);
	hf_fs_syncset_close(s);
	return r;
}

void hf_fs_syncset_close(struct hf_fs_syncset *s)
{
	for (size_t i = 0; i < s->n; i++)
		close(s->fd[i]);
	s->n = 0;
}
