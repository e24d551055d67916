/* Unit tests of audit's four states (installed, required, not applicable, unknown): how
 * a manifest's file verdicts make its state on a site, how the states make the site's
 * and the run's verdicts and totals, that unknown is never compliant, and that what is
 * unknown never counts as drift.  Records are built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"

static void test_state_of_verdicts(void **state)
{
	static const struct {
		enum hf_verdict v;
		enum hf_astate alone;
	} one[] = {
		{ HF_V_OK, HF_AS_INSTALLED },	      { HF_V_NEWER, HF_AS_INSTALLED },
		{ HF_V_OUTDATED, HF_AS_REQUIRED },    { HF_V_MISSING, HF_AS_REQUIRED },
		{ HF_V_UNREADABLE, HF_AS_REQUIRED },  { HF_V_MODIFIED, HF_AS_REQUIRED },
		{ HF_V_NOTAPPLICABLE, HF_AS_NOTAPPLICABLE }, { HF_V_UNKNOWN, HF_AS_UNKNOWN },
		{ HF_V_SIGNATURE, HF_AS_REQUIRED },
	};
	const size_t n = sizeof(one) / sizeof(one[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hf_astate_add(HF_AS_NOTAPPLICABLE, one[i].v), one[i].alone);
		/* unknown wins whatever came before or after it */
		assert_int_equal(hf_astate_add(hf_astate_add(HF_AS_NOTAPPLICABLE, one[i].v),
					       HF_V_UNKNOWN),
				 HF_AS_UNKNOWN);
		assert_int_equal(hf_astate_add(HF_AS_UNKNOWN, one[i].v), HF_AS_UNKNOWN);
		/* required is never made good by a good file */
		if (one[i].alone != HF_AS_UNKNOWN)
			assert_int_equal(hf_astate_add(HF_AS_REQUIRED, one[i].v), HF_AS_REQUIRED);
	}
	assert_int_equal(hf_astate_add(HF_AS_INSTALLED, HF_V_OUTDATED), HF_AS_REQUIRED);
	assert_int_equal(hf_astate_add(HF_AS_INSTALLED, HF_V_OK), HF_AS_INSTALLED);
	assert_false(hf_verdict_compliant(HF_V_UNKNOWN));
	assert_string_equal(hf_verdict_name(HF_V_UNKNOWN), "unknown");
	/* --verify-signatures: ok by version, its signature not valid: not compliant */
	assert_false(hf_verdict_compliant(HF_V_SIGNATURE));
	assert_string_equal(hf_verdict_name(HF_V_SIGNATURE), "signature");
	assert_string_equal(hf_astate_name(HF_AS_INSTALLED), "installed");
	assert_string_equal(hf_astate_name(HF_AS_REQUIRED), "required");
	assert_string_equal(hf_astate_name(HF_AS_NOTAPPLICABLE), "not-applicable");
	assert_string_equal(hf_astate_name(HF_AS_UNKNOWN), "unknown");
}

static struct hf_site sites[4];
static struct hf_manifest m1, m2;
static struct hf_mfile f[2];
static struct hf_audit a;

static int setup(void **state)
{
	(void)state;
	memset(sites, 0, sizeof(sites));
	memset(&a, 0, sizeof(a));
	strcpy(sites[0].code, "CEN");
	strcpy(sites[1].code, "PRI");
	strcpy(sites[1].parent, "CEN");
	strcpy(sites[2].code, "SEC");
	strcpy(sites[2].parent, "PRI");
	sites[2].servicepack = 2;
	/* sites[3]: code "" -- its site.xml could not be read */
	m1.id = "KB1";
	m2.id = "KB2";
	f[0].path = "bin/a.dll";
	f[1].path = "bin/b.dll";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hf_audit_free(&a);
	return 0;
}

/* Append a record as hf_audit_site would, its state set from the verdicts of its
 * manifest's records on the site so far (they are contiguous). */
static void rec(struct hf_site *s, struct hf_manifest *m, const struct hf_mfile *file,
		enum hf_verdict v)
{
	struct hf_audit_record *r;
	enum hf_astate st = HF_AS_NOTAPPLICABLE;
	size_t first = a.n;

