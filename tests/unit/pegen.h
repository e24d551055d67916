/* pegen: synthetic PE images for tests -- valid ones with chosen versions and shapes, and
 * the offsets of their structures so that tests can corrupt them precisely.
 * Used by the cmocka units (test_pe) and by tests/mkpe for the exiftool comparison. */
#ifndef HOTFIX_TEST_PEGEN_H
#define HOTFIX_TEST_PEGEN_H

#include <stddef.h>
#include <stdint.h>

struct pegen_opts {
	int pe32plus;          /* PE32+ optional header */
	int sections_before;   /* extra sections placed before .rsrc (0..4) */
	int extra_types;       /* other resource types beside RT_VERSION (0..4) */
	int named_version;     /* the version resource is named, not ID 1 */
	int nlangs;            /* languages under the version name (>= 1) */
	int vsize_smaller;     /* .rsrc VirtualSize smaller than its raw size (still covers) */
	int rsrc_name_data;    /* call the resource section ".data" instead of ".rsrc" */
	int no_rsrc;           /* no resource directory at all */
	uint32_t fv_ms, fv_ls; /* file version (first language) */
	uint32_t pv_ms, pv_ls; /* product version (first language) */
	size_t overlay;        /* zero bytes appended after the last section */
};

struct pegen_layout {
	size_t size;
	size_t lfanew, opt, sectab, rsrc_hdr; /* rsrc_hdr: section header of the resources */
	size_t rsrc_raw;                      /* file offset of the resource section */
	size_t root_dir, l1_dir, l2_dir, data_entry, vinfo; /* file offsets */
	size_t datadir_rsrc;                  /* file offset of the resource data directory */
	size_t checksum;                      /* file offset of OptionalHeader.CheckSum */
	size_t datadir_cert;                  /* file offset of the certificate table entry */
};

/* Build an image into buf (cap bytes, 64 KiB is plenty).  Returns its size, 0 if cap is
 * too small.  layout may be NULL. */
size_t pegen_build(const struct pegen_opts *o, uint8_t *buf, size_t cap,
		   struct pegen_layout *layout);

/* Append a certificate table (tlen bytes of table, as given) to the size-byte image in
 * buf at the next 8-byte boundary and point the certificate table entry at it.  Returns
 * the new size, 0 if cap is too small. */
size_t pegen_add_table(uint8_t *buf, size_t cap, size_t size, const struct pegen_layout *l,
		       const uint8_t *table, size_t tlen);

/* One WIN_CERTIFICATE entry (revision 0x0200, type 2) of blob into out, padded to 8 bytes;
 * returns its padded length. */
size_t pegen_win_cert(uint8_t *out, const uint8_t *blob, size_t blen);

void pegen_put16(uint8_t *p, uint16_t v);
void pegen_put32(uint8_t *p, uint32_t v);

#endif
