/* payload: verify the payload archive and extract the entries a plan needs. */
#include "payload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "fileio.h"
#include "fsop.h"
#include "hash.h"
#include "hasher.h"
#include "progress.h"
#include "intr.h"

/* From this payload size on, the hashing runs on a second thread beside the reads and
 * writes (below it, starting the threads costs more than it saves). */
#define THREADS_FROM (8u << 20)
/* Ask the kernel to start writing a staged file back every this many bytes, so that its
 * fsync finds little left to do. */
#define WRITEBACK_EVERY (8u << 20)

/* The expansion cap: the bytes all entries may produce together, from the signed size. */
static uint64_t expand_cap(uint64_t payload_size)
{
	if (payload_size > (UINT64_MAX - HF_PAYLOAD_EXPAND_BASE) / HF_PAYLOAD_EXPAND_RATIO)
		return UINT64_MAX;
	return HF_PAYLOAD_EXPAND_BASE + payload_size * HF_PAYLOAD_EXPAND_RATIO;
}

/* 0 if an entry's name is within the caps on length and depth, else -HF_E_MALFORMED. */
static int check_name(const char *name, const char *payload, struct hf_err *err)
{
	size_t len = strlen(name), depth = 1;

	for (const char *c = name; *c; c++)
		depth += *c == '/' || *c == '\\';
	if (len > HF_PAYLOAD_NAME_MAX || depth > HF_PAYLOAD_DEPTH_MAX)
		return hf_err_set(err, HF_E_MALFORMED,
				  "payload %s: an entry name of %zu bytes and %zu levels (at most %d "
				  "and %d); refused",
				  payload, len, depth, HF_PAYLOAD_NAME_MAX, HF_PAYLOAD_DEPTH_MAX);
	return 0;
}

/* Open the payload: a regular file of exactly the manifest's size. */
static int open_payload(const struct hf_manifest *m, int *fd, struct hf_err *err)
{
	struct stat st;
	mode_t type;
	int r = 0;

	*fd = hf_open_reg(AT_FDCWD, m->payload_path, O_RDONLY, 0, &type); /* a FIFO: refused */
	if (*fd < 0 && type)
		return hf_err_notreg(err, HF_E_IO, m->payload_path, type);
	if (*fd < 0) {
		r = hf_err_set(err, HF_E_IO, "payload %s: cannot open: %s", m->payload_path,
			       strerror(errno));
		hf_err_hint(err, "keep the payload at '%s' relative to the manifest",
			    m->payload_href);
		return r;
	}
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode))
		r = hf_err_set(err, HF_E_IO, "payload %s: not a regular file", m->payload_path);
	else if ((uint64_t)st.st_size != m->payload_size)
		r = hf_err_set(err, HF_E_SIZE, "payload %s: %llu bytes, the manifest says %llu",
			       m->payload_path, (unsigned long long)st.st_size,
			       (unsigned long long)m->payload_size);
	if (r) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

int hf_payload_present(const struct hf_manifest *m, struct hf_err *err)
{
	int fd = -1, r = open_payload(m, &fd, err);

	if (fd >= 0)
		close(fd);
	return r;
}

/* The bytes read (size, digest) against the manifest. */
static int check_digest(const struct hf_manifest *m, const uint8_t digest[HF_SHA256_LEN],
			uint64_t size, struct hf_err *err)
{
	char want[HF_SHA256_HEX], got[HF_SHA256_HEX];

	if (size != m->payload_size)
		return hf_err_set(err, HF_E_SIZE, "payload %s: changed size while being read",
				  m->payload_path);
	if (memcmp(digest, m->payload_sha256, HF_SHA256_LEN) != 0)
		return hf_err_set(err, HF_E_HASH, "payload %s: SHA-256 %s, the manifest says %s",
				  m->payload_path, hf_sha256_hex(digest, got),
				  hf_sha256_hex(m->payload_sha256, want));
	return 0;
}

static void damaged_hint(int r, struct hf_err *err)
{
	if (r == -HF_E_SIZE || r == -HF_E_HASH || r == -HF_E_MALFORMED)
		hf_err_hint(err, "the payload is damaged or not the one this manifest describes; "
				 "fetch it again from the publisher");
}

int hf_payload_verify(const struct hf_manifest *m, const struct hf_progress *pr,
		      struct hf_err *err)
{
	struct hf_progress_meter meter;
	struct hf_hasher *sha = NULL;
	uint8_t digest[HF_SHA256_LEN];
	uint64_t size = 0;
	int fd = -1, r = hf_hasher_new(&sha, m->payload_size >= THREADS_FROM, err);