	if (a.n == a.cap) { /* as audit grows it (hf_audit_unknown appends too) */
		a.cap = a.cap ? a.cap * 2 : 4;
		a.recs = realloc(a.recs, a.cap * sizeof(*a.recs));
		assert_non_null(a.recs);
	}
	r = &a.recs[a.n++];
	memset(r, 0, sizeof(*r));
	r->site = s;
	r->manifest = m;
	r->file = file;
	r->verdict = v;
	r->present = file && v != HF_V_MISSING && v != HF_V_UNKNOWN;
	while (first > 0 && a.recs[first - 1].site == s && a.recs[first - 1].manifest == m)
		first--;
	for (size_t i = first; i < a.n; i++)
		st = hf_astate_add(st, a.recs[i].verdict);
	for (size_t i = first; i < a.n; i++)
		a.recs[i].state = st;
}

static void totals_are(const struct hf_site *s, size_t i, size_t r, size_t n, size_t u)
{
	size_t t[HF_ASTATES];

	hf_audit_totals(&a, s, t);
	assert_int_equal(t[HF_AS_INSTALLED], i);
	assert_int_equal(t[HF_AS_REQUIRED], r);
	assert_int_equal(t[HF_AS_NOTAPPLICABLE], n);
	assert_int_equal(t[HF_AS_UNKNOWN], u);
}

static void test_all_seen(void **state)
{
	(void)state;
	rec(&sites[0], &m1, &f[0], HF_V_OK);
	rec(&sites[0], &m1, &f[1], HF_V_NEWER);
	rec(&sites[0], &m2, NULL, HF_V_NOTAPPLICABLE);
	rec(&sites[1], &m1, &f[0], HF_V_OK);
	rec(&sites[1], &m1, &f[1], HF_V_OUTDATED);
	rec(&sites[1], &m2, NULL, HF_V_NOTAPPLICABLE);
	totals_are(NULL, 1, 1, 2, 0);
	totals_are(&sites[0], 1, 0, 1, 0);
	assert_string_equal(hf_site_verdict(&a, &sites[0]), "compliant");
	assert_string_equal(hf_site_verdict(&a, &sites[1]), "not compliant");
	assert_string_equal(hf_audit_verdict(&a), "not compliant");
	assert_true(hf_audit_complete(&a, NULL));
	assert_false(hf_audit_compliant(&a, NULL));
}

static void test_unknown_is_never_compliant(void **state)
{
	(void)state;
	/* CEN all good; PRI one file unread; SEC busy (one record per manifest); a site
	 * whose site.xml could not be read */
	rec(&sites[0], &m1, &f[0], HF_V_OK);
	rec(&sites[0], &m1, &f[1], HF_V_OK);
	rec(&sites[1], &m1, &f[0], HF_V_UNKNOWN);
	rec(&sites[1], &m1, &f[1], HF_V_OK);
	assert_int_equal(hf_audit_unknown(&a, &m1, &sites[2], "busy", NULL), 0);
	assert_int_equal(hf_audit_unknown(&a, &m2, &sites[2], "busy", NULL), 0);
	assert_int_equal(hf_audit_unknown(&a, &m1, &sites[3], "site.xml: EACCES", NULL), 0);
	assert_int_equal(a.recs[1].state, HF_AS_INSTALLED);
	assert_int_equal(a.recs[2].state, HF_AS_UNKNOWN);
	assert_int_equal(a.recs[3].state, HF_AS_UNKNOWN); /* the same on all its records */
	assert_null(a.recs[4].file);
	assert_string_equal(a.recs[4].note, "busy");
	assert_true(HF_SITE_UNSEEN(&sites[3]));
	assert_false(HF_SITE_UNSEEN(&sites[2]));

	totals_are(NULL, 1, 0, 0, 4);
	totals_are(&sites[1], 0, 0, 0, 1);
	totals_are(&sites[2], 0, 0, 0, 2);
	assert_string_equal(hf_site_verdict(&a, &sites[0]), "compliant");
	for (int s = 1; s <= 3; s++) {
		assert_string_equal(hf_site_verdict(&a, &sites[s]), "unknown");
		assert_false(hf_audit_compliant(&a, &sites[s]));
		assert_false(hf_audit_complete(&a, &sites[s]));
	}
	assert_string_equal(hf_audit_verdict(&a), "incomplete");
	assert_false(hf_audit_compliant(&a, NULL));
	assert_false(hf_audit_complete(&a, NULL));

	/* a required site beside an unknown one: still incomplete, not "not compliant" */
	rec(&sites[0], &m2, &f[0], HF_V_MISSING);
	assert_string_equal(hf_audit_verdict(&a), "incomplete");
	assert_string_equal(hf_site_verdict(&a, &sites[0]), "not compliant");
	totals_are(NULL, 1, 1, 0, 4);
}

