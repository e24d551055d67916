/* pe: the file and product version of a Windows PE image, from its version resource.
 *
 * Owns: nothing allocated; results are plain values.  The walk is DOS header ->
 * PE/COFF header (PE32 or PE32+) -> section table -> resource directory (from the data
 * directory, not from a section name) -> RT_VERSION -> first name -> first language ->
 * VS_VERSIONINFO -> VS_FIXEDFILEINFO.  Every offset, size and count read from the file is
 * checked against the file size and the enclosing structure before use; a hostile image
 * yields an error, never an out-of-bounds read.  Reads are a few pread()s of small
 * windows, so a large file costs no more than a small one. */
#ifndef HOTFIX_PE_H
#define HOTFIX_PE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "version.h"

struct hf_pe_info {
	int pe32plus;                      /* 1 for PE32+ (64-bit), 0 for PE32 */
	uint16_t machine;                  /* COFF machine, e.g. 0x14c for i386 */
	struct hf_version file_version;    /* VS_FIXEDFILEINFO dwFileVersionMS/LS */
	struct hf_version product_version; /* VS_FIXEDFILEINFO dwProductVersionMS/LS */
};

/* Read the version of the image in fd (size bytes long).  name is for messages.
 * Errors: -HF_E_NOTPE (not a PE image), -HF_E_NOVERSION (a PE image without a usable
 * version resource), -HF_E_MALFORMED (a structure points outside the file or its
 * parent), -HF_E_IO.  The message says which structure and which offset. */
int hf_pe_read_fd(int fd, uint64_t size, const char *name, struct hf_pe_info *out,
		  struct hf_err *err) HF_MUST_CHECK;

/* Same, from an image in memory (tests and fuzzing). */
int hf_pe_read_mem(const uint8_t *buf, size_t len, const char *name, struct hf_pe_info *out,
		   struct hf_err *err) HF_MUST_CHECK;

/* Same, opening path read-only (O_NOFOLLOW is not used: `hotfix version` reads any file). */
int hf_pe_read_path(const char *path, struct hf_pe_info *out, struct hf_err *err) HF_MUST_CHECK;

#endif
