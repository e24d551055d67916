/* report_error: the error document (urn:hotfix:error:1). */
#include "report_error.h"

#include "json.h"

static json_t *string_or_null(const char *s)
{
	return s && *s ? hf_json_any_text(s) : json_null();
}

int hf_report_error_json(FILE *out, int status, const struct hf_err *err, const char *site,
			 const char *file)
{
	return hf_json_dump(out, json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, s:o}", "schema",
					   "urn:hotfix:error:1", "exit", status, "error",
					   hf_code_name(err->code), "message",
					   hf_json_any_text(err->msg), "hint",
					   string_or_null(err->hint), "site", string_or_null(site),
					   "file", string_or_null(file)));
}

unsigned long hf_report_documents(void)
{
	return hf_json_dumped();
}
