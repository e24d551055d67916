/* state: SITE/.hotfix and its flock(). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fileio.h"
#include "fsop.h"

/* The command line of pid, spaces for NULs, at most len-1 bytes. */
static void proc_cmdline(long pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	buf[n] = '\0';
}

void hf_lock_holder(int fd, char *buf, size_t len)
{
	struct stat st;
	char line[256];
	FILE *f;

	buf[0] = '\0';
	if (fstat(fd, &st) != 0)
		return;
	f = fopen("/proc/locks", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" ("->" marks waiters) */
		char *field[6], *save = NULL, *end = NULL;
		unsigned long maj, min;
		unsigned long long ino;
		long pid;
		char cmd[160];
		int n = 0;

		if (strstr(line, "->"))
			continue;
		for (char *t = strtok_r(line, " \t\n", &save); t && n < 6;
		     t = strtok_r(NULL, " \t\n", &save))
			field[n++] = t;
		if (n < 6 || strcmp(field[1], "FLOCK") != 0)
			continue;
		pid = strtol(field[4], &end, 10);
		if (*end || pid <= 0)
			continue;
		maj = strtoul(field[5], &end, 16);
		if (*end != ':')
			continue;
		min = strtoul(end + 1, &end, 16);
		if (*end != ':')
			continue;
		ino = strtoull(end + 1, &end, 10);
		if (*end || ino != (unsigned long long)st.st_ino || maj != major(st.st_dev) ||
		    min != minor(st.st_dev))
			continue;
		proc_cmdline(pid, cmd, sizeof(cmd));
		snprintf(buf, len, "pid %ld%s%s%s", pid, *cmd ? " (" : "", cmd, *cmd ? ")" : "");
		break;
	}
	fclose(f);
}

/* -HF_E_ACCESS: this user may not take the site's lock.  The owner named is .hotfix's
 * when it exists, else the site root's: who could. */
static int no_access(const struct hf_site *site, struct hf_err *err)
{
	struct passwd pw, *found = NULL;
	char tmp[1024], user[80];
	struct stat sb;

	if (fstatat(site->rootfd, HF_STATE_DIR, &sb, AT_SYMLINK_NOFOLLOW) != 0 &&
	    fstat(site->rootfd, &sb) != 0)
		sb.st_uid = 0;
	if (getpwuid_r(sb.st_uid, &pw, tmp, sizeof(tmp), &found) != 0 || !found)
		snprintf(user, sizeof(user), "no user");
	else
		snprintf(user, sizeof(user), "%.64s", found->pw_name);
	hf_err_set(err, HF_E_ACCESS,
		   "%s: cannot take the site's lock: permission denied (%s/%s/%s, running as "
		   "uid %u)",
		   site->code, site->root, HF_STATE_DIR, HF_STATE_LOCK, (unsigned)geteuid());
	hf_err_hint(err, "run as root or as the site's owner (uid %u, user %s)",
		    (unsigned)sb.st_uid, user);
	return -HF_E_ACCESS;
}

static int denied(int e)
{
	return e == EACCES || e == EPERM;
}

