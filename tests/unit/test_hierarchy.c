/* Unit tests of hierarchy's partial load (for audit): a site whose site.xml cannot be
 * read is kept as a stand-in with only its root, the tree rules that would need it are
 * not applied, every site is still in the order; the full load refuses the same file,
 * and a site.xml that was read and is invalid is refused by both.  And rings: the ring
 * attribute and its bound (file and line named), the last ring of the sites without one,
 * a parent in a later ring refused, and the order ring by ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hierarchy.h"
#include "xml.h"

static char dir[64], file[128];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A site directory; site.xml only when type is not NULL. */
static void site(const char *code, const char *type, const char *parent)
{
	char path[256], xml[512];

	snprintf(path, sizeof(path), "%s/%s", dir, code);
	assert_int_equal(mkdir(path, 0755), 0);
	if (!type)
		return;
	snprintf(xml, sizeof(xml),
		 "<site code=\"%s\" type=\"%s\"%s%s%s><product name=\"SMS\" version=\"2003\" "
		 "servicepack=\"3\"/></site>",
		 code, type, parent ? " parent=\"" : "", parent ? parent : "", parent ? "\"" : "");
	snprintf(path, sizeof(path), "%s/site.xml", code);
	put(path, xml);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/hotfix-hier-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/h.xml", dir);
	put("h.xml", "<hierarchy xmlns=\"urn:hotfix:hierarchy:1\"><site root=\"CEN\"/>"
		     "<site root=\"PRI\"/><site root=\"SEC\"/></hierarchy>");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	hf_xml_cleanup();
	return 0;
}

/* Every index once in the order. */
static void order_is_complete(const struct hf_hierarchy *h)
{
	int seen[8] = { 0 };

	assert_true(h->n <= 8);
	for (size_t i = 0; i < h->n; i++) {
		assert_true(h->order[i] < h->n);
		assert_int_equal(seen[h->order[i]]++, 0);
	}
}

static void test_unreadable_middle_site(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;

	(void)state;
	site("CEN", "central", NULL);
	site("PRI", NULL, NULL); /* no site.xml */
	site("SEC", "secondary", "PRI");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), -HF_E_IO);
	assert_null(h);
	assert_non_null(strstr(err.msg, "PRI/site.xml"));

	assert_int_equal(hf_hierarchy_load_partial(file, &h, &err), 0);
	assert_non_null(h);
	assert_int_equal(h->n, 3);
	assert_null(h->sites[0].unseen);
	assert_non_null(h->sites[1].unseen);
	assert_non_null(strstr(h->sites[1].unseen, "PRI/site.xml"));
	assert_string_equal(h->sites[1].site->code, "");
	assert_non_null(strstr(h->sites[1].site->root, "/PRI"));
	assert_int_equal(h->sites[1].site->rootfd, -1);
	assert_int_equal(h->central, 0);
	assert_int_equal(h->sites[2].parent, HF_NO_PARENT); /* its parent was not read */
	assert_int_equal(h->order[0], 0);
	order_is_complete(h);
	hf_hierarchy_free(h);
}

static void test_unreadable_central(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;

	(void)state;
	site("CEN", NULL, NULL);
	site("PRI", "primary", "CEN");
	site("SEC", "secondary", "PRI");
	assert_int_equal(hf_hierarchy_load_partial(file, &h, &err), 0);
	assert_int_equal(h->central, HF_NO_PARENT);
	assert_int_equal(h->sites[1].parent, HF_NO_PARENT);
	assert_int_equal(h->sites[2].parent, 1); /* what was read is still linked */
	order_is_complete(h);
	for (size_t i = 0; i < h->n; i++) /* parents before children: PRI before SEC */
		if (h->order[i] == 2)
			for (size_t k = i + 1; k < h->n; k++)
				assert_int_not_equal(h->order[k], 1);
	hf_hierarchy_free(h);
}

static void test_rules_still_apply(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;

	(void)state;
	/* nothing unreadable: a missing parent is a violation in a partial load too */
	site("CEN", "central", NULL);
	site("PRI", "primary", "XYZ");
	site("SEC", "secondary", "PRI");
	assert_int_equal(hf_hierarchy_load_partial(file, &h, &err), -HF_E_MALFORMED);
	assert_non_null(strstr(err.msg, "names parent XYZ"));
	/* a site.xml that was read and is invalid is not "unseen" */
	put("PRI/site.xml", "<site code=\"PRI\"/>");
	assert_int_equal(hf_hierarchy_load_partial(file, &h, &err), -HF_E_SCHEMA);
	assert_null(h);
}

/* h.xml of CEN, PRI and SEC with these ring attributes ("" for none) */
static void rings(const char *cen, const char *pri, const char *sec)
{
	char xml[512];

	snprintf(xml, sizeof(xml),
		 "<hierarchy xmlns=\"urn:hotfix:hierarchy:1\">\n<site root=\"CEN\"%s/>\n"
		 "<site root=\"PRI\"%s/>\n<site root=\"SEC\"%s/>\n</hierarchy>\n",
		 cen, pri, sec);
	put("h.xml", xml);
}

static void three_sites(void)
{
	site("CEN", "central", NULL);
	site("PRI", "primary", "CEN");
	site("SEC", "secondary", "PRI");
}

