/* txlog: the hash-chained transaction log and its signed receipts (see txlog.h). */
#include "txlog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "fsop.h"
#include "sig.h"
#include "utc.h"
#include "version.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static int is_hex64(const char *p)
{
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/* The value of " key=" in a record body of len bytes, up to the next space: *v and *vlen. */
static int field(const char *body, size_t len, const char *key, const char **v, size_t *vlen)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i + kl + 1 < len; i++) {
		if ((i == 0 || body[i - 1] == ' ') && !memcmp(body + i, key, kl) &&
		    body[i + kl] == '=') {
			const char *s = body + i + kl + 1;
			const char *e = memchr(s, ' ', len - (size_t)(s - body));

			*v = s;
			*vlen = e ? (size_t)(e - s) : len - (size_t)(s - body);
			return 0;
		}
	}
	return -1;
}

/* seq=N of a body: 0 when missing or malformed. */
static unsigned long body_seq(const char *body, size_t len)
{
	const char *v;
	size_t vl;
	unsigned long n = 0;

	if (len < 3 || memcmp(body, "v1 ", 3) != 0 || field(body, len, "seq", &v, &vl) ||
	    vl == 0 || vl > 12)
		return 0;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		n = n * 10 + (unsigned long)(v[i] - '0');
	}
	return n;
}

/* The last complete line of the log open as fd (size bytes): its start and length
 * (newline excluded) in a buffer *buf; *tail is the byte count after the last newline
 * (an incomplete record).  No line: *line NULL. */
/* The error of a failed open of the log: a FIFO, device or directory in its place is named
 * as such (hf_open_reg refused it without blocking); anything else is open(2)'s error. */
static int open_err(int dirfd, const char *name, struct hf_err *err)
{
	struct stat sb;
	int e = errno;

	if (fstatat(dirfd, HF_TXLOG_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode))
		return hf_err_notreg(err, HF_E_IO, name, sb.st_mode);
	return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", name, strerror(e));
}

