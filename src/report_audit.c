/* report_audit: every rendering of an audit -- text, JSON, CSV, XML, DOT -- and of
 * `audit --verify-log`. */
#include "report_audit.h"

#include <string.h>

#include <libxml/xmlwriter.h>

#include "json.h"
#include "version.h"

/* How text and DOT show a verdict (audit.h decides it): the line that ends the text,
 * the graph's title, a site's fill colour, and whether its box is dashed. */
static const struct {
	const char *headline, *title, *fill;
	int dashed;
} shown[HF_COMPLIANCES] = {
	[HF_C_COMPLIANT] = { "compliant", "compliant", "palegreen", 0 },
	[HF_C_NOT_COMPLIANT] = { "NOT compliant", "NOT compliant", "salmon", 0 },
	[HF_C_NOT_APPLICABLE] = { "not applicable", "not applicable", "lightgrey", 0 },
	[HF_C_UNKNOWN] = { "unknown", "unknown", "gold", 1 },
	[HF_C_INCOMPLETE] = { "INCOMPLETE: not every site and file could be seen",
			      "INCOMPLETE (some sites or files unknown)", "lightgrey", 0 },
};

/* Text columns of a site that could not be seen have no code, type or service pack. */
static const char *code_or_unseen(const struct hf_site *s)
{
	return HF_SITE_UNSEEN(s) ? "?" : s->code;
}

void hf_report_audit_text(FILE *out, const struct hf_audit *a)
{
	char v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN], hex[HF_SHA256_HEX], sp[16], size[24];
	size_t t[HF_ASTATES];
	fprintf(out, "%-4s %-9s %-3s %-10s %-24s %-15s %-15s %9s %-14s%s%s\n", "SITE", "TYPE", "SP",
		"HOTFIX", "PATH", "INSTALLED", "EXPECTED", "SIZE", "VERDICT",
		a->verify_hashes ? " SHA256" : "", a->pe_trust ? " AUTHENTICODE" : "");
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];
		int seen = !HF_SITE_UNSEEN(r->site);

		snprintf(sp, sizeof(sp), "%u", r->site->servicepack);
		if (!r->file) {
			fprintf(out, "%-4s %-9s %-3s %-10s %-24s %-15s %-15s %9s %-14s %s\n",
				code_or_unseen(r->site),
				seen ? hf_site_type_name(r->site->type) : "-", seen ? sp : "-",
				r->manifest->id, "-", "-", "-", "-", hf_verdict_name(r->verdict),
				r->note);
			continue;
		}
		snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
		fprintf(out, "%-4s %-9s %-3u %-10s %-24s %-15s %-15s %9s %-14s%s%s%s%s\n",
			r->site->code, hf_site_type_name(r->site->type), r->site->servicepack,
			r->manifest->id, hf_audit_path(r),
			r->has_version ? hf_version_format(&r->installed, v1) : "-",
			hf_version_format(&r->file->version, v2),
			r->verdict == HF_V_UNKNOWN && !r->present ? "-" : size,
			hf_verdict_name(r->verdict), a->verify_hashes ? " " : "",
			a->verify_hashes ? (r->hashed ? hf_sha256_hex(r->sha256, hex) : "-") : "",
			a->pe_trust ? " " : "",
			a->pe_trust ? (r->authenticode[0] ? r->authenticode : "-") : "");
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];

		if (r->drift)
			fprintf(out, "drift: %s %s: %s\n", r->site->code, hf_audit_path(r),
				r->drift_note);
	}
	/* a file that could not be read, or whose signature is not valid: why (a whole site's
	 * reason is in its row) */
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];

		if (r->file && (r->verdict == HF_V_UNKNOWN || r->verdict == HF_V_SIGNATURE))
			fprintf(out, "%s: %s %s: %s\n", hf_verdict_name(r->verdict), r->site->code,
				hf_audit_path(r), r->note);
	}
	for (size_t i = 0; i < a->n; i++)
		if (i == 0 || a->recs[i - 1].site != a->recs[i].site) {
			const struct hf_site *s = a->recs[i].site;

			if (HF_SITE_UNSEEN(s)) /* its records are unknown (audit.h) */
				fprintf(out, "site ? (%s): %s\n", s->root, hf_site_verdict(a, s));
			else
				fprintf(out, "site %s: %s%s\n", s->code, hf_site_verdict(a, s),
					hf_audit_has_drift(a, s) ? ", drift from its parent" : "");
		}
	hf_audit_totals(a, NULL, t);
	fprintf(out, "totals: %zu installed, %zu required, %zu not applicable, %zu unknown\n",
		t[HF_AS_INSTALLED], t[HF_AS_REQUIRED], t[HF_AS_NOTAPPLICABLE], t[HF_AS_UNKNOWN]);
	fprintf(out, "%s%s\n", shown[hf_audit_compliance(a)].headline,
		hf_audit_has_drift(a, NULL) ? " (with drift)" : "");
}