static void test_unknown_is_not_drift(void **state)
{
	(void)state;
	/* same service pack; PRI's a.dll could not be read, CEN's b.dll could not */
	rec(&sites[0], &m1, &f[0], HF_V_OK);
	rec(&sites[0], &m1, &f[1], HF_V_UNKNOWN);
	rec(&sites[1], &m1, &f[0], HF_V_UNKNOWN);
	rec(&sites[1], &m1, &f[1], HF_V_OK);
	a.recs[0].has_version = a.recs[3].has_version = 1;
	assert_int_equal(hf_audit_drift(&a, &sites[1], &sites[0]), 0);
	assert_false(hf_audit_has_drift(&a, NULL));
	/* what was seen and differs still is */
	a.recs[2].installed.part[0] = 9;
	a.recs[2].verdict = HF_V_OK;
	a.recs[2].has_version = 1;
	a.recs[2].present = 1;
	assert_int_equal(hf_audit_drift(&a, &sites[1], &sites[0]), 1);
}

/* Questions about one site read only its records, through the index audit keeps of them:
 * 1,000 sites, each with as many records as its number says (0 to 2 manifests), answer
 * for themselves alone; a site whose records come in two runs is still answered whole;
 * hf_audit_free empties the index too. */
static void test_index_of_sites(void **state)
{
	enum { N = 1000 };
	struct hf_site *many = calloc(N, sizeof(*many));
	size_t t[HF_ASTATES];

	(void)state;
	assert_non_null(many);
	for (size_t i = 0; i < N; i++) {
		for (size_t k = 0; k < i % 3; k++)
			assert_int_equal(hf_audit_unknown(&a, k ? &m2 : &m1, &many[i], "busy", NULL),
					 0);
	}
	assert_true(a.nspans > 0 && !a.scattered);
	for (size_t i = 0; i < N; i++) {
		hf_audit_totals(&a, &many[i], t);
		assert_int_equal(t[HF_AS_UNKNOWN], i % 3);
		assert_int_equal(hf_audit_complete(&a, &many[i]), i % 3 == 0);
		assert_int_equal(hf_audit_not_applicable(&a, &many[i]), i % 3 == 0);
	}
	hf_audit_totals(&a, NULL, t);
	assert_int_equal(t[HF_AS_UNKNOWN], 999); /* 0 + 1 + 2 for each three sites */
	/* S2 again, after the others: two runs */
	assert_int_equal(hf_audit_unknown(&a, &m1, &many[2], "busy", NULL), 0);
	assert_true(a.scattered);
	hf_audit_totals(&a, &many[2], t);
	assert_int_equal(t[HF_AS_UNKNOWN], 3);
	hf_audit_totals(&a, &many[5], t);
	assert_int_equal(t[HF_AS_UNKNOWN], 2);
	hf_audit_free(&a);
	assert_true(a.n == 0 && a.nspans == 0 && a.tablecap == 0 && !a.scattered);
	hf_audit_totals(&a, &many[2], t);
	assert_int_equal(t[HF_AS_UNKNOWN], 0);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_of_verdicts),
		cmocka_unit_test_setup_teardown(test_all_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_is_never_compliant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_is_not_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_of_sites, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
