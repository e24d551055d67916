/* report_run: what a hierarchy run prints -- the summary table, and one JSON document
 * merging the documents the workers printed. */
#include "report_run.h"

#include <string.h>

#include "json.h"
#include "outcome.h"

/* How many rows have each result word: counts[o] for outcome o, counts[HF_OUTCOMES] for
 * a word outcome does not know (a worker that sent none is counted as failed by hier.c,
 * so this stays 0 unless a worker sent a word of its own). */
static void count_results(const struct hf_summary_row *rows, size_t n,
			  unsigned long counts[HF_OUTCOMES + 1])
{
	memset(counts, 0, sizeof(unsigned long) * (HF_OUTCOMES + 1));
	for (size_t i = 0; i < n; i++)
		counts[hf_outcome_of_word(rows[i].result)]++;
}

/* "3 applied, 1 conflict, 1 skipped in 12.4 s": the words some site had, in outcome's
 * order; "no sites" when there are none. */
static void totals_text(FILE *out, const struct hf_summary_row *rows, size_t n, double seconds)
{
	unsigned long counts[HF_OUTCOMES + 1];
	const char *sep = "";

	count_results(rows, n, counts);
	for (int o = 0; o <= HF_OUTCOMES; o++) {
		if (!counts[o])
			continue;
		fprintf(out, "%s%lu %s", sep, counts[o],
			o < HF_OUTCOMES ? hf_outcome_word((enum hf_outcome)o) : "other");
		sep = ", ";
	}
	fprintf(out, "%s in %.1f s\n", n ? "" : "no sites", seconds);
}

static json_t *totals_json(const struct hf_summary_row *rows, size_t n, double seconds)
{
	unsigned long counts[HF_OUTCOMES + 1];
	json_t *t = json_object();

	count_results(rows, n, counts);
	for (int o = 0; o <= HF_OUTCOMES; o++)
		if (counts[o])
			json_object_set_new(t,
					    o < HF_OUTCOMES ? hf_outcome_word((enum hf_outcome)o)
							    : "other",
					    json_integer((json_int_t)counts[o]));
	json_object_set_new(t, "seconds", json_real(seconds));
	return t;
}

void hf_report_summary_text(FILE *out, const char *command, const struct hf_summary_row *rows,
			    size_t n, const struct hf_run_report *run, int status, double seconds)
{
	fprintf(out, "\n%s summary (%zu sites)\n%-4s %-9s %-3s %-14s %5s %9s  %s\n", command, n,
		"SITE", "TYPE", "SP", "RESULT", "FILES", "SECONDS", "NOTE");
	for (size_t i = 0; i < n; i++) {
		const struct hf_summary_row *r = &rows[i];

		fprintf(out, "%-4s %-9s %-3u %-14s %5lu %9.2f  %s\n", r->site->code,
			hf_site_type_name(r->site->type), r->site->servicepack, r->result,
			r->changed, r->seconds, r->reason ? r->reason : "");
	}
	if (run->halted && run->tell_halt)
		fprintf(out, "halted: %s\n", run->halted);
	if (status >= 0) /* -q: the exit status is the process's own (hier.c) */
		fprintf(out, "exit status %d\n", status);
	totals_text(out, rows, n, seconds);
}

static const char *run_schema(const char *command)
{
	if (!strcmp(command, "apply"))
		return "urn:hotfix:apply:1";
	if (!strcmp(command, "rollback"))
		return "urn:hotfix:rollback:1";
	if (!strcmp(command, "recover"))
		return "urn:hotfix:recover:1";
	if (!strcmp(command, "list"))
		return "urn:hotfix:list:1";
	return "urn:hotfix:check:1";
}

int hf_report_hierarchy_json(FILE *out, const char *command, const char *hierarchy,
			     const char *const *docs, const struct hf_summary_row *rows, size_t n,
			     const struct hf_run_report *run, int status, double seconds)
{
	json_t *doc = NULL, *sites = json_array(), *summary = json_array();
	json_t *not_started = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct hf_summary_row *r = &rows[i];
		json_t *one = docs[i] ? json_loads(docs[i], 0, NULL) : NULL;
		json_t *site = one ? json_array_get(json_object_get(one, "sites"), 0) : NULL;

		if (one && !json_object_get(one, "sites")) {
			/* a document of one site (list's, or an error's): it is the site's
			 * object, its schema in "schema" */
			site = one;
		} else if (one && !doc) {
			doc = json_deep_copy(one);
			json_object_del(doc, "sites");
		}
		if (site)
			json_array_append(sites, site);
		else
			json_array_append_new(sites, json_pack("{s:s, s:s, s:s, s:s}", "root",
							       r->site->root, "site", r->site->code,
							       "result", r->result, "reason",
							       r->reason ? r->reason : ""));
		json_array_append_new(
			summary,
			json_pack("{s:s, s:s, s:I, s:I, s:s, s:I, s:f, s:s, s:o}", "site",
				  r->site->code, "type", hf_site_type_name(r->site->type),
				  "servicepack", (json_int_t)r->site->servicepack, "ring",
				  (json_int_t)r->ring, "result", r->result, "files_changed",
				  (json_int_t)r->changed, "seconds", r->seconds, "note",
				  r->reason ? r->reason : "", "exit",
				  r->status < 0 ? json_null() : json_integer(r->status)));
		if (r->halted)
			json_array_append_new(not_started, json_string(r->site->code));
		json_decref(one);
	}
	if (!doc)
		doc = json_object();
	json_object_set_new(doc, "schema", json_string(run_schema(command)));
	json_object_set_new(doc, "hierarchy", json_string(hierarchy));
	json_object_set_new(doc, "sites", sites);
	json_object_set_new(doc, "summary", summary);
	json_object_set_new(doc, "totals", totals_json(rows, n, seconds));
	json_object_set_new(doc, "rings", json_integer((json_int_t)run->rings));
	json_object_set_new(doc, "budget",
			    run->budget < 0 ? json_null() : json_integer((json_int_t)run->budget));
	json_object_set_new(doc, "failed", json_integer((json_int_t)run->failed));
	json_object_set_new(doc, "halted", json_boolean(run->halted != NULL));
	json_object_set_new(doc, "halt_reason",
			    run->halted ? json_string(run->halted) : json_null());
	json_object_set_new(doc, "not_started", not_started);
	json_object_set_new(doc, "exit", json_integer(status));
	return hf_json_dump(out, doc);
}