/* {"installed": n, "required": n, "not_applicable": n, "unknown": n} */
static json_t *totals_json(const struct hf_audit *a, const struct hf_site *site)
{
	size_t t[HF_ASTATES];

	hf_audit_totals(a, site, t);
	return json_pack("{s:I, s:I, s:I, s:I}", "installed", (json_int_t)t[HF_AS_INSTALLED],
			 "required", (json_int_t)t[HF_AS_REQUIRED], "not_applicable",
			 (json_int_t)t[HF_AS_NOTAPPLICABLE], "unknown",
			 (json_int_t)t[HF_AS_UNKNOWN]);
}

int hf_report_audit_json(FILE *out, const struct hf_audit *a)
{
	json_t *doc = json_object(), *recs = json_array(), *sites = json_array();

	json_object_set_new(doc, "schema", json_string("urn:hotfix:audit:1"));
	json_object_set_new(doc, "verify_hashes", json_boolean(a->verify_hashes));
	if (a->pe_trust) /* audit --verify-signatures; without it the document is as it was */
		json_object_set_new(doc, "verify_signatures", json_true());
	json_object_set_new(doc, "compliant", json_boolean(hf_audit_compliant(a, NULL)));
	json_object_set_new(doc, "complete", json_boolean(hf_audit_complete(a, NULL)));
	json_object_set_new(doc, "verdict", json_string(hf_audit_verdict(a)));
	json_object_set_new(doc, "totals", totals_json(a, NULL));
	json_object_set_new(doc, "drift", json_boolean(hf_audit_has_drift(a, NULL)));
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];
		int seen = !HF_SITE_UNSEEN(r->site);

		json_t *jr = json_pack("{s:s?, s:s, s:s?, s:o, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:s, "
				  "s:s, s:s, s:o}",
				  "site", seen ? r->site->code : NULL, "root", r->site->root, "type",
				  seen ? hf_site_type_name(r->site->type) : NULL, "servicepack",
				  seen ? json_integer((json_int_t)r->site->servicepack) : json_null(),
				  "hotfix", r->manifest->id, "revision",
				  (json_int_t)r->manifest->revision, "path",
				  r->file ? json_string(hf_audit_path(r)) : json_null(),
				  "installed_version", hf_json_version_or_null(r->has_version, &r->installed),
				  "expected_version",
				  r->file ? hf_json_version_or_null(1, &r->file->version) : json_null(),
				  "size", r->present ? json_integer((json_int_t)r->size) : json_null(),
				  "sha256", hf_json_hex_or_null(r->hashed, r->sha256), "verdict",
				  hf_verdict_name(r->verdict), "state", hf_astate_name(r->state),
				  "note", r->note, "drift",
				  r->drift ? json_string(r->drift_note) : json_null());

		if (jr && a->pe_trust)
			json_object_set_new(jr, "authenticode", r->authenticode[0]
									? json_string(r->authenticode)
									: json_null());
		json_array_append_new(recs, jr);
		/* a site's records are contiguous (audit.h) */
		if (i == 0 || a->recs[i - 1].site != r->site)
			json_array_append_new(
				sites, json_pack("{s:s?, s:s, s:s?, s:b, s:b, s:s, s:o, s:b}", "site",
						 seen ? r->site->code : NULL, "root", r->site->root,
						 "parent",
						 r->site->parent[0] ? r->site->parent : NULL,
						 "compliant", hf_audit_compliant(a, r->site),
						 "complete", hf_audit_complete(a, r->site), "verdict",
						 hf_site_verdict(a, r->site), "totals",
						 totals_json(a, r->site), "drift",
						 hf_audit_has_drift(a, r->site)));
	}
	json_object_set_new(doc, "sites", sites);
	json_object_set_new(doc, "records", recs);
	return hf_json_dump(out, doc);
}

