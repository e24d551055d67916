/* journal: format, parse, write and remove the transaction record. */
#include "journal.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "fsop.h"
#include "name.h"

#define MAGIC "hotfix-journal 1"
#define NAME "journal"

const char *hf_journal_op_name(enum hf_journal_op op)
{
	return op == HF_JOURNAL_APPLY ? "apply" : "rollback";
}

void hf_journal_free(struct hf_journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		free(j->files[i].path);
	free(j->files);
	free(j);
}

/* A growing text buffer. */
struct sbuf {
	char *p;
	size_t len, cap;
	int failed;
};

static void add(struct sbuf *b, const char *fmt, ...) HF_PRINTF(2, 3);
static void add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if (b->p && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
		char *q = realloc(b->p, cap);

		if (!q) {
			b->failed = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
}

int hf_journal_format(const struct hf_journal *j, char **buf, size_t *len, struct hf_err *err)
{
	struct sbuf b = { 0 };
	char h1[HF_SHA256_HEX], h2[HF_SHA256_HEX], v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN];
	uint8_t sum[HF_SHA256_LEN];

	*buf = NULL;
	*len = 0;
	if (j->n > 0 && !j->files)
		return hf_err_set(err, HF_E_MALFORMED, "journal without its files");
	add(&b, "%s\nop %s\nid %s\nrevision %lu\n", MAGIC, hf_journal_op_name(j->op), j->id,
	    j->revision);
	add(&b, "registry-before %s\n", j->has_before ? hf_sha256_hex(j->before, h1) : "-");
	add(&b, "registry-after %s\nfiles %zu\n", hf_sha256_hex(j->after, h2), j->n);
	for (size_t i = 0; i < j->n; i++) {
		const struct hf_jfile *f = &j->files[i];

		add(&b, "file %s %s %s %s %s\n", hf_version_format(&f->from_version, v1),
		    hf_sha256_hex(f->from, h1), hf_version_format(&f->to_version, v2),
		    hf_sha256_hex(f->to, h2), f->path);
	}
	if (b.failed) {
		free(b.p);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	if (hf_sha256_buf(b.p, b.len, sum, err)) {
		free(b.p);
		return -HF_E_NOMEM;
	}
	add(&b, "sha256 %s\n", hf_sha256_hex(sum, h1));
	if (b.failed) {
		free(b.p);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

/* Parsing: a cursor over NUL-free text, one line at a time. */
struct cursor {
	const char *p, *end;
	const char *name;
	int line;
};

/* The next line without its newline into out (NUL-terminated); every line must end
 * with '\n' and fit in outlen-1 bytes. */
static int next_line(struct cursor *c, char *out, size_t outlen, struct hf_err *err)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	size_t n;

	c->line++;
	out[0] = '\0';
	if (!nl)
		return hf_err_set(err, HF_E_MALFORMED, "%s:%d: truncated (no end of line)",
				  c->name, c->line);
	n = (size_t)(nl - c->p);
	if (n >= outlen)
		return hf_err_set(err, HF_E_MALFORMED, "%s:%d: line too long", c->name, c->line);
	memcpy(out, c->p, n);
	out[n] = '\0';
	c->p = nl + 1;
	return 0;
}

/* "key value": returns value, or NULL if the line does not start with key + ' '. */
static const char *value_of(const char *line, const char *key)
{
	size_t k = strlen(key);

	return strncmp(line, key, k) == 0 && line[k] == ' ' ? line + k + 1 : NULL;
}

static int expect(struct cursor *c, char *line, size_t len, const char *key, const char **val,
		  struct hf_err *err)
{
	int r = next_line(c, line, len, err);

	if (r)
		return r;
	*val = value_of(line, key);
	if (!*val) {
		*val = "";
		return hf_err_set(err, HF_E_MALFORMED, "%s:%d: expected '%s'", c->name, c->line,
				  key);
	}
	return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end = NULL;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

static int parse_file(struct cursor *c, const char *v, struct hf_jfile *f, struct hf_err *err)
{
	char fv[32], fs[80], tv[32], ts[80];
	int used = 0;

	if (sscanf(v, "%31s %79s %31s %79s %n", fv, fs, tv, ts, &used) != 4 || used <= 0 ||
	    hf_version_parse(fv, &f->from_version, NULL) || hf_version_parse(tv, &f->to_version, NULL) ||
	    hf_sha256_parse(fs, f->from, NULL) || hf_sha256_parse(ts, f->to, NULL))
		return hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad file line", c->name, c->line);
	if (strlen(v + used) > 1024 || !hf_name_safe_path(v + used))
		return hf_err_set(err, HF_E_MALFORMED, "%s:%d: unsafe path", c->name, c->line);
	f->path = strdup(v + used);
	if (!f->path)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	return 0;
}

int hf_journal_parse(const uint8_t *buf, size_t len, const char *name, struct hf_journal **out,
		     struct hf_err *err)
{
	struct cursor c = { (const char *)buf, (const char *)buf + len, name, 0 };
	struct hf_journal *j = NULL;
	char line[1200] = ""; /* one line: a key and a value (a path: HF_NAME_PATH_MAX) */
	const char *v = "", *body_end;
	uint8_t sum[HF_SHA256_LEN], want[HF_SHA256_LEN];
	unsigned long n = 0;
	int r;

	*out = NULL;
	if (len > HF_JOURNAL_MAX)
		return hf_err_set(err, HF_E_MALFORMED, "%s: larger than %d bytes", name,
				  HF_JOURNAL_MAX);
	if (memchr(buf, '\0', len))
		return hf_err_set(err, HF_E_MALFORMED, "%s: contains a NUL byte", name);
	j = calloc(1, sizeof(*j));
	if (!j)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	r = next_line(&c, line, sizeof(line), err);
	if (!r && strcmp(line, MAGIC) != 0)
		r = hf_err_set(err, HF_E_MALFORMED, "%s:1: not a version-1 hotfix journal", name);
	if (!r && !(r = expect(&c, line, sizeof(line), "op", &v, err))) {
		if (!strcmp(v, "apply"))
			j->op = HF_JOURNAL_APPLY;
		else if (!strcmp(v, "rollback"))
			j->op = HF_JOURNAL_ROLLBACK;
		else
			r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: unknown op", name, c.line);
	}
	if (!r && !(r = expect(&c, line, sizeof(line), "id", &v, err))) {
		if (!hf_name_safe_id(v))
			r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad hotfix id", name, c.line);
		else
			snprintf(j->id, sizeof(j->id), "%s", v);
	}
	if (!r && !(r = expect(&c, line, sizeof(line), "revision", &v, err)) &&
	    (parse_ulong(v, 4294967295UL, &j->revision) || j->revision == 0))
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad revision", name, c.line);
	if (!r && !(r = expect(&c, line, sizeof(line), "registry-before", &v, err))) {
		j->has_before = strcmp(v, "-") != 0;
		if (j->has_before && hf_sha256_parse(v, j->before, NULL))
			r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad hash", name, c.line);
	}
	if (!r && !(r = expect(&c, line, sizeof(line), "registry-after", &v, err)) &&
	    hf_sha256_parse(v, j->after, NULL))
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad hash", name, c.line);
	if (!r)
		r = expect(&c, line, sizeof(line), "files", &v, err);
	if (!r && (parse_ulong(v, HF_JOURNAL_FILES_MAX, &n) || n == 0))
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad file count", name, c.line);
	if (!r && n > 0) {
		j->files = calloc(n, sizeof(*j->files));
		if (!j->files)
			r = hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	for (unsigned long i = 0; !r && j->files && i < n; i++) {
		r = expect(&c, line, sizeof(line), "file", &v, err);
		if (!r)
			r = parse_file(&c, v, &j->files[i], err);
		if (!r)
			j->n++;
	}
	body_end = c.p;
	if (!r)
		r = expect(&c, line, sizeof(line), "sha256", &v, err);
	if (!r && hf_sha256_parse(v, want, NULL))
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: bad checksum line", name, c.line);
	if (!r && c.p != c.end)
		r = hf_err_set(err, HF_E_MALFORMED, "%s:%d: data after the checksum", name, c.line);
	if (!r)
		r = hf_sha256_buf(buf, (size_t)(body_end - (const char *)buf), sum, err);
	if (!r && memcmp(sum, want, sizeof(sum)) != 0)
		r = hf_err_set(err, HF_E_MALFORMED, "%s: checksum mismatch (torn or altered)", name);
	if (r) {
		hf_journal_free(j);
		return r;
	}
	*out = j;
	return 0;
}

int hf_journal_write(int dirfd, const struct hf_journal *j, const char *display,
		     struct hf_err *err)
{
	char *buf = NULL, name[HF_SITE_NAME_MAX];
	size_t len = 0;
	int r;

	snprintf(name, sizeof(name), "%s/%s", display, NAME);
	r = hf_journal_format(j, &buf, &len, err);
	if (!r)
		r = hf_fs_write_atomic(dirfd, NAME, buf, len, name, err);
	free(buf);
	return r;
}

int hf_journal_read(int dirfd, const char *display, struct hf_journal **out,
		    struct hf_err *err)
{
	char name[HF_SITE_NAME_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, r;

	*out = NULL;
	snprintf(name, sizeof(name), "%s/%s", display, NAME);
	fd = openat(dirfd, NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP) /* planted: as damaged as a torn journal */
			return hf_err_set(err, HF_E_MALFORMED,
					  "%s: is a symbolic link; refused (not hotfix's journal)",
					  name);
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", name, strerror(errno));
	}
	r = hf_read_fd(fd, name, HF_JOURNAL_MAX, &buf, &len, err);
	close(fd);
	if (!r)
		r = hf_journal_parse(buf, len, name, out, err);
	free(buf);
	return r;
}

int hf_journal_remove(int dirfd, int durable, const char *display, struct hf_err *err)
{
	if (hf_fs_unlink_if(dirfd, NAME ".tmp", 0) != 0 || hf_fs_unlink_if(dirfd, NAME, 0) != 0)
		return hf_err_set(err, HF_E_IO, "%s/%s: cannot remove: %s", display, NAME,
				  strerror(errno));
	if (durable && hf_fs_fsync(dirfd) != 0)
		return hf_err_set(err, HF_E_IO, "%s: fsync failed: %s", display, strerror(errno));
	return 0;
}
