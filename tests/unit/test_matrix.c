/* Unit tests of matrix: overlaps, downgrades in the order given, supersession, installed
 * hotfixes as sources, a manifest that stands for an installed hotfix, an inapplicable
 * manifest.  Manifests and plans are built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matrix.h"

#define MAXF 4

/* A manifest with its plan: files "path=version" and, per file, the site's version
 * ("" when the site has none). */
struct fake {
	struct hf_manifest m;
	struct hf_mfile files[MAXF];
	struct hf_plan plan;
	struct hf_plan_item items[MAXF];
};

static struct hf_version ver(const char *text)
{
	struct hf_version v;

	if (hf_version_parse(text, &v, NULL) != 0)
		fail_msg("bad version %s", text);
	return v;
}

static void fake(struct fake *f, const char *id, size_t n, const char *const *paths,
		 const char *const *versions, const char *const *site)
{
	memset(f, 0, sizeof(*f));
	f->m.id = (char *)id;
	f->m.revision = 1;
	f->plan.manifest = &f->m;
	f->plan.n = n;
	f->plan.items = f->items;
	for (size_t i = 0; i < n; i++) {
		f->files[i].path = (char *)paths[i];
		f->files[i].version = ver(versions[i]);
		f->items[i].file = &f->files[i];
		if (site[i][0]) {
			f->items[i].present = f->items[i].has_version = 1;
			f->items[i].installed = ver(site[i]);
		}
	}
}

static const struct hf_matrix_file *row(const struct hf_matrix *mx, const char *path)
{
	for (size_t i = 0; i < mx->nfiles; i++)
		if (!strcmp(mx->files[i].path, path))
			return &mx->files[i];
	fail_msg("no row %s", path);
	return NULL;
}

static int superseded(const struct hf_matrix *mx, const char *a, const char *b)
{
	for (size_t i = 0; i < mx->nsup; i++)
		if (!strcmp(mx->src[mx->sup[i].src].id, a) && !strcmp(mx->src[mx->sup[i].by].id, b))
			return 1;
	return 0;
}

static void test_manifests_only(void **state)
{
	static const char *const p3[] = {"a.dll", "b.dll", "c.dll"}, *const p1[] = {"c.dll"},
				 *const p2[] = {"d.dll"};
	struct fake x, y, z;
	const struct hf_manifest *ms[3];
	const struct hf_plan *plans[3];
	struct hf_matrix mx;
	struct hf_err err;

	(void)state;
	fake(&x, "X", 3, p3, (const char *const[]){"2.0.0.0", "2.0.0.0", "2.0.0.0"},
	     (const char *const[]){"1.0.0.0", "1.0.0.0", "1.0.0.0"});
	fake(&y, "Y", 1, p1, (const char *const[]){"1.5.0.0"}, (const char *const[]){"1.0.0.0"});
	fake(&z, "Z", 1, p2, (const char *const[]){"1.0.0.1"}, (const char *const[]){""});
	ms[0] = &x.m, ms[1] = &y.m, ms[2] = &z.m;
	plans[0] = &x.plan, plans[1] = &y.plan, plans[2] = &z.plan;
	assert_int_equal(hf_matrix_build(NULL, ms, plans, 3, &mx, &err), 0);
	assert_int_equal(mx.nsrc, 3);
	assert_int_equal(mx.nfiles, 4);
	assert_int_equal(mx.noverlap, 1); /* c.dll: X and Y */
	assert_int_equal(row(&mx, "c.dll")->owners, 2);
	assert_int_equal(row(&mx, "d.dll")->owners, 1);
	assert_false(row(&mx, "d.dll")->has_current);
	assert_true(row(&mx, "a.dll")->has_current);
	/* Y after X: 1.5 below the 2.0 X brought */
	assert_int_equal(mx.ndown, 1);
	assert_string_equal(mx.src[mx.down[0].src].id, "Y");
	assert_string_equal(mx.src[mx.down[0].above_src].id, "X");
	assert_int_equal(hf_version_cmp(&mx.down[0].above, &(struct hf_version){{2, 0, 0, 0}}), 0);
	assert_int_equal(mx.nsup, 1);
	assert_true(superseded(&mx, "Y", "X"));
	hf_matrix_free(&mx);

	/* Y first: no downgrade (1.5 over the site's 1.0, then X's 2.0 over it) */
	ms[0] = &y.m, ms[1] = &x.m;
	plans[0] = &y.plan, plans[1] = &x.plan;
	assert_int_equal(hf_matrix_build(NULL, ms, plans, 2, &mx, &err), 0);
	assert_int_equal(mx.ndown, 0);
	assert_true(superseded(&mx, "Y", "X"));
	hf_matrix_free(&mx);
}

