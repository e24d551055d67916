/* json: the JSON helpers every report module shares -- the one place that writes
 * a document, turns untrusted bytes into a JSON string, and renders a hash or a version
 * that may be absent.
 *
 * Owns: nothing but these helpers.  Only the report_* modules include this header, and
 * with it jansson, which no other module touches. */
#ifndef HOTFIX_JSON_H
#define HOTFIX_JSON_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"
#include "hash.h"
#include "version.h"

/* Write doc to out, indented by 2, members in insertion order, then a newline; doc is
 * released.  A NULL doc (jansson ran out of memory) or a failed write:
 * -HF_E_NOMEM ("JSON output failed"). */
int hf_json_dump(FILE *out, json_t *doc) HF_MUST_CHECK;

/* How many documents hf_json_dump began on stdout in this process (a hierarchy worker
 * counts its own): the CLI prints an error document only when no report was. */
unsigned long hf_json_dumped(void);

/* text as a JSON string: as it is when it is UTF-8, else with every byte outside
 * printable ASCII (but '\n') as '?'.  For what a command or a process wrote. */
json_t *hf_json_any_text(const char *text);

/* The hex SHA-256 d, or null when !valid. */
json_t *hf_json_hex_or_null(int valid, const uint8_t d[HF_SHA256_LEN]);

/* The version v as "a.b.c.d", or null when !valid. */
json_t *hf_json_version_or_null(int valid, const struct hf_version *v);

#endif
