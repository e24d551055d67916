/* report_authenticode: the verdicts of `hotfix authenticode` -- the text lines
 * (PATH<TAB>STATUS<TAB>SIGNER), the reasons and per-signature lines for stderr, and the
 * document urn:hotfix:authenticode:1 (doc/hotfix.1 JSON).
 *
 * Owns: those formats.  It decides nothing: each status is authenticode.c's, the exit
 * status and what is shown (-q, -v) the command's. */
#ifndef HOTFIX_REPORT_AUTHENTICODE_H
#define HOTFIX_REPORT_AUTHENTICODE_H

#include <stdio.h>

#include "authenticode.h"
#include "err.h"

/* One file: its verdict, or (ok 0) why it could not be read -- its status is then
 * invalid, in every format. */
struct hf_ac_row {
	const char *path;
	int ok;
	const struct hf_ac_result *res; /* when ok */
	struct hf_err err;              /* when !ok */
};

/* "valid" ... or "invalid" for a file that could not be read. */
const char *hf_report_ac_status(const struct hf_ac_row *r);

/* PATH<TAB>STATUS<TAB>SIGNER (the best signature's subject, "-" when none), a line. */
void hf_report_ac_line(FILE *out, const struct hf_ac_row *r);

/* Why a readable file is not valid, one line "hotfix: PATH: STATUS: REASON" (the file's
 * reason, else its best signature's); nothing for a valid file. */
void hf_report_ac_reason(FILE *out, const struct hf_ac_row *r);

/* Each signature of a readable file, a line
 * "PATH: signature N (entry E, nested K): STATUS: SIGNER [DIGEST] issuers CHAIN timestamp
 * TIME[: REASON]" ('-' for what is empty). */
void hf_report_ac_signatures(FILE *out, const struct hf_ac_row *r);

/* urn:hotfix:authenticode:1, built a file at a time (a result is not kept): begin, add
 * each row, then dump, which writes the document and frees it (also after a failed
 * add).  Errors: -HF_E_NOMEM (out of memory, or the output failed: hf_json_dump). */
struct hf_report_ac;
struct hf_report_ac *hf_report_ac_begin(const char *pe_trust);
int hf_report_ac_add(struct hf_report_ac *doc, const struct hf_ac_row *r) HF_MUST_CHECK;
int hf_report_ac_dump(FILE *out, struct hf_report_ac *doc) HF_MUST_CHECK;

#endif
