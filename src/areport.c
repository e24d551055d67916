/* areport: CSV, XML and DOT renderings of an audit. */
#include "areport.h"

#include <string.h>

#include <libxml/xmlwriter.h>

#include "hash.h"
#include "version.h"

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

int hf_areport_csv(FILE *out, const struct hf_audit *a)
{
	static const char *const head[] = {
		"site",	   "type",		"servicepack",	    "parent", "hotfix",
		"revision", "path",		"installed_version", "expected_version",
		"size",	   "verdict",		"sha256",	    "drift",  "site_verdict",
		"note",	   "state",		"root",
	};
	const size_t nh = sizeof(head) / sizeof(head[0]);

	for (size_t k = 0; k < nh; k++)
		csv_field(out, head[k], k + 1 == nh);
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
		f[6] = r->file ? r->file->path : "";
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
			csv_field(out, f[k], k + 1 == nh);
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
		bad |= attr(w, "path", r->file->path);
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
	if (r->drift)
		bad |= attr(w, "drift", r->drift_note);
	if (r->note[0])
		bad |= attr(w, "note", r->note);
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

int hf_areport_xml(FILE *out, const struct hf_audit *a)
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

int hf_areport_dot(FILE *out, const struct hf_audit *a)
{
	const char *all = hf_audit_verdict(a);

	fprintf(out, "digraph hierarchy {\n"
		     "  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", label=\"hotfix audit: "
		     "%s%s\"];\n"
		     "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
		!strcmp(all, "compliant")	? "compliant"
		: !strcmp(all, "not compliant") ? "NOT compliant"
						: "INCOMPLETE (some sites or files unknown)",
		hf_audit_has_drift(a, NULL) ? ", drift" : "");
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_site *s = a->recs[i].site;
		const char *verdict;
		int drift;

		if (!starts_site(a, i))
			continue;
		verdict = hf_site_verdict(a, s);
		drift = hf_audit_has_drift(a, s);
		fputs("  ", out);
		dot_node(out, s);
		if (HF_SITE_UNSEEN(s))
			fprintf(out, " [label=\"site.xml not read\\n%s\", fillcolor=\"gold\", "
				     "style=\"rounded,filled,dashed\"];\n", verdict);
		else
			fprintf(out, " [label=\"%s\\n%s SP%u\\n%s%s\", fillcolor=\"%s\"%s%s];\n",
				s->code, hf_site_type_name(s->type), s->servicepack, verdict,
				drift ? "\\ndrift from parent" : "",
				!strcmp(verdict, "compliant")	     ? "palegreen"
				: !strcmp(verdict, "not compliant") ? "salmon"
				: !strcmp(verdict, "unknown")	     ? "gold"
								     : "lightgrey",
				!strcmp(verdict, "unknown") ? ", style=\"rounded,filled,dashed\"" : "",
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
