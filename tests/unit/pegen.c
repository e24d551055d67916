/* pegen: build small, valid PE32/PE32+ images with a version resource. */
#include "pegen.h"

#include <string.h>

#define FILE_ALIGN 0x200
#define SECT_ALIGN 0x1000

void pegen_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void pegen_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t align(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/* Write a directory header with n id entries at off; returns the first entry's offset. */
static size_t dir(uint8_t *r, size_t off, uint16_t named, uint16_t ids)
{
	memset(r + off, 0, 16);
	pegen_put16(r + off + 12, named);
	pegen_put16(r + off + 14, ids);
	return off + 16;
}

static size_t vinfo(uint8_t *r, size_t off, uint32_t fms, uint32_t fls, uint32_t pms,
		    uint32_t pls)
{
	static const char key[] = "VS_VERSION_INFO";
	uint8_t *p = r + off;

	memset(p, 0, 92);
	pegen_put16(p, 92);
	pegen_put16(p + 2, 52);
	pegen_put16(p + 4, 0);
	for (size_t i = 0; i < sizeof(key); i++)
		pegen_put16(p + 6 + 2 * i, (uint8_t)key[i]);
	pegen_put32(p + 40, 0xFEEF04BDu);
	pegen_put32(p + 44, 0x00010000u);
	pegen_put32(p + 48, fms);
	pegen_put32(p + 52, fls);
	pegen_put32(p + 56, pms);
	pegen_put32(p + 60, pls);
	pegen_put32(p + 64, 0x3f);
	pegen_put32(p + 72, 0x40004);
	pegen_put32(p + 76, 2);
	return off + 92;
}

size_t pegen_build(const struct pegen_opts *o, uint8_t *buf, size_t cap,
		   struct pegen_layout *lay)
{
	struct pegen_layout L;
	int nlangs = o->nlangs > 0 ? o->nlangs : 1;
	int nbefore = o->sections_before > 4 ? 4 : o->sections_before;
	int ntypes = o->extra_types > 4 ? 4 : o->extra_types;
	uint16_t nsec = (uint16_t)(nbefore + 1);
	size_t opt_size = o->pe32plus ? 240 : 224, dirs = o->pe32plus ? 112 : 96;
	size_t hdr_end, raw, rsrc_len, size;
	uint32_t rsrc_va;
	uint8_t r[4096]; /* the resource section's contents */
	size_t p = 0, names_off, l1, l2, data, vi;

	memset(&L, 0, sizeof(L));
	memset(r, 0, sizeof(r));
	L.lfanew = 0x80;
	L.opt = L.lfanew + 24;
	L.sectab = L.opt + opt_size;
	hdr_end = align(L.sectab + 40u * nsec, FILE_ALIGN);
	rsrc_va = (uint32_t)(SECT_ALIGN * (1 + nbefore));

	/* Resource tree: root -> (extra types -> empty dir), RT_VERSION -> l1 -> l2 -> data. */
	p = dir(r, 0, 0, (uint16_t)(ntypes + 1));
	for (int i = 0; i < ntypes; i++) {
		static const uint32_t ids[] = { 3, 6, 14, 24 };

		pegen_put32(r + p, ids[i]);
		pegen_put32(r + p + 4, 0x80000000u | 0x300); /* empty directory at 0x300 */
		p += 8;
	}
	l1 = 0x40;
	pegen_put32(r + p, 16);
	pegen_put32(r + p + 4, 0x80000000u | (uint32_t)l1);
	dir(r, 0x300, 0, 0);
	names_off = 0x380;
	p = dir(r, l1, o->named_version ? 1 : 0, o->named_version ? 0 : 1);
	if (o->named_version) {
		static const char nm[] = "VERSION";

		pegen_put16(r + names_off, (uint16_t)(sizeof(nm) - 1));
		for (size_t i = 0; i + 1 < sizeof(nm); i++)
			pegen_put16(r + names_off + 2 + 2 * i, (uint8_t)nm[i]);
		pegen_put32(r + p, 0x80000000u | (uint32_t)names_off);
	} else {
		pegen_put32(r + p, 1);
	}
	l2 = 0x60;
	pegen_put32(r + p + 4, 0x80000000u | (uint32_t)l2);
	p = dir(r, l2, 0, (uint16_t)nlangs);
	data = 0x100;
	vi = 0x400;
	for (int i = 0; i < nlangs && i < 8; i++) {
		size_t de = data + 16 * (size_t)i, v = vi + 0x60 * (size_t)i;

		pegen_put32(r + p, i == 0 ? 0x409u : 0x407u + (uint32_t)i);
		pegen_put32(r + p + 4, (uint32_t)de);
		p += 8;
		pegen_put32(r + de, rsrc_va + (uint32_t)v);
		pegen_put32(r + de + 4, 92);
		pegen_put32(r + de + 8, 1200);
		if (i == 0)
			vinfo(r, v, o->fv_ms, o->fv_ls, o->pv_ms, o->pv_ls);
		else /* later languages carry other versions: the first one must win */
			vinfo(r, v, 0x00090009u, (uint32_t)i, 0x00090009u, (uint32_t)i);
	}
	rsrc_len = vi + 0x60 * (size_t)nlangs;

	raw = hdr_end + (size_t)nbefore * FILE_ALIGN;
	size = raw + align(rsrc_len, FILE_ALIGN);
	if (size + o->overlay > cap)
		return 0;
	memset(buf, 0, size + o->overlay);

	/* DOS header and stub */
	buf[0] = 'M';
	buf[1] = 'Z';
	pegen_put32(buf + 0x3c, (uint32_t)L.lfanew);
	/* PE signature and COFF header */
	memcpy(buf + L.lfanew, "PE\0\0", 4);
	pegen_put16(buf + L.lfanew + 4, o->pe32plus ? 0x8664 : 0x14c);
	pegen_put16(buf + L.lfanew + 6, nsec);
	pegen_put16(buf + L.lfanew + 20, (uint16_t)opt_size);
	pegen_put16(buf + L.lfanew + 22, o->pe32plus ? 0x2022 : 0x2102);
	/* optional header */
	pegen_put16(buf + L.opt, o->pe32plus ? 0x20b : 0x10b);
	pegen_put32(buf + L.opt + 32, SECT_ALIGN);
	pegen_put32(buf + L.opt + 36, FILE_ALIGN);
	pegen_put32(buf + L.opt + 56, (uint32_t)(rsrc_va + align(rsrc_len, SECT_ALIGN)));
	pegen_put32(buf + L.opt + 60, (uint32_t)hdr_end);
	pegen_put16(buf + L.opt + 68, 2); /* GUI subsystem */
	pegen_put32(buf + L.opt + dirs - 4, 16);
	L.datadir_rsrc = L.opt + dirs + 2 * 8;
	L.datadir_cert = L.opt + dirs + 4 * 8;
	L.checksum = L.opt + 64;
	if (!o->no_rsrc) {
		pegen_put32(buf + L.datadir_rsrc, rsrc_va);
		pegen_put32(buf + L.datadir_rsrc + 4, (uint32_t)rsrc_len);
	}
	/* section table */
	for (int i = 0; i <= nbefore; i++) {
		uint8_t *s = buf + L.sectab + 40 * (size_t)i;
		int is_rsrc = i == nbefore;
		const char *name = is_rsrc ? (o->rsrc_name_data ? ".data" : ".rsrc") : ".text";
		size_t rawsz = is_rsrc ? align(rsrc_len, FILE_ALIGN) : FILE_ALIGN;

		memcpy(s, name, strlen(name));
		pegen_put32(s + 8, is_rsrc ? (uint32_t)(o->vsize_smaller ? rsrc_len : rawsz)
					   : FILE_ALIGN);
		pegen_put32(s + 12, (uint32_t)(SECT_ALIGN * (1 + i)));
		pegen_put32(s + 16, (uint32_t)rawsz);
		pegen_put32(s + 20, (uint32_t)(hdr_end + (size_t)i * FILE_ALIGN));
		pegen_put32(s + 36, is_rsrc ? 0x40000040u : 0x60000020u);
		if (is_rsrc)
			L.rsrc_hdr = L.sectab + 40 * (size_t)i;
		else
			buf[hdr_end + (size_t)i * FILE_ALIGN] = 0xc3; /* ret */
	}
	memcpy(buf + raw, r, rsrc_len);
	L.rsrc_raw = raw;
	L.root_dir = raw;
	L.l1_dir = raw + l1;
	L.l2_dir = raw + l2;
	L.data_entry = raw + data;
	L.vinfo = raw + vi;
	L.size = size + o->overlay;
	if (lay)
		*lay = L;
	return L.size;
}

size_t pegen_add_table(uint8_t *buf, size_t cap, size_t size, const struct pegen_layout *l,
		       const uint8_t *table, size_t tlen)
{
	size_t at = align(size, 8);

	if (at + tlen > cap)
		return 0;
	memset(buf + size, 0, at - size);
	memcpy(buf + at, table, tlen);
	pegen_put32(buf + l->datadir_cert, (uint32_t)at);
	pegen_put32(buf + l->datadir_cert + 4, (uint32_t)tlen);
	return at + tlen;
}

size_t pegen_win_cert(uint8_t *out, const uint8_t *blob, size_t blen)
{
	size_t n = align(8 + blen, 8);

	memset(out, 0, n);
	pegen_put32(out, (uint32_t)(8 + blen));
	pegen_put16(out + 4, 0x0200);
	pegen_put16(out + 6, 0x0002);
	memcpy(out + 8, blob, blen);
	return n;
}
