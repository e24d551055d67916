/* report_error: a failure as a document a script can read -- urn:hotfix:error:1, printed
 * on stdout in JSON mode when a command fails before (or without) printing its report
 * (doc/hotfix.1 JSON, "Errors").
 *
 * Owns: that format.  It decides nothing: the exit status and the error record come from
 * the CLI (cli_json_error). */
#ifndef HOTFIX_REPORT_ERROR_H
#define HOTFIX_REPORT_ERROR_H

#include <stdio.h>

#include "err.h"

/* {"schema":"urn:hotfix:error:1","exit":status,"error":hf_code_name(err->code),
 * "message","hint","site","file"}; hint, site and file are null when empty or NULL. */
int hf_report_error_json(FILE *out, int status, const struct hf_err *err, const char *site,
			 const char *file) HF_MUST_CHECK;

/* How many JSON documents were begun on stdout so far (every report's JSON goes through
 * json's hf_json_dump): 0 means the error document is the only one. */
unsigned long hf_report_documents(void);

#endif
