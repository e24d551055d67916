/* trustpath: may hotfix trust a file whose content it executes? (see trustpath.h) */
#include "trustpath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int hf_trustpath_allowed(const struct stat *st, uid_t also, const char **why)
{
	int owner = st->st_uid == 0 || st->st_uid == geteuid() ||
		    (also != HF_TRUSTPATH_NONE && st->st_uid == also);
	mode_t w = st->st_mode & (S_IWGRP | S_IWOTH);

	*why = NULL;
	if (!owner)
		*why = also != HF_TRUSTPATH_NONE
			   ? "owned neither by root, nor by the user running hotfix, nor by "
			     "the site's owner"
			   : "owned neither by root nor by the user running hotfix";
	else if (S_ISLNK(st->st_mode) || !w ||
		 (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0))
		return 1; /* a link's mode means nothing; in a sticky directory owned by root
			   * (/tmp), no one can rename or remove an entry they do not own */
	else if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))
		*why = "writable by others than its owner (the sticky bit is an exception only "
		       "for a directory owned by root)";
	else
		*why = w == (S_IWGRP | S_IWOTH) ? "writable by group and others"
		       : w == S_IWGRP		 ? "writable by group"
						 : "writable by others";
	return 0;
}

/* "nobody", or "no user" when the uid has no passwd entry. */
static const char *user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *found = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &found) != 0 || !found)
		snprintf(buf, len, "no user");
	else
		snprintf(buf, len, "%.64s", found->pw_name);
	return buf;
}

static int refuse(const char *name, const struct stat *st, const char *why, struct hf_err *err)
{
	char user[80];
	int link = S_ISLNK(st->st_mode);

	hf_err_set(err, HF_E_UNSAFE, "%s: %sowned by %s (uid %u), mode %04o: %s", name,
		   link ? "a symbolic link " : "", user_name(st->st_uid, user, sizeof(user)),
		   (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777), why);
	if (link)
		hf_err_hint(err, "chown -h root:root %s, or name the file it points to", name);
	else
		hf_err_hint(err, "chown root:root %s; chmod go-w %s", name, name);
	return -HF_E_UNSAFE;
}

struct walk {
	char todo[HF_TRUSTPATH_PATH_MAX]; /* what is left to walk */
	char res[HF_TRUSTPATH_PATH_MAX];  /* the directory reached, resolved ("" is /) */
	size_t rlen;
	int dir;                   /* O_PATH descriptor of res */
	unsigned depth, links;
	uid_t also;
	unsigned flags;
};

/* res + "/" + comp, for messages and the result. */
static void joined(const struct walk *w, const char *comp, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s/%s", (int)w->rlen, w->res, comp);
}

/* Open and check the root directory; the walk starts over there. */
static int at_root(struct walk *w, struct hf_err *err)
{
	struct stat st;
	const char *why;

	if (w->dir >= 0)
		close(w->dir);
	w->rlen = 0;
	w->res[0] = '\0';
	w->dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w->dir < 0 || fstat(w->dir, &st) != 0)
		return hf_err_set(err, HF_E_IO, "/: cannot open: %s", strerror(errno));
	if (!hf_trustpath_allowed(&st, w->also, &why))
		return refuse("/", &st, why, err);
	return 0;
}

/* The next component of todo into comp (consumed); its length (>= len: too long, the
 * caller refuses it; 0: none is left). */
static size_t next_comp(struct walk *w, char *comp, size_t len)
{
	const char *p = w->todo + strspn(w->todo, "/");
	size_t n = strcspn(p, "/");

	if (n >= len)
		return n;
	memcpy(comp, p, n);
	comp[n] = '\0';
	memmove(w->todo, p + n, strlen(p + n) + 1);
	return n;
}

static int more_left(const struct walk *w)
{
	return w->todo[strspn(w->todo, "/")] != '\0';
}

/* Follow the link open at fd (already checked): its target, then what was left. */
static int follow(struct walk *w, int fd, const char *name, struct hf_err *err)
{
	char target[HF_TRUSTPATH_PATH_MAX], rest[HF_TRUSTPATH_PATH_MAX];
	ssize_t n;

	if (++w->links > HF_TRUSTPATH_LINKS_MAX)
		return hf_err_set(err, HF_E_MALFORMED, "%s: more than %d symbolic links on the way",
				  name, HF_TRUSTPATH_LINKS_MAX);
	n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot read the link: %s", name,
				  strerror(errno));
	if ((size_t)n >= sizeof(target) || n == 0)
		return hf_err_set(err, HF_E_MALFORMED, "%s: the link's target is %s", name,
				  n ? "too long" : "empty");
	target[n] = '\0';
	snprintf(rest, sizeof(rest), "%s", w->todo);
	n = snprintf(w->todo, sizeof(w->todo), "%s/%s", target, rest);
	if (n < 0 || (size_t)n >= sizeof(w->todo))
		return hf_err_set(err, HF_E_MALFORMED, "%s: the path through the link is too long",
				  name);
	return target[0] == '/' ? at_root(w, err) : 0;
}