void hf_report_logcheck_text(FILE *out, const struct hf_logcheck_result *r)
{
	const struct hf_txlog_check *c = r->check;

	if (!c) {
		fprintf(out, "%s: transaction log: NOT VERIFIED: %s\n", r->site->code,
			r->message ? r->message : "?");
		return;
	}
	if (c->problems)
		fprintf(out, "%s: transaction log: %zu PROBLEM(S) in %zu record(s): %s\n",
			r->site->code, c->problems, c->records, c->problem);
	else if (c->records && c->receipts)
		fprintf(out, "%s: transaction log: %zu record(s), chain intact, head %.16s..., "
			     "ends at installed.xml as it is; %zu receipt(s) verified\n",
			r->site->code, c->records, c->head, c->receipts_ok);
	else if (c->records)
		fprintf(out, "%s: transaction log: %zu record(s), chain intact, head %.16s..., "
			     "ends at installed.xml as it is; no receipts\n",
			r->site->code, c->records, c->head);
	else
		fprintf(out, "%s: transaction log: empty (no transaction yet)\n", r->site->code);
}

int hf_report_logcheck_json(FILE *out, const struct hf_logcheck_result *r, size_t n)
{
	json_t *sites = json_array();
	int intact = 1;

	for (size_t i = 0; i < n; i++) {
		const struct hf_txlog_check *c = r[i].check;

		intact &= c && c->problems == 0;
		json_array_append_new(
		    sites,
		    c ? json_pack("{s:s, s:b, s:I, s:s?, s:b, s:I, s:I, s:I, s:s?}",
				  "site", r[i].site->code, "intact", c->problems == 0, "records",
				  (json_int_t)c->records, "head", c->head[0] ? c->head : NULL,
				  "registry_checked", c->registry_checked, "receipts",
				  (json_int_t)c->receipts, "receipts_verified",
				  (json_int_t)c->receipts_ok, "problems", (json_int_t)c->problems,
				  "problem", c->problem[0] ? c->problem : NULL)
		      : json_pack("{s:s, s:b, s:s?}", "site", r[i].site->code, "intact", 0, "error",
				  r[i].message));
	}
	return hf_json_dump(out, json_pack("{s:s, s:b, s:o}", "schema", "urn:hotfix:verify-log:1",
				   "intact", intact, "sites", sites));
}


/* The first record of each site, in order: index i starts a site. */
static int starts_site(const struct hf_audit *a, size_t i)
{
	return i == 0 || a->recs[i - 1].site != a->recs[i].site;
}