	if (!r)
		r = open_payload(m, &fd, err);
	if (!r) {
		hf_progress_start(&meter, pr, "verifying payload", m->payload_size);
		r = hf_hasher_fd_progress(sha, fd, m->payload_path, digest, &size, &meter, err);
	}
	if (!r)
		r = check_digest(m, digest, size, err);
	damaged_hint(r, err);
	hf_hasher_free(sha);
	if (fd >= 0)
		close(fd);
	return r;
}

/* The archive's bytes as libarchive pulls them: counted, bounded, hashed.  Each read goes
 * straight into a slot of the hasher, which hashes it on its thread while libarchive
 * parses it (a slot stays valid until the next read, as libarchive requires). */
struct source {
	int fd;
	const char *name;
	uint64_t limit, total;
	struct hf_hasher *sha;
	int failed; /* a read error or NOMEM; message in err */
	uint64_t expanded, expand_cap; /* bytes all entries produced, and their cap */
	struct hf_err *err;
	const uint8_t *last; /* the slot of the last read */
	struct hf_progress_meter meter; /* "staging payload": total of the bytes read */
};

static ssize_t pull(struct source *s)
{
	uint8_t *slot = hf_hasher_slot(s->sha);
	ssize_t n = hf_read_some(s->fd, slot, HF_HASHER_SLOT);

	if (n < 0) {
		s->failed = 1;
		return hf_err_set(s->err, HF_E_IO, "payload %s: read failed: %s", s->name,
				  strerror(errno));
	}
	if ((uint64_t)n > s->limit - s->total) {
		s->failed = 1;
		return hf_err_set(s->err, HF_E_SIZE, "payload %s: larger than the manifest's %llu bytes",
				  s->name, (unsigned long long)s->limit);
	}
	s->total += (uint64_t)n;
	if (n > 0 && hf_hasher_submit(s->sha, (size_t)n, s->err)) {
		s->failed = 1;
		return -1;
	}
	hf_progress_update(&s->meter, s->total);
	s->last = slot;
	return n;
}

static la_ssize_t read_cb(struct archive *a, void *data, const void **buf)
{
	struct source *s = data;
	ssize_t n = pull(s);

	if (n < 0) {
		archive_set_error(a, EIO, "%s", s->err->msg);
		return -1;
	}
	*buf = s->last;
	return n;
}

/* The wanted entry called name, or NULL.  *clash is set to a wanted entry whose name
 * equals name only when case is ignored (on Windows they are the same file). */
static struct hf_payload_want *wanted(struct hf_payload_want *want, size_t n, const char *name,
				      const struct hf_payload_want **clash)
{
	*clash = NULL;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(want[i].source, name))
			return &want[i];
		if (!strcasecmp(want[i].source, name))
			*clash = &want[i];
	}
	return NULL;
}

/* The staging side of one wanted entry: bytes are gathered into a slot of the entry's
 * hasher; a full slot is handed to the hasher, then written while it is hashed. */
struct sink {
	struct hf_payload_want *w;
	struct hf_hasher *sha;
	uint8_t *slot;
	size_t fill;
	uint64_t written, hinted;
};

static int flush(struct sink *k, struct hf_err *err)
{
	if (!k->fill)
		return 0;
	if (hf_intr_check(err)) /* a signal stops the staging here (intr.h) */
		return -HF_E_INTR;
	if (hf_hasher_submit(k->sha, k->fill, err))
		return -(int)err->code;
	if (hf_fs_write(k->w->fd, k->slot, k->fill) != 0)
		return hf_err_set(err, HF_E_IO, "staging %s: write failed: %s", k->w->source,
				  strerror(errno));
	k->written += k->fill;
	k->fill = 0;
	k->slot = hf_hasher_slot(k->sha);
	if (k->written - k->hinted >= WRITEBACK_EVERY) {
		hf_fs_writeback(k->w->fd, k->hinted, k->written - k->hinted);
		k->hinted = k->written;
	}
	return 0;
}

/* Count len more expanded bytes against the cap. */
static int expand(struct source *s, uint64_t len, const char *payload, struct hf_err *err)
{
	if (len > s->expand_cap - s->expanded)
		return hf_err_set(err, HF_E_MALFORMED,
				  "payload %s: its entries expand to more than %llu bytes (%d times "
				  "its size plus %d MiB); refused as a decompression bomb",
				  payload, (unsigned long long)s->expand_cap, HF_PAYLOAD_EXPAND_RATIO,
				  HF_PAYLOAD_EXPAND_BASE >> 20);
	s->expanded += len;
	return 0;
}

