/* Unit tests of hierarchy's partial load (for audit): a site whose site.xml cannot be
 * read is kept as a stand-in with only its root, the tree rules that would need it are
 * not applied, every site is still in the order; the full load refuses the same file,
 * and a site.xml that was read and is invalid is refused by both. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unreadable_middle_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_central, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules_still_apply, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