/* One RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
static void csv_field(FILE *out, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

int hf_report_audit_csv(FILE *out, const struct hf_audit *a)
{
	static const char *const head[] = {
		"site",	   "type",		"servicepack",	    "parent", "hotfix",
		"revision", "path",		"installed_version", "expected_version",
		"size",	   "verdict",		"sha256",	    "drift",  "site_verdict",
		"note",	   "state",		"root",
	};
	const size_t nh = sizeof(head) / sizeof(head[0]);
	int ac = a->pe_trust != NULL; /* --verify-signatures: one more column, last */

	for (size_t k = 0; k < nh; k++)
		csv_field(out, head[k], k + 1 == nh && !ac);
	if (ac)
		csv_field(out, "authenticode", 1);
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];
		char sp[16], rev[24], size[24], v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN],
			hex[HF_SHA256_HEX];
		const char *f[17];
		int seen = !HF_SITE_UNSEEN(r->site);

		snprintf(sp, sizeof(sp), "%u", r->site->servicepack);
		snprintf(rev, sizeof(rev), "%lu", r->manifest->revision);
		snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
		f[0] = r->site->code;
		f[1] = seen ? hf_site_type_name(r->site->type) : "";
		f[2] = seen ? sp : "";
		f[3] = r->site->parent;
		f[4] = r->manifest->id;
		f[5] = rev;
		f[6] = r->file ? hf_audit_path(r) : "";
		f[7] = r->has_version ? hf_version_format(&r->installed, v1) : "";
		f[8] = r->file ? hf_version_format(&r->file->version, v2) : "";
		f[9] = r->present ? size : "";
		f[10] = hf_verdict_name(r->verdict);
		f[11] = r->hashed ? hf_sha256_hex(r->sha256, hex) : "";
		f[12] = r->drift ? r->drift_note : "";
		f[13] = hf_site_verdict(a, r->site);
		f[14] = r->note;
		f[15] = hf_astate_name(r->state);
		f[16] = r->site->root;
		for (size_t k = 0; k < nh; k++)
			csv_field(out, f[k], k + 1 == nh && !ac);
		if (ac)
			csv_field(out, r->authenticode, 1);
	}
	return ferror(out) ? hf_err_set(NULL, HF_E_IO, "writing the CSV failed") : 0;
}

static int attr(xmlTextWriter *w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value) < 0;
}

/* The four totals of the audit (or a site) as attributes. */
static int totals(xmlTextWriter *w, const struct hf_audit *a, const struct hf_site *site)
{
	static const char *const names[HF_ASTATES] = { "total-installed", "total-required",
						       "total-not-applicable", "total-unknown" };
	size_t t[HF_ASTATES];
	char n[24];
	int bad = 0;

	hf_audit_totals(a, site, t);
	for (size_t k = 0; k < HF_ASTATES; k++) {
		snprintf(n, sizeof(n), "%zu", t[k]);
		bad |= attr(w, names[k], n);
	}
	return bad;
}

static int xml_record(xmlTextWriter *w, const struct hf_audit_record *r)
{
	char rev[24], size[24], v[HF_VERSION_STRLEN], hex[HF_SHA256_HEX];
	int bad = xmlTextWriterStartElement(w, BAD_CAST "record") < 0;

	snprintf(rev, sizeof(rev), "%lu", r->manifest->revision);
	bad |= attr(w, "hotfix", r->manifest->id) | attr(w, "revision", rev);
	if (r->file) {
		bad |= attr(w, "path", hf_audit_path(r));
		bad |= attr(w, "expected", hf_version_format(&r->file->version, v));
	}
	if (r->has_version)
		bad |= attr(w, "installed", hf_version_format(&r->installed, v));
	if (r->present) {
		snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
		bad |= attr(w, "size", size);
	}
	if (r->hashed)
		bad |= attr(w, "sha256", hf_sha256_hex(r->sha256, hex));
	bad |= attr(w, "verdict", hf_verdict_name(r->verdict));
	bad |= attr(w, "state", hf_astate_name(r->state));
	if (r->authenticode[0])
		bad |= attr(w, "authenticode", r->authenticode);
	if (r->drift)
		bad |= attr(w, "drift", r->drift_note);
	if (r->note[0])
		bad |= attr(w, "note", r->note);
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

int hf_report_audit_xml(FILE *out, const struct hf_audit *a)
{
	xmlBuffer *xb = xmlBufferCreate();
	xmlTextWriter *w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
	char sp[16];
	int bad = !w;

	if (!bad) {
		bad |= xmlTextWriterSetIndent(w, 1) < 0;
		bad |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
		bad |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "audit",
						   BAD_CAST "urn:hotfix:audit:1") < 0;
		bad |= attr(w, "compliant", hf_audit_compliant(a, NULL) ? "true" : "false");
		bad |= attr(w, "complete", hf_audit_complete(a, NULL) ? "true" : "false");
		bad |= attr(w, "verdict", hf_audit_verdict(a));
		bad |= attr(w, "drift", hf_audit_has_drift(a, NULL) ? "true" : "false");
		bad |= attr(w, "verify-hashes", a->verify_hashes ? "true" : "false");
		if (a->pe_trust)
			bad |= attr(w, "verify-signatures", "true");
		bad |= totals(w, a, NULL);
	}
	for (size_t i = 0; !bad && i < a->n; i++) {
		const struct hf_site *s = a->recs[i].site;

		if (starts_site(a, i)) {
			if (i > 0)
				bad |= xmlTextWriterEndElement(w) < 0;
			snprintf(sp, sizeof(sp), "%u", s->servicepack);
			bad |= xmlTextWriterStartElement(w, BAD_CAST "site") < 0;
			if (!HF_SITE_UNSEEN(s)) { /* else its site.xml could not be read */
				bad |= attr(w, "code", s->code);
				bad |= attr(w, "type", hf_site_type_name(s->type));
				bad |= attr(w, "servicepack", sp);
			}
			bad |= attr(w, "root", s->root);
			if (s->parent[0])
				bad |= attr(w, "parent", s->parent);
			bad |= attr(w, "verdict", hf_site_verdict(a, s));
			bad |= attr(w, "drift", hf_audit_has_drift(a, s) ? "true" : "false");
			bad |= totals(w, a, s);
		}
		bad |= xml_record(w, &a->recs[i]);
	}
	if (!bad)
		bad |= xmlTextWriterEndDocument(w) < 0; /* closes every open element */
	xmlFreeTextWriter(w);
	if (!bad)
		fwrite(xmlBufferContent(xb), 1, (size_t)xmlBufferLength(xb), out);
	xmlBufferFree(xb);
	if (bad || ferror(out))
		return hf_err_set(NULL, HF_E_IO, "writing the XML failed");
	return 0;
}