/* Read and discard the data of an entry the plan does not need, counting its bytes (a
 * skip inside libarchive could inflate without limit before returning). */
static int drain_entry(struct archive *a, struct source *s, const char *payload,
		       struct hf_err *err)
{
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int ar = archive_read_data_block(a, &buf, &len, &off);

		if (ar == ARCHIVE_EOF)
			return 0;
		if (ar < ARCHIVE_WARN)
			return s->failed ? -(int)err->code
					 : hf_err_set(err, HF_E_MALFORMED, "payload %s: %s", payload,
						      archive_error_string(a));
		if (expand(s, len, payload, err))
			return -HF_E_MALFORMED;
	}
}

static int extract_entry(struct archive *a, struct archive_entry *e, struct hf_payload_want *w,
			 struct hf_hasher *sha, struct source *s, struct hf_err *err)
{
	const char *payload = s->name;
	struct sink k = { .w = w, .sha = sha };
	uint8_t got[HF_SHA256_LEN];
	char h1[HF_SHA256_HEX], h2[HF_SHA256_HEX];
	uint64_t total = 0;
	int r;

	if (w->done)
		return hf_err_set(err, HF_E_MALFORMED, "payload %s: entry %s appears twice", payload,
				  w->source);
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
	    archive_entry_symlink(e))
		return hf_err_set(err, HF_E_MALFORMED,
				  "payload %s: entry %s is not a regular file (a link, device or "
				  "directory); refused",
				  payload, w->source);
	if (archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
	    (uint64_t)archive_entry_size(e) != w->size)
		return hf_err_set(err, HF_E_SIZE, "payload %s: entry %s has %lld bytes, the manifest says %llu",
				  payload, w->source, (long long)archive_entry_size(e),
				  (unsigned long long)w->size);
	r = hf_hasher_begin(sha, err);
	k.slot = hf_hasher_slot(sha);
	while (!r) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int ar = archive_read_data_block(a, &buf, &len, &off);

		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			r = hf_err_set(err, HF_E_MALFORMED, "payload %s: entry %s: %s", payload,
				       w->source, archive_error_string(a));
			break;
		}
		if (off < 0 || (uint64_t)off != total) {
			r = hf_err_set(err, HF_E_MALFORMED, "payload %s: entry %s is sparse", payload,
				       w->source);
			break;
		}
		if (len == 0)
			continue; /* libarchive may hand out an empty block with a NULL buffer */
		if (len > w->size - total) {
			r = hf_err_set(err, HF_E_SIZE, "payload %s: entry %s is larger than the manifest's %llu bytes",
				       payload, w->source, (unsigned long long)w->size);
			break;
		}
		total += len;
		r = expand(s, len, payload, err);
		/* libarchive hands out blocks of any size: gather them into full slots */
		while (!r && len) {
			size_t n = HF_HASHER_SLOT - k.fill < len ? HF_HASHER_SLOT - k.fill : len;

			memcpy(k.slot + k.fill, buf, n);
			k.fill += n;
			buf = (const uint8_t *)buf + n;
			len -= n;
			if (k.fill == HF_HASHER_SLOT)
				r = flush(&k, err);
		}
	}
	if (!r)
		r = flush(&k, err);
	if (!r)
		r = hf_hasher_final(sha, got, err);
	if (r)
		return r;
	if (total != w->size)
		return hf_err_set(err, HF_E_SIZE, "payload %s: entry %s has %llu bytes, the manifest says %llu",
				  payload, w->source, (unsigned long long)total,
				  (unsigned long long)w->size);
	if (memcmp(got, w->sha256, HF_SHA256_LEN) != 0)
		return hf_err_set(err, HF_E_HASH, "payload %s: entry %s has SHA-256 %s, the manifest says %s",
				  payload, w->source, hf_sha256_hex(got, h1),
				  hf_sha256_hex(w->sha256, h2));
	w->done = 1;
	return 0;
}