/* One step: comp from w->dir. *done when it was the last component (out filled). */
static int step(struct walk *w, const char *comp, struct hf_trustpath_file *out, int *done,
		struct hf_err *err)
{
	char name[HF_TRUSTPATH_PATH_MAX + 256];
	struct stat st;
	const char *why;
	int fd, last;

	joined(w, comp, name, sizeof(name));
	if (!strcmp(comp, "..")) {
		char *slash = memrchr(w->res, '/', w->rlen);

		fd = openat(w->dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		w->rlen = slash ? (size_t)(slash - w->res) : 0;
		w->res[w->rlen] = '\0';
		snprintf(name, sizeof(name), "%s", w->rlen ? w->res : "/");
	} else {
		fd = openat(w->dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0 || fstat(fd, &st) != 0) {
		out->sys_errno = errno;
		if (fd >= 0)
			close(fd);
		return hf_err_set(err, HF_E_IO, "%s: %s", name, strerror(out->sys_errno));
	}
	if (S_ISLNK(st.st_mode) && (w->flags & HF_TRUSTPATH_NOFOLLOW)) {
		close(fd);
		hf_err_set(err, HF_E_UNSAFE, "%s: a symbolic link; refused here", name);
		hf_err_hint(err, "name the real path");
		return -HF_E_UNSAFE;
	}
	if (!hf_trustpath_allowed(&st, w->also, &why)) {
		close(fd);
		return refuse(name, &st, why, err);
	}
	if (S_ISLNK(st.st_mode)) {
		int r = follow(w, fd, name, err);

		close(fd);
		return r;
	}
	last = !more_left(w);
	if (!last && !S_ISDIR(st.st_mode)) {
		close(fd);
		out->sys_errno = ENOTDIR;
		return hf_err_set(err, HF_E_IO, "%s: %s", name, strerror(ENOTDIR));
	}
	if (strcmp(comp, "..") != 0) {
		if (w->rlen + 1 + strlen(comp) >= sizeof(w->res)) {
			close(fd);
			return hf_err_set(err, HF_E_MALFORMED, "%s: the path is too long", name);
		}
		w->rlen += (size_t)snprintf(w->res + w->rlen, sizeof(w->res) - w->rlen, "/%s", comp);
	}
	close(w->dir);
	w->dir = fd;
	if (last) {
		snprintf(out->path, sizeof(out->path), "%s", w->rlen ? w->res : "/");
		out->st = st;
		*done = 1;
	}
	return 0;
}

int hf_trustpath_check(const char *path, uid_t also, unsigned flags, struct hf_trustpath_file *out,
		       struct hf_err *err)
{
	struct walk w = {.dir = -1, .also = also, .flags = flags};
	char comp[NAME_MAX + 1]; /* one component of the path */
	int r, done = 0;

	memset(out, 0, sizeof(*out));
	if (!*path || strlen(path) >= sizeof(w.todo))
		return hf_err_set(err, HF_E_MALFORMED, "%.200s: %s", path,
				  *path ? "the path is too long" : "an empty path");
	if (*path == '/') {
		snprintf(w.todo, sizeof(w.todo), "%s", path);
	} else {
		char cwd[HF_TRUSTPATH_PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return hf_err_set(err, HF_E_IO, "%s: cannot tell the current directory: %s",
					  path, strerror(errno));
		int n = snprintf(w.todo, sizeof(w.todo), "%s/%s", cwd, path);

		if (n < 0 || (size_t)n >= sizeof(w.todo))
			return hf_err_set(err, HF_E_MALFORMED, "%.200s/%.200s: the path is too long",
					  cwd, path);
	}
	r = at_root(&w, err);
	while (!r && !done) {
		size_t n = next_comp(&w, comp, sizeof(comp));

		if (n == 0) { /* "/" itself, or a path ending in "/" or "." */
			snprintf(out->path, sizeof(out->path), "%s", w.rlen ? w.res : "/");
			r = fstat(w.dir, &out->st) == 0 ? 0
							: hf_err_set(err, HF_E_IO, "%s: %s", out->path,
								     strerror(errno));
			break;
		}
		if (n >= sizeof(comp))
			r = hf_err_set(err, HF_E_MALFORMED, "%.200s: a component is too long", path);
		else if (++w.depth > HF_TRUSTPATH_DEPTH_MAX)
			r = hf_err_set(err, HF_E_MALFORMED,
				       "%.200s: more than %d components on the way", path,
				       HF_TRUSTPATH_DEPTH_MAX);
		else if (strcmp(comp, ".") != 0)
			r = step(&w, comp, out, &done, err);
	}
	if (w.dir >= 0)
		close(w.dir);
	return r;
}

int hf_trustpath_shebang(const char *buf, size_t n, char *interp, size_t len, char *line,
			 size_t linelen, const char **why)
{
	const char *nl = memchr(buf, '\n', n);
	size_t end = nl ? (size_t)(nl - buf) : n, p = 2, q, i;

	*why = NULL;
	if (linelen)
		line[0] = '\0';
	if (len)
		interp[0] = '\0';
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	for (i = 0; linelen && i < end && i < linelen - 1; i++) { /* printable, for messages */
		line[i] = '?';
		if (buf[i] >= 0x20 && buf[i] < 0x7f)
			line[i] = buf[i];
	}
	if (linelen)
		line[i < linelen ? i : linelen - 1] = '\0';
	if (!nl && n >= HF_TRUSTPATH_SHEBANG_MAX) {
		*why = "has no end of line within its first 256 bytes";
		return -1;
	}
	while (p < end && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	for (q = p; q < end && buf[q] != ' ' && buf[q] != '\t' && buf[q] != '\0'; q++)
		;
	if (q == p) {
		*why = "names no interpreter";
		return -1;
	}
	if (buf[p] != '/') {
		*why = "names an interpreter that is not an absolute path";
		return -1;
	}
	if (q - p >= len) {
		*why = "names an interpreter whose path is too long";
		return -1;
	}
	memcpy(interp, buf + p, q - p);
	interp[q - p] = '\0';
	return 1;
}

/* The first bytes of the checked file f (at most HF_TRUSTPATH_SHEBANG_MAX) into buf: their
 * count, or -1 when it cannot be opened as a regular file (its exec fails); -2 with err
 * set when it is not the file checked. */
static ssize_t head(const struct hf_trustpath_file *f, char *buf, struct hf_err *err)
{
	struct stat st;
	size_t n = 0;
	int fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (st.st_dev != f->st.st_dev || st.st_ino != f->st.st_ino) {
		close(fd);
		hf_err_set(err, HF_E_IO, "%s was replaced while hotfix checked it; run the command "
					 "again", f->path);
		return -2;
	}
	while (n < HF_TRUSTPATH_SHEBANG_MAX) {
		ssize_t k = pread(fd, buf + n, HF_TRUSTPATH_SHEBANG_MAX - n, (off_t)n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	return (ssize_t)n;
}

int hf_trustpath_check_exec(const char *path, uid_t also, unsigned flags,
			    struct hf_trustpath_file *out, struct hf_err *err)
{
	struct hf_trustpath_file cur;
	char buf[HF_TRUSTPATH_SHEBANG_MAX], interp[HF_TRUSTPATH_SHEBANG_MAX],
	    line[HF_TRUSTPATH_SHEBANG_MAX];
	char script[HF_TRUSTPATH_PATH_MAX];
	const struct hf_trustpath_file *at = out;
	const char *why;
	int r = hf_trustpath_check(path, also, flags, out, err);

	for (unsigned depth = 0; !r; depth++) {
		ssize_t n = head(at, buf, err);
		int k;

		if (n == -2)
			return -HF_E_IO;
		if (n < 0)
			return 0;
		k = hf_trustpath_shebang(buf, (size_t)n, interp, sizeof(interp), line, sizeof(line),
					 &why);
		if (k == 0)
			return 0;
		snprintf(script, sizeof(script), "%s", at->path);
		if (k < 0 || depth == HF_TRUSTPATH_INTERP_MAX) {
			if (k < 0)
				hf_err_set(err, HF_E_UNSAFE, "%s: its #! line \"%s\" %s", script,
					   line, why);
			else
				hf_err_set(err, HF_E_UNSAFE,
					   "%s: a #! interpreter that is a script too (#! line "
					   "\"%s\"): more than %d #! lines on the way from %s",
					   script, line, HF_TRUSTPATH_INTERP_MAX, out->path);
			hf_err_hint(err, "name a program directly, or an interpreter that is not "
					 "itself a script (hotfix(1) HOOKS)");
			return -HF_E_UNSAFE;
		}
		r = hf_trustpath_check(interp, also, flags, &cur, err);
		if (r == -HF_E_IO && cur.sys_errno)
			out->sys_errno = cur.sys_errno;
		if (r)
			return hf_err_prefix(err,
					     "%s: its #! line \"%s\" names the interpreter %s, which "
					     "runs it, so the same rule holds for it: ",
					     script, line, interp);
		at = &cur;
	}
	return r;
}