/* A DOT quoted string: site codes are 3 alphanumerics; a root may hold anything. */
static void dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		if (*p == '\n' || *p == '\r')
			fputc(' ', out);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* A site's node: by code, or by root when its site.xml could not be read. */
static void dot_node(FILE *out, const struct hf_site *s)
{
	dot_string(out, HF_SITE_UNSEEN(s) ? s->root : s->code);
}

int hf_report_audit_dot(FILE *out, const struct hf_audit *a)
{
	fprintf(out, "digraph hierarchy {\n"
		     "  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", label=\"hotfix audit: "
		     "%s%s\"];\n"
		     "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
		shown[hf_audit_compliance(a)].title, hf_audit_has_drift(a, NULL) ? ", drift" : "");
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_site *s = a->recs[i].site;
		enum hf_compliance c;
		int drift;

		if (!starts_site(a, i))
			continue;
		c = hf_site_compliance(a, s);
		drift = hf_audit_has_drift(a, s);
		fputs("  ", out);
		dot_node(out, s);
		if (HF_SITE_UNSEEN(s)) /* its records are unknown (audit.h) */
			fprintf(out, " [label=\"site.xml not read\\n%s\", fillcolor=\"%s\", "
				     "style=\"rounded,filled,dashed\"];\n", hf_compliance_name(c),
				shown[c].fill);
		else
			fprintf(out, " [label=\"%s\\n%s SP%u\\n%s%s\", fillcolor=\"%s\"%s%s];\n",
				s->code, hf_site_type_name(s->type), s->servicepack,
				hf_compliance_name(c), drift ? "\\ndrift from parent" : "",
				shown[c].fill,
				shown[c].dashed ? ", style=\"rounded,filled,dashed\"" : "",
				drift ? ", color=\"darkorange\", penwidth=3" : "");
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_site *s = a->recs[i].site;

		if (!starts_site(a, i) || !s->parent[0])
			continue;
		for (size_t k = 0; k < a->n; k++)
			if (starts_site(a, k) && !HF_SITE_UNSEEN(a->recs[k].site) &&
			    !strcmp(a->recs[k].site->code, s->parent)) {
				fprintf(out, "  \"%s\" -> \"%s\";\n", s->parent, s->code);
				break;
			}
	}
	fprintf(out, "}\n");
	return ferror(out) ? hf_err_set(NULL, HF_E_IO, "writing the DOT failed") : 0;
}