static int walk(struct archive *a, struct source *src, struct hf_payload_want *want, size_t n,
		struct hf_hasher *sha, const char *payload, struct hf_err *err)
{
	for (long count = 0;; count++) {
		struct archive_entry *e;
		struct hf_payload_want *w;
		const struct hf_payload_want *clash;
		const char *name;
		int r, ar = archive_read_next_header(a, &e);

		if (ar == ARCHIVE_EOF)
			return 0;
		if (src->failed)
			return -(int)err->code;
		if (ar < ARCHIVE_WARN)
			return hf_err_set(err, HF_E_MALFORMED, "payload %s: %s", payload,
					  archive_error_string(a));
		if (count >= HF_PAYLOAD_ENTRIES_MAX)
			return hf_err_set(err, HF_E_MALFORMED, "payload %s: more than %d entries",
					  payload, HF_PAYLOAD_ENTRIES_MAX);
		name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
		r = check_name(name, payload, err);
		/* a declared size over the cap is refused before a byte of it is inflated
		 * (the bytes themselves are counted as they come) */
		if (!r && archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
		    (uint64_t)archive_entry_size(e) > src->expand_cap - src->expanded)
			r = expand(src, (uint64_t)archive_entry_size(e), payload, err);
		if (r)
			return r;
		w = wanted(want, n, name, &clash);
		if (clash)
			return hf_err_set(err, HF_E_MALFORMED,
					  "payload %s: entry %s and entry %s differ only in case; "
					  "refused as ambiguous",
					  payload, name, clash->source);
		if (w) {
			r = extract_entry(a, e, w, sha, src, err);
		} else {
			r = drain_entry(a, src, payload, err);
		}
		if (r)
			return src->failed ? -(int)err->code : r;
	}
}

int hf_payload_extract(const struct hf_manifest *m, struct hf_payload_want *want, size_t n,
		       const struct hf_progress *pr, struct hf_err *err)
{
	struct source *src = calloc(1, sizeof(*src));
	struct hf_hasher *entry_sha = NULL;
	struct archive *a = NULL;
	uint8_t digest[HF_SHA256_LEN];
	int threads = m->payload_size >= THREADS_FROM;
	int r = 0;

	if (!src)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	src->fd = -1;
	src->name = m->payload_path;
	src->limit = m->payload_size;
	src->expand_cap = expand_cap(m->payload_size);
	src->err = err;
	r = hf_hasher_new(&src->sha, threads, err);
	if (!r)
		r = hf_hasher_new(&entry_sha, threads, err);
	if (!r)
		r = open_payload(m, &src->fd, err);
	if (r)
		goto out;
	/* size and SHA-256 before libarchive parses a byte; the parse then reads the same
	 * descriptor and hashes again, so a file changed in between is caught too */
	{
		uint8_t first[HF_SHA256_LEN];
		uint64_t size = 0;

		hf_progress_start(&src->meter, pr, "verifying payload", m->payload_size);
		r = hf_hasher_fd_progress(src->sha, src->fd, m->payload_path, first, &size,
					  &src->meter, err);
		if (!r)
			r = check_digest(m, first, size, err);
		if (!r && lseek(src->fd, 0, SEEK_SET) != 0)
			r = hf_err_set(err, HF_E_IO, "payload %s: cannot rewind: %s", m->payload_path,
				       strerror(errno));
		if (r)
			goto out;
	}
	r = hf_hasher_begin(src->sha, err);
	if (r)
		goto out;
	hf_progress_start(&src->meter, pr, "staging payload", m->payload_size);
	a = archive_read_new();
	if (!a) {
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	/* only in-process decoders: never a filter that runs an external program */
	archive_read_support_format_cab(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	if (archive_read_open(a, src, NULL, read_cb, NULL) != ARCHIVE_OK) {
		r = src->failed ? -(int)err->code
				: hf_err_set(err, HF_E_MALFORMED, "payload %s: not a CAB, tar or zip archive: %s",
					     m->payload_path, archive_error_string(a));
		goto out;
	}
	r = walk(a, src, want, n, entry_sha, m->payload_path, err);
	while (!r) { /* the rest of the file: the whole of it is hashed */
		ssize_t got = pull(src);

		if (got < 0)
			r = -(int)err->code;
		if (got <= 0)
			break;
	}
	if (!r)
		r = hf_hasher_final(src->sha, digest, err);
	if (!r)
		r = check_digest(m, digest, src->total, err);
	for (size_t i = 0; !r && i < n; i++)
		if (!want[i].done)
			r = hf_err_set(err, HF_E_MALFORMED, "payload %s: has no entry %s",
				       m->payload_path, want[i].source);
out:
	damaged_hint(r, err);
	if (a)
		archive_read_free(a);
	hf_hasher_free(entry_sha);
	hf_hasher_free(src->sha);
	if (src->fd >= 0)
		close(src->fd);
	free(src);
	return r;
}
