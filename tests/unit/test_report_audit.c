/* Unit tests of report_audit: that text, DOT and CSV show the verdict audit decided
 * (hf_audit_compliance, hf_site_compliance) through one table -- the closing line, the
 * graph's title, each site's colour and dashes -- and that CSV quotes what it must and
 * leaves an unseen site's fields empty.  The audit is built in memory and each report
 * written to a memory stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_audit.h"

static struct hf_site sites[3];
static struct hf_manifest m1;
static struct hf_mfile f[2];
static struct hf_audit a;
static char *buf;
static size_t len;

static int setup(void **state)
{
	(void)state;
	memset(sites, 0, sizeof(sites));
	memset(&a, 0, sizeof(a));
	sites[0].root = "/s/cen";
	strcpy(sites[0].code, "CEN");
	sites[1].root = "/s/pri";
	strcpy(sites[1].code, "PRI");
	strcpy(sites[1].parent, "CEN");
	sites[2].root = "/s/a,\"b\""; /* sites[2]: code "", no parent -- a stand-in for a site
				      * whose site.xml could not be read (hierarchy.c) */
	m1.id = "KB1";
	m1.revision = 2;
	f[0].path = "bin/a.dll";
	f[1].path = "bin/b.dll";
	buf = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hf_audit_free(&a);
	free(buf);
	return 0;
}

/* Append a record as hf_audit_site would, the state made from the verdicts of the
 * site's records so far (one manifest here). */
static void rec(struct hf_site *s, const struct hf_mfile *file, enum hf_verdict v,
		const char *note)
{
	struct hf_audit_record *r;
	enum hf_astate st = HF_AS_NOTAPPLICABLE;
	size_t first = a.n;

	if (a.n == a.cap) {
		a.cap = a.cap ? a.cap * 2 : 4;
		a.recs = realloc(a.recs, a.cap * sizeof(*a.recs));
		assert_non_null(a.recs);
	}
	r = &a.recs[a.n++];
	memset(r, 0, sizeof(*r));
	r->site = s;
	r->manifest = &m1;
	r->file = file;
	r->verdict = v;
	r->present = file && v != HF_V_MISSING && v != HF_V_UNKNOWN;
	r->size = 7;
	snprintf(r->note, sizeof(r->note), "%s", note);
	while (first > 0 && a.recs[first - 1].site == s)
		first--;
	for (size_t i = first; i < a.n; i++)
		st = hf_astate_add(st, a.recs[i].verdict);
	for (size_t i = first; i < a.n; i++)
		a.recs[i].state = st;
}

enum fmt { TEXT, DOT, CSV };

/* The report in fmt, as one string (buf). */
static const char *report(enum fmt fmt)
{
	FILE *out;

	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	if (fmt == TEXT)
		hf_report_audit_text(out, &a);
	else if (fmt == DOT)
		assert_int_equal(hf_report_audit_dot(out, &a), 0);
	else
		assert_int_equal(hf_report_audit_csv(out, &a), 0);
	assert_int_equal(fclose(out), 0);
	return buf;
}

/* The last line of s (without its newline). */
static const char *last_line(const char *s)
{
	static char line[256];
	size_t n = strlen(s);
	const char *p;

	assert_true(n > 0 && s[n - 1] == '\n');
	for (p = s + n - 1; p > s && p[-1] != '\n'; p--)
		;
	snprintf(line, sizeof(line), "%.*s", (int)(s + n - 1 - p), p);
	return line;
}

static void test_closing_line(void **state)
{
	(void)state;
	rec(&sites[0], &f[0], HF_V_OK, "");
	rec(&sites[0], &f[1], HF_V_NEWER, "");
	assert_int_equal(hf_audit_compliance(&a), HF_C_COMPLIANT);
	assert_string_equal(last_line(report(TEXT)), "compliant");
	assert_non_null(strstr(report(DOT), "label=\"hotfix audit: compliant\"];\n"));
	rec(&sites[1], &f[0], HF_V_OUTDATED, "");
	assert_string_equal(last_line(report(TEXT)), "NOT compliant");
	assert_non_null(strstr(report(DOT), "label=\"hotfix audit: NOT compliant\"];\n"));
	rec(&sites[2], NULL, HF_V_UNKNOWN, "busy");
	assert_int_equal(hf_audit_compliance(&a), HF_C_INCOMPLETE);
	assert_string_equal(last_line(report(TEXT)),
			    "INCOMPLETE: not every site and file could be seen");
	assert_non_null(strstr(report(DOT), "label=\"hotfix audit: INCOMPLETE (some sites or "
					     "files unknown)\"];\n"));
	assert_non_null(strstr(report(TEXT), "\nsite ? (/s/a,\"b\"): unknown\n"));
	assert_non_null(strstr(buf, "\nsite CEN: compliant\nsite PRI: not compliant\n"));
}

static void test_dot_sites(void **state)
{
	const char *dot;

	(void)state;
	rec(&sites[0], NULL, HF_V_NOTAPPLICABLE, "");
	rec(&sites[1], &f[0], HF_V_UNKNOWN, "Permission denied");
	rec(&sites[2], NULL, HF_V_UNKNOWN, "damaged");
	assert_int_equal(hf_site_compliance(&a, &sites[0]), HF_C_NOT_APPLICABLE);
	dot = report(DOT);
	assert_non_null(strstr(dot, "  \"CEN\" [label=\"CEN\\ncentral SP0\\nnot applicable\", "
				    "fillcolor=\"lightgrey\"];\n"));
	assert_non_null(strstr(dot, "  \"PRI\" [label=\"PRI\\ncentral SP0\\nunknown\", "
				    "fillcolor=\"gold\", style=\"rounded,filled,dashed\"];\n"));
	assert_non_null(strstr(dot, "  \"/s/a,\\\"b\\\"\" [label=\"site.xml not read\\nunknown\", "
				    "fillcolor=\"gold\", style=\"rounded,filled,dashed\"];\n"));
	assert_non_null(strstr(dot, "  \"CEN\" -> \"PRI\";\n"));
	assert_null(strstr(dot, "-> \"\"")); /* a stand-in has no parent: no edge */
	/* a file that could not be read: its own line, with the reason */
	assert_non_null(strstr(report(TEXT), "\nunknown: PRI bin/a.dll: Permission denied\n"));
}

static void test_csv(void **state)
{
	const char *csv;

	(void)state;
	rec(&sites[1], &f[0], HF_V_MISSING, "not there, \"really\"");
	rec(&sites[2], NULL, HF_V_UNKNOWN, "busy, try later"); /* a comma alone quotes */
	csv = report(CSV);
	assert_true(strncmp(csv, "site,type,servicepack,parent,hotfix,revision,path,", 50) == 0);
	assert_non_null(strstr(csv, "\r\nPRI,central,0,CEN,KB1,2,bin/a.dll,,0.0.0.0,,missing,,,"
				    "not compliant,\"not there, \"\"really\"\"\",required,/s/pri\r\n"));
	/* the unseen site: no code, type or service pack; its root quoted */
	assert_non_null(strstr(csv, "\r\n,,,,KB1,2,,,,,unknown,,,unknown,\"busy, try later\",unknown,"
				    "\"/s/a,\"\"b\"\"\"\r\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_closing_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dot_sites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