static void test_rings_parsed(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;

	(void)state;
	three_sites();
	/* none given: one ring, ring 0 (as before rings) */
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	assert_int_equal(h->nrings, 1);
	for (size_t i = 0; i < h->n; i++) {
		assert_int_equal(h->sites[i].ring, 0);
		assert_false(h->sites[i].ring_given);
	}
	hf_hierarchy_free(h);
	/* given: as written; the bound itself is accepted */
	rings(" ring=\"0\"", " ring=\"7\"", " ring=\"99\"");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	assert_int_equal(h->sites[0].ring, 0);
	assert_int_equal(h->sites[1].ring, 7);
	assert_int_equal(h->sites[2].ring, HF_RING_MAX);
	assert_int_equal(h->nrings, HF_RING_MAX + 1);
	hf_hierarchy_free(h);
}

static void test_last_ring(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;

	(void)state;
	three_sites();
	/* without a ring: one past the highest given */
	rings(" ring=\"0\"", " ring=\"2\"", "");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	assert_int_equal(h->sites[2].ring, 3);
	assert_false(h->sites[2].ring_given);
	assert_int_equal(h->nrings, 4);
	hf_hierarchy_free(h);
	rings(" ring=\"0\"", "", "");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	assert_int_equal(h->sites[1].ring, 1);
	assert_int_equal(h->sites[2].ring, 1);
	assert_int_equal(h->nrings, 2);
	hf_hierarchy_free(h);
	/* past the highest ring a file may give */
	rings(" ring=\"99\"", "", "");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	assert_int_equal(h->sites[2].ring, HF_RING_MAX + 1);
	assert_int_equal(h->nrings, HF_RING_MAX + 2);
	hf_hierarchy_free(h);
}

static void test_bad_ring(void **state)
{
	static const char *const bad[] = { "100", "-1", "x", "", "01", " 1", "1.0", "999" };
	struct hf_hierarchy *h = NULL;
	struct hf_err err;
	char attr[64];

	(void)state;
	three_sites();
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(attr, sizeof(attr), " ring=\"%s\"", bad[k]);
		rings("", attr, "");
		assert_int_equal(hf_hierarchy_load(file, &h, &err), -HF_E_SCHEMA);
		assert_null(h);
		assert_non_null(strstr(err.msg, "h.xml:3:")); /* the file and the line */
		assert_non_null(strstr(err.msg, "ring"));
	}
}

static void test_ring_order_refused(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;

	(void)state;
	three_sites();
	/* PRI (ring 1) under CEN (ring 2) */
	rings(" ring=\"2\"", " ring=\"1\"", " ring=\"2\"");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), -HF_E_MALFORMED);
	assert_null(h);
	assert_non_null(strstr(err.msg, "site PRI (ring 1) has its parent CEN in a later ring (2)"));
	assert_null(strstr(err.msg, "site SEC"));
	/* the last ring is later than any given: a parent without a ring is too late */
	rings("", " ring=\"0\"", "");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), -HF_E_MALFORMED);
	assert_non_null(strstr(err.msg, "site PRI (ring 0) has its parent CEN in a later ring (1)"));
	/* the same ring, or an earlier one, is fine */
	rings(" ring=\"1\"", " ring=\"1\"", "");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	hf_hierarchy_free(h);
}

static void test_order_by_ring(void **state)
{
	struct hf_hierarchy *h = NULL;
	struct hf_err err;
	size_t out[8], file_order[8];

	(void)state;
	/* CEN -> PRI -> SEC, CEN -> PR2 -> SE2; rings: CEN 0, PR2 0, SE2 1, PRI 2, SEC 2 */
	three_sites();
	site("PR2", "primary", "CEN");
	site("SE2", "secondary", "PR2");
	put("h.xml", "<hierarchy xmlns=\"urn:hotfix:hierarchy:1\"><site root=\"SEC\" ring=\"2\"/>"
		     "<site root=\"PRI\" ring=\"2\"/><site root=\"SE2\" ring=\"1\"/>"
		     "<site root=\"PR2\" ring=\"0\"/><site root=\"CEN\" ring=\"0\"/></hierarchy>");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	assert_int_equal(h->n, 5);
	order_is_complete(h);
	hf_hierarchy_by_ring(h, h->order, out);
	/* ring 0 parents first (CEN, PR2), ring 1 (SE2), ring 2 parents first (PRI, SEC) */
	assert_string_equal(h->sites[out[0]].site->code, "CEN");
	assert_string_equal(h->sites[out[1]].site->code, "PR2");
	assert_string_equal(h->sites[out[2]].site->code, "SE2");
	assert_string_equal(h->sites[out[3]].site->code, "PRI");
	assert_string_equal(h->sites[out[4]].site->code, "SEC");
	/* the file's order, ring by ring, stable inside each ring */
	for (size_t i = 0; i < h->n; i++)
		file_order[i] = i;
	hf_hierarchy_by_ring(h, file_order, out);
	assert_string_equal(h->sites[out[0]].site->code, "PR2");
	assert_string_equal(h->sites[out[1]].site->code, "CEN");
	assert_string_equal(h->sites[out[2]].site->code, "SE2");
	assert_string_equal(h->sites[out[3]].site->code, "SEC");
	assert_string_equal(h->sites[out[4]].site->code, "PRI");
	hf_hierarchy_free(h);
	/* one ring: the order itself */
	put("h.xml", "<hierarchy xmlns=\"urn:hotfix:hierarchy:1\"><site root=\"SEC\"/>"
		     "<site root=\"PRI\"/><site root=\"SE2\"/><site root=\"PR2\"/>"
		     "<site root=\"CEN\"/></hierarchy>");
	assert_int_equal(hf_hierarchy_load(file, &h, &err), 0);
	hf_hierarchy_by_ring(h, h->order, out);
	assert_memory_equal(out, h->order, h->n * sizeof(*out));
	hf_hierarchy_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unreadable_middle_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_central, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules_still_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rings_parsed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_order_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_by_ring, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