static int last_line(int fd, off_t size, const char *name, char **buf, const char **line,
		     size_t *len, size_t *tail, struct hf_err *err)
{
	size_t want = size > (off_t)HF_TXLOG_LINE_MAX + 1 ? HF_TXLOG_LINE_MAX + 1 : (size_t)size;
	off_t at = size - (off_t)want;
	size_t got = 0;
	char *end, *nl;

	*line = NULL;
	*len = *tail = 0;
	*buf = malloc(want + 1);
	if (!*buf)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	while (got < want) {
		ssize_t n = pread(fd, *buf + got, want - got, at + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hf_err_set(err, HF_E_IO, "%s: cannot read: %s", name,
					  n < 0 ? strerror(errno) : "file shrank");
		got += (size_t)n;
	}
	(*buf)[want] = '\0';
	nl = memrchr(*buf, '\n', want);
	if (!nl) {
		*tail = want;
		if (at > 0)
			return hf_err_set(err, HF_E_MALFORMED, "%s: the last record is longer than "
					  "%d bytes", name, HF_TXLOG_LINE_MAX);
		return 0;
	}
	*tail = want - (size_t)(nl - *buf) - 1;
	end = nl;
	*nl = '\0';
	nl = memrchr(*buf, '\n', (size_t)(end - *buf));
	if (!nl && at > 0)
		return hf_err_set(err, HF_E_MALFORMED, "%s: the last record is longer than %d bytes",
				  name, HF_TXLOG_LINE_MAX);
	*line = nl ? nl + 1 : *buf;
	*len = (size_t)(end - *line);
	return 0;
}

/* The record line for rec, chained after prev (hex) as number seq. */
static int format(const struct hf_txrec *rec, const char *prev, unsigned long seq, char **out,
		  size_t *outlen, struct hf_err *err)
{
	char *body = NULL, hex[HF_SHA256_HEX], h1[HF_SHA256_HEX], h2[HF_SHA256_HEX], now[32],
	     v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN];
	uint8_t d[HF_SHA256_LEN];
	size_t blen = 0;
	FILE *f = open_memstream(&body, &blen);
	int r;

	if (!f)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	fprintf(f, "v1 seq=%lu prev=%s time=%s site=%s op=%s id=%s revision=%lu result=%s step=%s "
		   "by=%s before=%s registry=%s files=%zu",
		seq, prev, hf_utc_now(now, sizeof(now)), rec->site, rec->op, rec->id,
		rec->revision, rec->result, rec->step && rec->step[0] ? rec->step : "-", rec->by,
		rec->has_before ? hf_sha256_hex(rec->before, h1) : "-",
		rec->has_registry ? hf_sha256_hex(rec->registry, hex) : "-", rec->nfiles);
	for (size_t i = 0; i < rec->nfiles; i++) {
		const struct hf_jfile *jf = &rec->files[i];

		fprintf(f, " file=%s from=%s/%s to=%s/%s", jf->path,
			hf_version_format(&jf->from_version, v1), hf_sha256_hex(jf->from, h1),
			hf_version_format(&jf->to_version, v2), hf_sha256_hex(jf->to, h2));
	}
	if (fclose(f) != 0 || !body) {
		free(body);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	if (blen + 66 > HF_TXLOG_LINE_MAX) {
		free(body);
		return hf_err_set(err, HF_E_SIZE, "a log record of %zu bytes is over the limit",
				  blen);
	}
	r = hf_sha256_buf(body, blen, d, err);
	*out = r ? NULL : malloc(blen + 67);
	if (!r && !*out)
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
	if (!r)
		*outlen = (size_t)snprintf(*out, blen + 67, "%s %s\n", hf_sha256_hex(d, hex), body);
	free(body);
	return r;
}

/* receipts/SEQ.txt and receipts/SEQ.p7s, each written atomically. */
static int receipt(int dirfd, const char *display, unsigned long seq, const char *line,
		   size_t len, const struct hf_receipt_key *key, char *path, size_t plen,
		   struct hf_err *err)
{
	char name[64], where[HF_RECEIPT_NAME_MAX];
	uint8_t *der = NULL;
	size_t derlen = 0;
	int rdir = -1, r;

	snprintf(where, sizeof(where), "%s/%s", display, HF_TXLOG_RECEIPTS);
	r = hf_sig_sign((const uint8_t *)line, len, key->cert, key->key, &der, &derlen, err);
	if (!r)
		r = hf_fs_mkdirs(dirfd, HF_TXLOG_RECEIPTS, &rdir, display, err);
	if (!r) {
		snprintf(name, sizeof(name), "%08lu.txt", seq);
		r = hf_fs_write_atomic(rdir, name, line, len, where, err);
	}
	if (!r) {
		snprintf(name, sizeof(name), "%08lu.p7s", seq);
		r = hf_fs_write_atomic(rdir, name, der, derlen, where, err);
	}
	if (!r && path)
		snprintf(path, plen, "%s/%08lu.p7s", HF_TXLOG_RECEIPTS, seq);
	if (rdir >= 0)
		close(rdir);
	free(der);
	return r;
}

static int append(int dirfd, const char *display, const struct hf_txrec *rec,
		  const struct hf_receipt_key *key, char *path, size_t plen, unsigned long *seqp,
		  struct hf_err *err)
{
	char name[HF_STATE_NAME_MAX], prev[HF_SHA256_HEX] = ZERO_HASH, *buf = NULL, *line = NULL;
	const char *last = NULL;
	size_t lastlen = 0, tail = 0, len = 0;
	unsigned long seq = 1;
	struct stat sb;
	int fd, r = 0, created;

	if (path && plen)
		path[0] = '\0';
	snprintf(name, sizeof(name), "%s/%s", display, HF_TXLOG_FILE);
	created = fstatat(dirfd, HF_TXLOG_FILE, &sb, AT_SYMLINK_NOFOLLOW) != 0;
	fd = hf_fs_open_append(dirfd, HF_TXLOG_FILE, 0644);
	if (fd < 0)
		return open_err(dirfd, name, err);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		r = hf_err_set(err, HF_E_IO, "%s: not a regular file", name);
	if (!r && sb.st_size > 0) { /* the append descriptor is write-only */
		int rfd = hf_open_reg(dirfd, HF_TXLOG_FILE, O_RDONLY | O_NOFOLLOW, 0, NULL);

		if (rfd < 0)
			r = hf_err_set(err, HF_E_IO, "%s: cannot read: %s", name, strerror(errno));
		else
			r = last_line(rfd, sb.st_size, name, &buf, &last, &lastlen, &tail, err);
		if (rfd >= 0)
			close(rfd);
	}
	if (!r && last) {
		seq = body_seq(last + 65, lastlen > 65 ? lastlen - 65 : 0) + 1;
		if (lastlen < 65 || !is_hex64(last) || last[64] != ' ' || seq == 1)
			r = hf_err_set(err, HF_E_MALFORMED,
				       "%s: the last record is damaged; nothing appended", name);
		else
			memcpy(prev, last, 64);
	}
	/* an incomplete record after the last newline: a crash while appending */
	if (!r && tail && hf_fs_ftruncate(fd, sb.st_size - (off_t)tail) != 0)
		r = hf_err_set(err, HF_E_IO, "%s: cannot drop an incomplete record: %s", name,
			       strerror(errno));
	if (!r)
		r = format(rec, prev, seq, &line, &len, err);
	if (!r && (hf_fs_write(fd, line, len) != 0 || hf_fs_fsync(fd) != 0))
		r = hf_err_set(err, HF_E_IO, "%s: cannot append: %s", name, strerror(errno));
	if (!r && created && hf_fs_fsync(dirfd) != 0)
		r = hf_err_set(err, HF_E_IO, "%s: fsync failed: %s", display, strerror(errno));
	close(fd);
	if (!r && key && key->key) {
		r = receipt(dirfd, display, seq, line, len, key, path, plen, err);
		if (r)
			hf_err_prefix(err, "record %lu was appended, but its receipt was not "
					   "written: ", seq);
	}
	if (!r && seqp)
		*seqp = seq;
	free(line);
	free(buf);
	return r;
}

int hf_txlog_append(int dirfd, const char *display, const struct hf_txrec *rec,
		    const struct hf_receipt_key *key, char *path, size_t plen, struct hf_err *err)
{
	return append(dirfd, display, rec, key, path, plen, NULL, err);
}

int hf_txlog_reserve(int dirfd, const char *display, const struct hf_txrec *rec, int *reserved,
		     struct hf_err *err)
{
	char name[HF_STATE_NAME_MAX], *line = NULL;
	size_t len = 0;
	struct stat sb;
	int fd, r;

	*reserved = 0;
	snprintf(name, sizeof(name), "%s/%s", display, HF_TXLOG_FILE);
	/* the longest this record can be: the largest number, and room for any result,
	 * step and by */
	r = format(rec, ZERO_HASH, ULONG_MAX, &line, &len, err);
	free(line);
	if (r)
		return r;
	len += 64;
	fd = hf_fs_open_append(dirfd, HF_TXLOG_FILE, 0644);
	if (fd < 0)
		return open_err(dirfd, name, err);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		r = hf_err_set(err, HF_E_IO, "%s: not a regular file", name);
	else if (hf_fs_fallocate(fd, FALLOC_FL_KEEP_SIZE, sb.st_size, (off_t)len) == 0)
		*reserved = 1;
	else if (errno != EOPNOTSUPP && errno != ENOSYS)
		r = hf_err_set(err, HF_E_IO, "%s: cannot reserve %zu bytes for the record of the "
					     "transaction: %s", name, len, strerror(errno));
	close(fd);
	return r;
}

int hf_txlog_last_registry(int dirfd, const char *display, int present,
			   const uint8_t reg[HF_SHA256_LEN], int *found, int *same,
			   struct hf_err *err)
{
	char name[HF_STATE_NAME_MAX], hex[HF_SHA256_HEX], *buf = NULL;
	const char *last = NULL, *v;
	size_t lastlen = 0, tail = 0, vl;
	struct stat sb;
	int fd, r = 0;

	*found = *same = 0;
	snprintf(name, sizeof(name), "%s/%s", display, HF_TXLOG_FILE);
	fd = hf_open_reg(dirfd, HF_TXLOG_FILE, O_RDONLY | O_NOFOLLOW, 0, NULL);
	if (fd < 0)
		return errno == ENOENT ? 0
				       : open_err(dirfd, name, err);
	if (fstat(fd, &sb) == 0 && sb.st_size > 0)
		r = last_line(fd, sb.st_size, name, &buf, &last, &lastlen, &tail, err);
	if (!r && buf && last && lastlen > 65 &&
	    !field(last + 65, lastlen - 65, "registry", &v, &vl)) {
		*found = 1;
		*same = present ? vl == 64 && !memcmp(v, hf_sha256_hex(reg, hex), 64)
				: vl == 1 && *v == '-';
	}
	free(buf);
	close(fd);
	return r;
}

static void problem(struct hf_txlog_check *c, const char *fmt, ...) HF_PRINTF(2, 3);

static void problem(struct hf_txlog_check *c, const char *fmt, ...)
{
	size_t used = strlen(c->problem);
	va_list ap;

	c->problems++;
	if (used + 8 >= sizeof(c->problem))
		return;
	if (used)
		used += (size_t)snprintf(c->problem + used, sizeof(c->problem) - used, "; ");
	va_start(ap, fmt);
	vsnprintf(c->problem + used, sizeof(c->problem) - used, fmt, ap);
	va_end(ap);
}

/* The line of record seq in the log (lines[] of n), or NULL. */
struct line {
	const char *p;
	size_t len; /* with the newline */
	unsigned long seq;
};

static void check_receipts(int dirfd, const char *display, const struct line *lines, size_t n,
			   const char *trust, struct hf_txlog_check *c)
{
	int rdir = openat(dirfd, HF_TXLOG_RECEIPTS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	if (rdir < 0)
		return;
	d = fdopendir(rdir);
	if (!d) {
		close(rdir);
		return;
	}
	while ((e = readdir(d)) && c->receipts < HF_TXLOG_RECEIPTS_MAX) {
		char txt[64], where[HF_RECEIPT_NAME_MAX];
		uint8_t *body = NULL, *sig = NULL;
		size_t blen = 0, slen = 0, nl = strlen(e->d_name);
		unsigned long seq = 0;
		int fd, ok = 1;

		if (nl != 12 || strcmp(e->d_name + 8, ".p7s") != 0 ||
		    strspn(e->d_name, "0123456789") != 8)
			continue;
		c->receipts++;
		seq = strtoul(e->d_name, NULL, 10);
		snprintf(txt, sizeof(txt), "%.8s.txt", e->d_name);
		snprintf(where, sizeof(where), "%s/%s/%s", display, HF_TXLOG_RECEIPTS, txt);
		fd = hf_open_reg(rdir, txt, O_RDONLY | O_NOFOLLOW, 0, NULL);
		if (fd < 0 || hf_read_fd(fd, where, HF_TXLOG_LINE_MAX, &body, &blen, NULL) != 0) {
			problem(c, "receipt %lu: %s is missing or unreadable", seq, txt);
			ok = 0;
		}
		if (fd >= 0)
			close(fd);
		if (ok) {
			size_t i;

			for (i = 0; i < n && lines[i].seq != seq; i++)
				;
			if (i == n) {
				problem(c, "receipt %lu: the log has no record %lu (removed?)", seq,
					seq);
				ok = 0;
			} else if (lines[i].len != blen || memcmp(lines[i].p, body, blen) != 0) {
				problem(c, "receipt %lu: the log's record %lu is not what was "
					   "signed (edited?)", seq, seq);
				ok = 0;
			}
		}
		if (ok && trust) {
			struct hf_err e2;

			snprintf(where, sizeof(where), "%s/%s/%s", display, HF_TXLOG_RECEIPTS,
				 e->d_name);
			fd = hf_open_reg(rdir, e->d_name, O_RDONLY | O_NOFOLLOW, 0, NULL);
			hf_err_clear(&e2);
			if (fd < 0 || hf_read_fd(fd, where, 1024 * 1024, &sig, &slen, &e2) != 0 ||
			    hf_sig_verify_receipt(body, blen, sig, slen, where, trust, NULL, &e2) !=
				0) {
				problem(c, "receipt %lu: %s", seq,
					e2.msg[0] ? e2.msg : "signature unreadable");
				ok = 0;
			}
			if (fd >= 0)
				close(fd);
		}
		c->receipts_ok += (size_t)ok;
		free(body);
		free(sig);
	}
	closedir(d);
}

/* Record seq on its own and after the one before it (its line p is a hash, a space and the
 * body, blen bytes): the hash over the body, the number, the hash of the line before
 * (prev), a writer hotfix knows (by=), and where it starts installed.xml from (before=:
 * where the record before left it, pregv, NULL when unknown).  *regv (*regl) is where it
 * leaves installed.xml, NULL when it names nothing.  What is wrong is a problem in c; an
 * error only when the hash cannot be computed. */
static int check_record(struct hf_txlog_check *c, unsigned long seq, const char *p,
			const char *body, size_t blen, const char *prev, const char *pregv,
			size_t pregl, const char **regv, size_t *regl, struct hf_err *err)
{
	char hex[HF_SHA256_HEX];
	uint8_t d[HF_SHA256_LEN];
	unsigned long got;
	const char *v;
	size_t vl;

	if (hf_sha256_buf(body, blen, d, err) != 0)
		return -(int)err->code;
	if (memcmp(hf_sha256_hex(d, hex), p, 64) != 0)
		problem(c, "record %lu: its hash does not match its content (edited)", seq);
	got = body_seq(body, blen);
	if (got != seq)
		problem(c, "record %lu: says it is record %lu (removed or reordered)", seq, got);
	if (field(body, blen, "prev", &v, &vl) || vl != 64 || memcmp(v, prev, 64) != 0)
		problem(c, "record %lu: does not follow record %lu (one removed, inserted or "
			   "reordered)",
			seq, seq - 1);
	if (field(body, blen, "registry", regv, regl))
		*regv = NULL;
	if (field(body, blen, "before", &v, &vl))
		problem(c, "record %lu names no registry before it", seq);
	else if (pregv && (vl != pregl || memcmp(v, pregv, vl) != 0))
		problem(c, "record %lu: starts from installed.xml %.*s..., but record %lu left "
			   "it %.*s...: installed.xml changed without a record in between (edited "
			   "by hand, or restored from a copy)",
			seq, vl > 16 ? 16 : (int)vl, v, seq - 1, pregl > 16 ? 16 : (int)pregl,
			pregv);
	if (field(body, blen, "by", &v, &vl)) {
		v = "";
		vl = 0;
	}
	if (!((vl == 7 && !memcmp(v, "command", 7)) || (vl == 8 && !memcmp(v, "recovery", 8))))
		problem(c, "record %lu: not a record hotfix writes (by=%.*s)", seq,
			vl > 16 ? 16 : (int)vl, v);
	return 0;
}

/* The last of the n records (leaving installed.xml as regv says, NULL: it names nothing)
 * must leave it as it is now (reg, or none when !present). */
static void check_last(struct hf_txlog_check *c, size_t n, const char *regv, size_t regl,
		       int present, const uint8_t reg[HF_SHA256_LEN])
{
	char hex[HF_SHA256_HEX];

	if (n && regv) {
		c->registry_checked = 1;
		if (present ? regl != 64 || memcmp(regv, hf_sha256_hex(reg, hex), 64) != 0
			    : regl != 1 || *regv != '-')
			problem(c, "the last record (%zu) does not leave installed.xml as it is: "
				   "installed.xml changed without a record (edited by hand, or "
				   "restored from a copy), or records were cut from the end; put back "
				   "the installed.xml record %zu names (registry=%.*s), or compare the "
				   "site with 'hotfix audit MANIFEST'",
				n, n, regl > 64 ? 64 : (int)regl, regv);
	} else if (n) {
		problem(c, "the last record (%zu) names no registry", n);
	} else if (present) {
		problem(c, "the log is empty, yet installed.xml records hotfixes");
	}
}

int hf_txlog_verify(int dirfd, const char *display, int present,
		    const uint8_t reg[HF_SHA256_LEN], const char *trust,
		    struct hf_txlog_check *c, struct hf_err *err)
{
	char name[HF_STATE_NAME_MAX], prev[HF_SHA256_HEX] = ZERO_HASH;
	uint8_t *buf = NULL;
	struct line *lines = NULL;
	const char *p, *end, *regv = NULL, *pregv;
	size_t len = 0, n = 0, cap = 0, regl = 0, pregl;
	int fd, r;

	memset(c, 0, sizeof(*c));
	snprintf(name, sizeof(name), "%s/%s", display, HF_TXLOG_FILE);
	fd = dirfd < 0 ? -1 : hf_open_reg(dirfd, HF_TXLOG_FILE, O_RDONLY | O_NOFOLLOW, 0, NULL);
	if (fd < 0) {
		if (dirfd >= 0 && errno != ENOENT)
			return open_err(dirfd, name, err);
		if (present)
			problem(c, "no log, yet installed.xml records hotfixes (the log was "
				   "removed, or they were installed by a hotfix that kept no log)");
		return 0;
	}
	r = hf_read_fd(fd, name, HF_TXLOG_MAX, &buf, &len, err);
	close(fd);
	if (r)
		return r;
	p = (const char *)buf;
	end = p + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		unsigned long seq = n + 1;
		const char *body = p + 65;
		size_t blen = ll > 65 ? ll - 65 : 0;

		if (!nl) { /* the registry check goes by the last complete record */
			problem(c, "record %lu is incomplete (a crash while it was written, or cut)",
				seq);
			break;
		}
		pregv = regv; /* where the line before left installed.xml (NULL: unknown) */
		pregl = regl;
		regv = NULL; /* the registry the last line names, if it is a record */
		regl = 0;
		if (ll > HF_TXLOG_LINE_MAX || ll < 66 || !is_hex64(p) || p[64] != ' ')
			problem(c, "record %lu is not a record", seq);
		else
			r = check_record(c, seq, p, body, blen, prev, pregv, pregl, &regv, &regl,
					 err);
		if (r) {
			free(lines);
			free(buf);
			return r;
		}
		if (n == cap) {
			struct line *nlines;

			cap = cap ? cap * 2 : 64;
			nlines = realloc(lines, cap * sizeof(*lines));
			if (!nlines) {
				free(lines);
				free(buf);
				return hf_err_set(err, HF_E_NOMEM, "out of memory");
			}
			lines = nlines;
		}
		lines[n].p = p;
		lines[n].len = ll + 1;
		lines[n].seq = body_seq(body, blen);
		n++;
		if (ll >= 64) /* what the next record must name (a non-record: never matches) */
			memcpy(prev, p, 64);
		else
			memset(prev, 'x', 64);
		p = nl + 1;
	}
	c->records = n;
	if (n && lines[n - 1].len > 64 && is_hex64(lines[n - 1].p))
		snprintf(c->head, sizeof(c->head), "%.64s", lines[n - 1].p);
	check_last(c, n, regv, regl, present, reg);
	check_receipts(dirfd, display, lines, n, trust, c);
	free(lines);
	free(buf);
	return 0;
}
