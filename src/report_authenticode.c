/* report_authenticode: the text and JSON of `hotfix authenticode`. */
#include "report_authenticode.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

struct hf_report_ac {
	json_t *doc, *files; /* files: borrowed from doc */
	int failed;          /* an add ran out of memory */
};

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

const char *hf_report_ac_status(const struct hf_ac_row *r)
{
	return hf_ac_status_word(r->ok ? r->res->status : HF_AC_INVALID);
}

static const char *best_signer(const struct hf_ac_row *r)
{
	if (!r->ok || r->res->best < 0 || r->res->best >= r->res->nsigs)
		return "";
	return r->res->sigs[r->res->best].signer;
}

void hf_report_ac_line(FILE *out, const struct hf_ac_row *r)
{
	fprintf(out, "%s\t%s\t%s\n", r->path, hf_report_ac_status(r), or_dash(best_signer(r)));
}

void hf_report_ac_reason(FILE *out, const struct hf_ac_row *r)
{
	const char *why;

	if (!r->ok || r->res->status == HF_AC_VALID)
		return;
	why = r->res->reason;
	if (!why[0] && r->res->best >= 0 && r->res->best < r->res->nsigs)
		why = r->res->sigs[r->res->best].reason;
	fprintf(out, "hotfix: %s: %s%s%s\n", r->path, hf_report_ac_status(r), why[0] ? ": " : "",
		why);
}

void hf_report_ac_signatures(FILE *out, const struct hf_ac_row *r)
{
	if (!r->ok)
		return;
	for (int k = 0; k < r->res->nsigs && k < HF_AC_MAX_SIGS; k++) {
		const struct hf_ac_sig *s = &r->res->sigs[k];

		fprintf(out, "%s: signature %d (entry %d, nested %d): %s: %s [%s] issuers %s "
			     "timestamp %s%s%s\n",
			r->path, k + 1, s->entry, s->nested, hf_ac_status_word(s->status),
			or_dash(s->signer), or_dash(s->digest), or_dash(s->chain),
			or_dash(s->timestamp), s->reason[0] ? ": " : "", s->reason);
	}
}

static json_t *text_or_null(const char *s)
{
	return s && s[0] ? hf_json_any_text(s) : json_null();
}

/* The chain "A <- B <- C" as ["A", "B", "C"] */
static json_t *issuers(const char *chain)
{
	static const char sep[] = " <- ";
	json_t *a = json_array();
	const char *p = chain;

	while (a && *p) {
		const char *e = strstr(p, sep);
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char *one = strndup(p, l);

		if (!one || json_array_append_new(a, hf_json_any_text(one))) {
			free(one);
			json_decref(a);
			return NULL;
		}
		free(one);
		p += l;
		if (e)
			p += sizeof(sep) - 1;
	}
	return a;
}

static json_t *signatures(const struct hf_ac_row *r)
{
	json_t *a = json_array();

	for (int k = 0; a && r->ok && k < r->res->nsigs && k < HF_AC_MAX_SIGS; k++) {
		const struct hf_ac_sig *s = &r->res->sigs[k];

		if (json_array_append_new(
			    a, json_pack("{s:i, s:i, s:s, s:o, s:o, s:o, s:o, s:o}", "entry",
					 s->entry, "nested", s->nested, "status",
					 hf_ac_status_word(s->status), "signer",
					 text_or_null(s->signer), "issuers", issuers(s->chain),
					 "digest", text_or_null(s->digest), "timestamp",
					 text_or_null(s->timestamp), "reason",
					 text_or_null(s->reason)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

struct hf_report_ac *hf_report_ac_begin(const char *pe_trust)
{
	struct hf_report_ac *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->files = json_array();
	d->doc = json_pack("{s:s, s:o, s:O}", "schema", "urn:hotfix:authenticode:1", "pe_trust",
			   text_or_null(pe_trust), "files", d->files);
	json_decref(d->files); /* doc holds it */
	if (!d->doc) {
		free(d);
		return NULL;
	}
	return d;
}

int hf_report_ac_add(struct hf_report_ac *d, const struct hf_ac_row *r)
{
	json_t *f;

	if (d->failed)
		return -HF_E_NOMEM;
	f = json_pack("{s:o, s:s, s:o, s:o, s:i, s:o, s:o, s:o}", "path",
		      hf_json_any_text(r->path), "status", hf_report_ac_status(r), "signer",
		      text_or_null(best_signer(r)), "reason",
		      r->ok ? text_or_null(r->res->reason) : json_null(), "entries",
		      r->ok ? r->res->nentries : 0, "signatures", signatures(r), "error",
		      r->ok ? json_null() : hf_json_any_text(r->err.msg), "error_code",
		      r->ok ? json_null() : json_string(hf_code_name(r->err.code)));
	if (json_array_append_new(d->files, f)) {
		d->failed = 1;
		return -HF_E_NOMEM;
	}
	return 0;
}

int hf_report_ac_dump(FILE *out, struct hf_report_ac *d)
{
	json_t *doc;

	if (!d)
		return hf_json_dump(out, NULL);
	doc = d->failed ? NULL : d->doc;
	if (d->failed)
		json_decref(d->doc);
	free(d);
	return hf_json_dump(out, doc);
}
