/* pe: a bounds-checked reader of PE version resources. */
#include "pe.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW 4096

#define RT_VERSION 16
#define VS_FFI_SIGNATURE 0xFEEF04BDu
#define FIXED_OFFSET 40 /* 6-byte header + L"VS_VERSION_INFO" (32 bytes), aligned to 4 */
#define FIXED_SIZE 52

/* Where the bytes come from: memory, or a file read through one cached window. */
struct src {
	const char *name;
	uint64_t size;
	const uint8_t *mem; /* NULL for a file */
	int fd;
	uint64_t win_off;
	size_t win_len;
	uint8_t win[WINDOW];
};

/* The parts of the headers the walk needs. */
struct section {
	uint32_t va, vsize, raw_size, raw_ptr;
};

struct image {
	struct src *src;
	uint64_t sec_table;   /* file offset of the section table */
	uint16_t nsections;
	uint32_t rsrc_rva, rsrc_size;
	int pe32plus;
	uint16_t machine;
	struct hf_err *err;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copy len bytes at off into out; fails if [off, off+len) is not inside the file. */
static int src_read(struct src *s, uint64_t off, size_t len, void *out, const char *what,
		    struct hf_err *err)
{
	if (off > s->size || len > s->size - off)
		return hf_err_set(err, HF_E_MALFORMED,
				  "%s: %s (%zu bytes at offset %llu) lies beyond the end of the "
				  "file (%llu bytes)",
				  s->name, what, len, (unsigned long long)off,
				  (unsigned long long)s->size);
	if (s->mem) {
		memcpy(out, s->mem + off, len);
		return 0;
	}
	if (len > WINDOW) /* never needed by the walk; keep the window logic simple */
		return hf_err_set(err, HF_E_MALFORMED, "%s: %s is too large to read (%zu bytes)",
				  s->name, what, len);
	if (off < s->win_off || off + len > s->win_off + s->win_len) {
		size_t want = WINDOW;
		ssize_t n;

		if (s->size - off < want)
			want = (size_t)(s->size - off);
		do
			n = pread(s->fd, s->win, want, (off_t)off);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return hf_err_set(err, HF_E_IO, "%s: read at offset %llu failed: %s",
					  s->name, (unsigned long long)off, strerror(errno));
		if ((size_t)n < len)
			return hf_err_set(err, HF_E_IO,
					  "%s: file shrank while being read (offset %llu)", s->name,
					  (unsigned long long)off);
		s->win_off = off;
		s->win_len = (size_t)n;
	}
	memcpy(out, s->win + (off - s->win_off), len);
	return 0;
}

/* Translate an RVA range [rva, rva+len) to a file offset through the section table.
 * The range must lie within the raw data of one section (and within its virtual size
 * when that is smaller: bytes past it are not part of the mapped image). */
static int rva_to_off(struct image *im, uint32_t rva, uint32_t len, const char *what,
		      uint64_t *off)
{
	for (uint16_t i = 0; i < im->nsections; i++) {
		uint8_t sh[40] = { 0 };
		struct section s;
		uint32_t span;
		int r = src_read(im->src, im->sec_table + (uint64_t)i * 40, sizeof(sh), sh,
				 "section header", im->err);

		if (r)
			return r;
		s.vsize = le32(sh + 8);
		s.va = le32(sh + 12);
		s.raw_size = le32(sh + 16);
		s.raw_ptr = le32(sh + 20);
		span = s.raw_size;
		if (s.vsize && s.vsize < span)
			span = s.vsize;
		if (rva < s.va || rva - s.va >= span)
			continue;
		if (len > span - (rva - s.va))
			return hf_err_set(im->err, HF_E_MALFORMED,
					  "%s: %s (RVA 0x%x, %u bytes) runs past the end of "
					  "section %u",
					  im->src->name, what, rva, len, (unsigned)i);
		*off = (uint64_t)s.raw_ptr + (rva - s.va);
		return 0;
	}
	return hf_err_set(im->err, HF_E_MALFORMED, "%s: %s (RVA 0x%x) is in no section's data",
			  im->src->name, what, rva);
}

/* Read len bytes at offset rel from the start of the resource directory. */
static int rsrc_read(struct image *im, uint32_t rel, uint32_t len, void *out, const char *what)
{
	uint64_t off = 0;
	int r;

	if (rel > im->rsrc_size || len > im->rsrc_size - rel)
		return hf_err_set(im->err, HF_E_MALFORMED,
				  "%s: %s (offset 0x%x, %u bytes) lies outside the resource "
				  "directory (%u bytes)",
				  im->src->name, what, rel, len, im->rsrc_size);
	r = rva_to_off(im, im->rsrc_rva + rel, len, what, &off);
	return r ? r : src_read(im->src, off, len, out, what, im->err);
}

/* In the directory at rel, find the entry with numeric id `id` (id < 0: the first
 * entry, named or not).  On success *target is the entry's OffsetToData field. */
static int dir_find(struct image *im, uint32_t rel, long id, int level, uint32_t *target)
{
	uint8_t hdr[16] = { 0 }, ent[8] = { 0 };
	uint32_t count;
	int r = rsrc_read(im, rel, sizeof(hdr), hdr, "resource directory");

	if (r)
		return r;
	count = (uint32_t)le16(hdr + 12) + le16(hdr + 14);
	/* rel + 16 <= rsrc_size was checked by rsrc_read above */
	if (count > (im->rsrc_size - rel - 16) / 8)
		return hf_err_set(im->err, HF_E_MALFORMED,
				  "%s: resource directory at offset 0x%x declares %u entries, more "
				  "than fit in the resource data",
				  im->src->name, rel, count);
	for (uint32_t i = 0; i < count; i++) {
		/* rel + 16 + 8*i cannot overflow: rel < rsrc_size and i < 131072 */
		r = rsrc_read(im, rel + 16 + 8 * i, sizeof(ent), ent, "resource directory entry");
		if (r)
			return r;
		if (id < 0 || (!(le32(ent) & 0x80000000u) && le32(ent) == (uint32_t)id)) {
			*target = le32(ent + 4);
			return 0;
		}
	}
	if (level == 0)
		return hf_err_set(im->err, HF_E_NOVERSION,
				  "%s: no version resource (RT_VERSION) among %u resource types",
				  im->src->name, count);
	return hf_err_set(im->err, HF_E_NOVERSION,
			  "%s: the version resource directory (level %d) is empty",
			  im->src->name, level);
}

static int read_headers(struct image *im)
{
	struct src *s = im->src;
	uint8_t dos[64] = { 0 }, nt[24] = { 0 }, opt[2] = { 0 }, dd[8] = { 0 };
	uint32_t lfanew, ndirs, ndirs_off, dirs_off;
	uint16_t opt_size, magic;
	uint64_t opt_off;
	int r;

	if (s->size < sizeof(dos))
		return hf_err_set(im->err, HF_E_NOTPE, "%s: not a PE image (%llu bytes, too short)",
				  s->name, (unsigned long long)s->size);
	r = src_read(s, 0, sizeof(dos), dos, "DOS header", im->err);
	if (r)
		return r;
	if (dos[0] != 'M' || dos[1] != 'Z')
		return hf_err_set(im->err, HF_E_NOTPE, "%s: not a PE image (no MZ signature)",
				  s->name);
	lfanew = le32(dos + 0x3c);
	if (lfanew > s->size || s->size - lfanew < sizeof(nt))
		return hf_err_set(im->err, HF_E_NOTPE,
				  "%s: not a PE image (PE header offset 0x%x is beyond the file)",
				  s->name, lfanew);
	r = src_read(s, lfanew, sizeof(nt), nt, "PE header", im->err);
	if (r)
		return r;
	if (memcmp(nt, "PE\0\0", 4) != 0)
		return hf_err_set(im->err, HF_E_NOTPE,
				  "%s: not a PE image (no PE signature at offset 0x%x; an MS-DOS or "
				  "NE executable?)",
				  s->name, lfanew);
	im->machine = le16(nt + 4);
	im->nsections = le16(nt + 6);
	opt_size = le16(nt + 20);
	opt_off = (uint64_t)lfanew + 24;
	im->sec_table = opt_off + opt_size;
	if (opt_size < 2)
		return hf_err_set(im->err, HF_E_NOVERSION,
				  "%s: COFF object without an optional header has no resources",
				  s->name);
	r = src_read(s, opt_off, sizeof(opt), opt, "optional header", im->err);
	if (r)
		return r;
	magic = le16(opt);
	if (magic == 0x10b) {
		ndirs_off = 92;
		dirs_off = 96;
	} else if (magic == 0x20b) {
		ndirs_off = 108;
		dirs_off = 112;
		im->pe32plus = 1;
	} else {
		return hf_err_set(im->err, HF_E_NOTPE,
				  "%s: unknown optional header magic 0x%x (neither PE32 nor PE32+)",
				  s->name, magic);
	}
	if (opt_size < dirs_off + 3 * 8)
		return hf_err_set(im->err, HF_E_NOVERSION,
				  "%s: optional header (%u bytes) has no resource data directory",
				  s->name, opt_size);
	{
		uint8_t nb[4] = { 0 };

		r = src_read(s, opt_off + ndirs_off, sizeof(nb), nb, "NumberOfRvaAndSizes", im->err);
		if (r)
			return r;
		ndirs = le32(nb);
	}
	if (ndirs < 3)
		return hf_err_set(im->err, HF_E_NOVERSION,
				  "%s: %u data directories, so no resource directory", s->name, ndirs);
	r = src_read(s, opt_off + dirs_off + 2 * 8, sizeof(dd), dd, "resource data directory",
		     im->err);
	if (r)
		return r;
	im->rsrc_rva = le32(dd);
	im->rsrc_size = le32(dd + 4);
	if (im->rsrc_rva == 0 || im->rsrc_size == 0)
		return hf_err_set(im->err, HF_E_NOVERSION, "%s: the image has no resources",
				  s->name);
	if (im->sec_table > s->size || (s->size - im->sec_table) / 40 < im->nsections)
		return hf_err_set(im->err, HF_E_MALFORMED,
				  "%s: section table (%u sections at offset %llu) runs past the end "
				  "of the file",
				  s->name, (unsigned)im->nsections,
				  (unsigned long long)im->sec_table);
	return 0;
}

static int walk(struct src *s, struct hf_pe_info *out, struct hf_err *err)
{
	struct image im = { .src = s, .err = err };
	uint32_t target = 0, data_rva, data_size;
	uint8_t entry[16] = { 0 }, vi[FIXED_OFFSET + FIXED_SIZE] = { 0 };
	static const uint8_t key[] = "V\0S\0_\0V\0E\0R\0S\0I\0O\0N\0_\0I\0N\0F\0O\0\0";
	uint64_t off = 0;
	int r = read_headers(&im);

	if (r)
		return r;
	/* Level 0: resource types; level 1: names; level 2: languages. */
	r = dir_find(&im, 0, RT_VERSION, 0, &target);
	for (int level = 1; !r && level <= 2; level++) {
		if (!(target & 0x80000000u))
			return hf_err_set(err, HF_E_MALFORMED,
					  "%s: version resource entry at level %d is data where a "
					  "directory is required",
					  s->name, level - 1);
		r = dir_find(&im, target & 0x7fffffffu, -1, level, &target);
	}
	if (r)
		return r;
	if (target & 0x80000000u)
		return hf_err_set(err, HF_E_MALFORMED,
				  "%s: version resource has a fourth directory level", s->name);
	r = rsrc_read(&im, target, sizeof(entry), entry, "version resource data entry");
	if (r)
		return r;
	data_rva = le32(entry);
	data_size = le32(entry + 4);
	if (data_size < sizeof(vi))
		return hf_err_set(err, HF_E_NOVERSION,
				  "%s: version resource is %u bytes, too small for VS_FIXEDFILEINFO",
				  s->name, data_size);
	r = rva_to_off(&im, data_rva, data_size, "version resource", &off);
	if (r)
		return r;
	r = src_read(s, off, sizeof(vi), vi, "VS_VERSIONINFO", err);
	if (r)
		return r;
	if (le16(vi) < sizeof(vi) || le16(vi) > data_size)
		return hf_err_set(err, HF_E_MALFORMED,
				  "%s: VS_VERSIONINFO length %u does not fit its resource (%u bytes)",
				  s->name, le16(vi), data_size);
	if (memcmp(vi + 6, key, sizeof(key)) != 0) /* 15 UTF-16 chars + NUL = 32 bytes */
		return hf_err_set(err, HF_E_NOVERSION,
				  "%s: version resource does not start with VS_VERSION_INFO", s->name);
	if (le16(vi + 2) < FIXED_SIZE)
		return hf_err_set(err, HF_E_NOVERSION,
				  "%s: VS_VERSIONINFO carries no VS_FIXEDFILEINFO (value length %u)",
				  s->name, le16(vi + 2));
	if (le32(vi + FIXED_OFFSET) != VS_FFI_SIGNATURE)
		return hf_err_set(err, HF_E_NOVERSION,
				  "%s: VS_FIXEDFILEINFO signature is 0x%08x, not 0xfeef04bd", s->name,
				  le32(vi + FIXED_OFFSET));
	out->pe32plus = im.pe32plus;
	out->machine = im.machine;
	out->file_version = hf_version_from_ms_ls(le32(vi + FIXED_OFFSET + 8),
						  le32(vi + FIXED_OFFSET + 12));
	out->product_version = hf_version_from_ms_ls(le32(vi + FIXED_OFFSET + 16),
						     le32(vi + FIXED_OFFSET + 20));
	return 0;
}

int hf_pe_read_mem(const uint8_t *buf, size_t len, const char *name, struct hf_pe_info *out,
		   struct hf_err *err)
{
	struct src s = { .name = name, .size = len, .mem = buf, .fd = -1 };

	return walk(&s, out, err);
}

int hf_pe_read_fd(int fd, uint64_t size, const char *name, struct hf_pe_info *out,
		  struct hf_err *err)
{
	struct src s = { .name = name, .size = size, .mem = NULL, .fd = fd };

	return walk(&s, out, err);
}

int hf_pe_read_path(const char *path, struct hf_pe_info *out, struct hf_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO must not block */
	int r;

	if (fd < 0)
		return hf_err_set(err, HF_E_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		r = hf_err_set(err, HF_E_IO, "%s: cannot stat: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		r = hf_err_set(err, HF_E_NOTPE, "%s: not a regular file", path);
	} else {
		r = hf_pe_read_fd(fd, (uint64_t)st.st_size, path, out, err);
	}
	close(fd);
	return r;
}
