/* version: four-part file versions (a.b.c.d, each 0..65535), as in VS_FIXEDFILEINFO.
 *
 * Owns: struct hf_version, a plain value.  Parsing is strict: exactly four decimal
 * parts, no signs, no spaces, no leading "+", each part at most 65535. */
#ifndef HOTFIX_VERSION_H
#define HOTFIX_VERSION_H

#include <stdint.h>

#include "err.h"

struct hf_version {
	uint16_t part[4];
};

/* Longest formatted version: "65535.65535.65535.65535" + NUL. */
#define HF_VERSION_STRLEN 24

/* Parse "a.b.c.d".  Returns 0, or -HF_E_MALFORMED with err naming the text. */
int hf_version_parse(const char *text, struct hf_version *out, struct hf_err *err) HF_MUST_CHECK;

/* Build from the two 32-bit halves of VS_FIXEDFILEINFO (MS = a.b, LS = c.d). */
struct hf_version hf_version_from_ms_ls(uint32_t ms, uint32_t ls);

/* <0, 0, >0 like strcmp, comparing part by part numerically. */
int hf_version_cmp(const struct hf_version *a, const struct hf_version *b);

/* Format into buf (at least HF_VERSION_STRLEN bytes); returns buf. */
char *hf_version_format(const struct hf_version *v, char *buf);

#endif