static void test_installed_sources(void **state)
{
	static const char *const p1[] = {"c.dll"}, *const p2[] = {"a.dll", "c.dll"};
	struct hf_inst_file f1[2] = {{.path = "a.dll"}, {.path = "c.dll"}};
	struct hf_registry_entry h[2] = {{.id = "OLD", .revision = 2, .nfiles = 2, .files = f1},
					 {.id = "SAME", .revision = 1, .nfiles = 0}};
	struct hf_registry inst = {.n = 2, .hotfixes = h};
	struct fake y, same;
	const struct hf_manifest *ms[2];
	const struct hf_plan *plans[2];
	struct hf_matrix mx;
	struct hf_err err;

	(void)state;
	f1[0].new_version = ver("3.0.0.0");
	f1[1].new_version = ver("3.0.0.0");
	/* the site's c.dll is 3.0 (OLD put it there); Y brings 2.0: below the site's file */
	fake(&y, "Y", 1, p1, (const char *const[]){"2.0.0.0"}, (const char *const[]){"3.0.0.0"});
	fake(&same, "SAME", 2, p2, (const char *const[]){"3.0.0.0", "3.0.0.0"},
	     (const char *const[]){"3.0.0.0", "3.0.0.0"});
	ms[0] = &y.m, ms[1] = &same.m;
	plans[0] = &y.plan, plans[1] = NULL; /* SAME: not applicable here */
	assert_int_equal(hf_matrix_build(&inst, ms, plans, 2, &mx, &err), 0);
	/* sources: OLD (installed); SAME's installed entry is left out for the manifest */
	assert_int_equal(mx.nsrc, 3);
	assert_string_equal(mx.src[0].id, "OLD");
	assert_true(mx.src[0].installed);
	assert_string_equal(mx.src[2].id, "SAME");
	assert_false(mx.src[2].installed);
	assert_false(mx.src[2].applicable);
	assert_int_equal(mx.noverlap, 1);
	assert_int_equal(mx.ndown, 1);
	assert_int_equal(mx.down[0].above_src, HF_MATRIX_NONE); /* the site's own file */
	assert_true(superseded(&mx, "Y", "OLD"));
	assert_false(superseded(&mx, "OLD", "Y"));
	hf_matrix_free(&mx);
}

static void test_equal_is_not_superseded(void **state)
{
	static const char *const p[] = {"a.dll"};
	struct fake x, y;
	const struct hf_manifest *ms[2];
	const struct hf_plan *plans[2];
	struct hf_matrix mx;
	struct hf_err err;

	(void)state;
	fake(&x, "X", 1, p, (const char *const[]){"2.0.0.0"}, (const char *const[]){"1.0.0.0"});
	fake(&y, "Y", 1, p, (const char *const[]){"2.0.0.0"}, (const char *const[]){"1.0.0.0"});
	ms[0] = &x.m, ms[1] = &y.m;
	plans[0] = &x.plan, plans[1] = &y.plan;
	assert_int_equal(hf_matrix_build(NULL, ms, plans, 2, &mx, &err), 0);
	assert_int_equal(mx.noverlap, 1);
	assert_int_equal(mx.ndown, 0);
	assert_int_equal(mx.nsup, 0); /* the same versions: an overlap, not a replacement */
	hf_matrix_free(&mx);
	/* nothing at all */
	assert_int_equal(hf_matrix_build(NULL, ms, plans, 0, &mx, &err), 0);
	assert_int_equal(mx.nsrc, 0);
	hf_matrix_free(&mx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifests_only),
		cmocka_unit_test(test_installed_sources),
		cmocka_unit_test(test_equal_is_not_superseded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