int hf_state_writable(const struct hf_site *site, struct hf_err *err)
{
	struct stat sb;

	if (geteuid() == 0)
		return 0;
	if (fstatat(site->rootfd, HF_STATE_DIR, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return faccessat(site->rootfd, ".", W_OK | X_OK, AT_EACCESS) == 0 ||
				       !denied(errno)
			       ? 0
			       : no_access(site, err);
	if (S_ISDIR(sb.st_mode) && sb.st_uid != 0 && sb.st_uid != geteuid())
		return no_access(site, err); /* hf_state_open's private_dir would refuse it */
	if (faccessat(site->rootfd, HF_STATE_DIR, W_OK | X_OK, AT_EACCESS) != 0 && denied(errno))
		return no_access(site, err);
	if (faccessat(site->rootfd, HF_STATE_DIR "/" HF_STATE_LOCK, R_OK | W_OK, AT_EACCESS) !=
		    0 &&
	    denied(errno))
		return no_access(site, err);
	return 0;
}

static int busy(const struct hf_state *st, struct hf_err *err)
{
	char who[256];

	hf_lock_holder(st->lockfd, who, sizeof(who));
	hf_err_set(err, HF_E_BUSY, "site %s (%s) is busy: %s holds %s/%s/%s", st->site->code,
		   st->site->root, *who ? who : "another process", st->site->root, HF_STATE_DIR,
		   HF_STATE_LOCK);
	hf_err_hint(err, "wait for it to finish; hotfix never waits for a lock");
	return -HF_E_BUSY;
}

static int take(struct hf_state *st, enum hf_lock_mode mode, struct hf_err *err)
{
	int op = (mode == HF_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH) | LOCK_NB;

	while (flock(st->lockfd, op) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return busy(st, err);
		return hf_err_set(err, HF_E_IO, "%s/%s/%s: flock failed: %s", st->site->root,
				  HF_STATE_DIR, HF_STATE_LOCK, strerror(errno));
	}
	st->mode = mode;
	return 0;
}

/* SITE/.hotfix decides what root does (its journal, hook record, registry): it must be a
 * directory of root or of the effective user that nobody else can write -- no sticky
 * exception, hotfix made it.  Anyone who could write it could forge those files. */
static int private_dir(const struct hf_state *st, struct hf_err *err)
{
	const char *root = st->site->root;
	struct passwd pw, *found = NULL;
	char tmp[1024], user[80];
	const char *why = NULL;
	struct stat sb;

	if (fstat(st->dirfd, &sb) != 0)
		return hf_err_set(err, HF_E_IO, "%s/%s: cannot stat: %s", root, HF_STATE_DIR,
				  strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		why = "not a directory";
	else if (sb.st_uid != 0 && sb.st_uid != geteuid())
		why = "owned by neither root nor the user hotfix runs as";
	else if (sb.st_mode & (S_IWGRP | S_IWOTH))
		why = "writable by group or others";
	if (!why)
		return 0;
	if (geteuid() != 0 && S_ISDIR(sb.st_mode) && sb.st_uid != 0 && sb.st_uid != geteuid() &&
	    !(sb.st_mode & (S_IWGRP | S_IWOTH)))
		return no_access(st->site, err); /* another user's site: not ours to touch */
	if (getpwuid_r(sb.st_uid, &pw, tmp, sizeof(tmp), &found) != 0 || !found)
		snprintf(user, sizeof(user), "no user");
	else
		snprintf(user, sizeof(user), "%.64s", found->pw_name);
	hf_err_set(err, HF_E_UNSAFE, "%s/%s: owned by %s (uid %u), mode %04o: %s; refused", root,
		   HF_STATE_DIR, user, (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777), why);
	hf_err_hint(err,
		    "whoever can write it can make hotfix run or signal what they choose: check "
		    "its contents, then chown root:root %s/%s; chmod go-w %s/%s",
		    root, HF_STATE_DIR, root, HF_STATE_DIR);
	return -HF_E_UNSAFE;
}

int hf_state_open(const struct hf_site *site, enum hf_lock_mode mode, struct hf_state **out,
		  struct hf_err *err)
{
	struct hf_state *st = calloc(1, sizeof(*st));
	mode_t type;
	int r = 0;

	*out = NULL;
	if (!st)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	st->site = site;
	st->dirfd = st->lockfd = -1;
	if (mode == HF_LOCK_EXCLUSIVE) {
		int sitefd = openat(site->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (sitefd < 0) {
			r = hf_err_set(err, HF_E_IO, "%s: cannot open: %s", site->root,
				       strerror(errno));
			goto out;
		}
		/* 0755: a umask only clears bits, so private_dir's check passes whatever it is */
		if (hf_fs_mkdir(sitefd, HF_STATE_DIR, 0755) == 0)
			(void)hf_fs_fsync(sitefd); /* failure shows up on the next write */
		else if (denied(errno))
			r = no_access(site, err);
		else if (errno != EEXIST)
			r = hf_err_set(err, HF_E_IO, "%s/%s: cannot create: %s", site->root,
				       HF_STATE_DIR, strerror(errno));
		close(sitefd);
		if (r)
			goto out;
	}
	st->dirfd = openat(site->rootfd, HF_STATE_DIR,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->dirfd < 0) {
		if (errno == ENOENT && mode == HF_LOCK_SHARED) {
			*out = st; /* nothing installed here yet: nothing to lock */
			return 0;
		}
		if (denied(errno))
			r = no_access(site, err);
		else if (errno == ENOTDIR || errno == ELOOP) /* planted: refused, not a failure */
			r = hf_err_set(err, HF_E_MALFORMED,
				       "%s/%s: is a symbolic link or not a directory; refused",
				       site->root, HF_STATE_DIR);
		else
			r = hf_err_set(err, HF_E_IO, "%s/%s: cannot open: %s", site->root,
				       HF_STATE_DIR, strerror(errno));
		goto out;
	}
	r = private_dir(st, err);
	if (r)
		goto out;
	st->lockfd = hf_open_reg(st->dirfd, HF_STATE_LOCK,
				 mode == HF_LOCK_EXCLUSIVE ? O_RDWR | O_CREAT | O_NOFOLLOW
							   : O_RDONLY | O_NOFOLLOW,
				 0644, &type);
	if (st->lockfd < 0 && type) { /* planted: refused, like a planted .hotfix */
		char name[HF_SITE_NAME_MAX];

		snprintf(name, sizeof(name), "%s/%s/%s", site->root, HF_STATE_DIR, HF_STATE_LOCK);
		r = hf_err_notreg(err, HF_E_MALFORMED, name, type);
		goto out;
	}
	if (st->lockfd < 0) {
		if (errno == ENOENT && mode == HF_LOCK_SHARED) {
			*out = st;
			return 0;
		}
		r = denied(errno) ? no_access(site, err)
				  : hf_err_set(err, HF_E_IO, "%s/%s/%s: cannot open: %s", site->root,
					       HF_STATE_DIR, HF_STATE_LOCK, strerror(errno));
		goto out;
	}
	r = take(st, mode, err);
out:
	if (r) {
		hf_state_close(st);
		return r;
	}
	*out = st;
	return 0;
}

int hf_state_upgrade(struct hf_state *st, struct hf_err *err)
{
	if (st->mode == HF_LOCK_EXCLUSIVE)
		return 0;
	if (st->dirfd < 0)
		return hf_err_set(err, HF_E_IO, "%s/%s is missing", st->site->root, HF_STATE_DIR);
	if (st->lockfd < 0) { /* a reader found state but no lock file: make one to recover */
		mode_t type;

		st->lockfd = hf_open_reg(st->dirfd, HF_STATE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW,
					 0644, &type);
		if (st->lockfd < 0 && type) {
			char name[HF_SITE_NAME_MAX];

			snprintf(name, sizeof(name), "%s/%s/%s", st->site->root, HF_STATE_DIR,
				 HF_STATE_LOCK);
			return hf_err_notreg(err, HF_E_MALFORMED, name, type);
		}
		if (st->lockfd < 0 && denied(errno))
			return no_access(st->site, err);
		if (st->lockfd < 0)
			return hf_err_set(err, HF_E_IO, "%s/%s/%s: cannot create: %s",
					  st->site->root, HF_STATE_DIR, HF_STATE_LOCK,
					  strerror(errno));
	}
	return take(st, HF_LOCK_EXCLUSIVE, err);
}

int hf_state_pending(const struct hf_state *st)
{
	struct stat sb;

	if (st->dirfd < 0)
		return 0;
	return fstatat(st->dirfd, HF_STATE_JOURNAL, &sb, AT_SYMLINK_NOFOLLOW) == 0 ||
	       fstatat(st->dirfd, HF_STATE_JOURNAL ".tmp", &sb, AT_SYMLINK_NOFOLLOW) == 0 ||
	       fstatat(st->dirfd, HF_STATE_STAGING, &sb, AT_SYMLINK_NOFOLLOW) == 0 ||
	       fstatat(st->dirfd, HF_STATE_REGISTRY ".tmp", &sb, AT_SYMLINK_NOFOLLOW) == 0 ||
	       fstatat(st->dirfd, HF_STATE_SERVICES, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

int hf_state_subdir(const struct hf_state *st, const char *name, int *fd, struct hf_err *err)
{
	char display[HF_SITE_NAME_MAX];

	snprintf(display, sizeof(display), "%s/%s", st->site->root, HF_STATE_DIR);
	return hf_fs_mkdirs(st->dirfd, name, fd, display, err);
}

void hf_state_close(struct hf_state *st)
{
	if (!st)
		return;
	if (st->lockfd >= 0)
		close(st->lockfd); /* releases the flock */
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st);
}
