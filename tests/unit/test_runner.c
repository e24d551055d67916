/* Unit tests of the runner's rings and failure budget: --max-fail's values (N, P%, the
 * bounds, what is refused) and the budget they make of a run's size (P% rounded down, 0,
 * no limit); then real runs over a hierarchy of site.xml files whose workers only
 * return a status: ring by ring (no site of a ring starts before every site of the rings
 * before it ended, also with 2 at once), rollback's order the rings reversed, the halt
 * one failure past the budget (the sites left "not started (halted)", the children of a
 * halted site too, those of a failed site skipped as before), a failed canary keeping the
 * later rings, and the default budget's words of before budgets. */
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
#include "runner.h"
#include "xml.h"

static void test_budget_parse(void **state)
{
	static const char *const bad[] = { "", "-1", "+1", "x", "1x", " 1", "1 ", "101%",
					   "5%%", "%", "%5", "100001", "1e3", "0x10", "1.5",
					   "9999999", "99999999999999999999" };
	struct hf_budget b;

	(void)state;
	assert_int_equal(hf_budget_parse("0", &b), 0);
	assert_int_equal(b.value, 0);
	assert_false(b.percent);
	assert_false(b.unlimited);
	assert_int_equal(hf_budget_parse("3", &b), 0);
	assert_int_equal(b.value, 3);
	assert_int_equal(hf_budget_parse("100000", &b), 0);
	assert_int_equal(b.value, HF_BUDGET_COUNT_MAX);
	assert_int_equal(hf_budget_parse("10%", &b), 0);
	assert_int_equal(b.value, 10);
	assert_true(b.percent);
	assert_int_equal(hf_budget_parse("0%", &b), 0);
	assert_int_equal(hf_budget_parse("100%", &b), 0);
	assert_int_equal(b.value, 100);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(hf_budget_parse(bad[k], &b), -1);
}

static void test_budget_sites(void **state)
{
	struct hf_budget b = { 0, 0, 0 };

	(void)state;
	assert_int_equal(hf_budget_sites(&b, 20), 0); /* the default: stop at the first */
	b.value = 2;
	assert_int_equal(hf_budget_sites(&b, 20), 2);
	assert_int_equal(hf_budget_sites(&b, 1), 2); /* a count is a count */
	b.percent = 1;
	b.value = 10;
	assert_int_equal(hf_budget_sites(&b, 25), 2); /* 2.5, rounded down */
	assert_int_equal(hf_budget_sites(&b, 9), 0);
	assert_int_equal(hf_budget_sites(&b, 20), 2);
	b.value = 100;
	assert_int_equal(hf_budget_sites(&b, 7), 7);
	b.value = 99;
	assert_int_equal(hf_budget_sites(&b, 99999), 98999); /* 98999.01 */
	b.value = 0;
	assert_int_equal(hf_budget_sites(&b, 100000), 0);
	b.unlimited = 1;
	assert_true(hf_budget_sites(&b, 20) == HF_BUDGET_UNLIMITED);
}

/* --- runs */

static char dir[64], file[128];

struct site_def {
	const char *code, *type, *parent, *ring; /* ring NULL: none */
};

/* CEN(0) -> PRA(0) -> SEA(2); CEN -> PR1(1) -> SE1(2); CEN -> PR2(1), PR3(1), PR4(2), PR5 (none:
 * the last ring, 3) */
static const struct site_def sites[] = {
	{ "CEN", "central", NULL, "0" },   { "PRA", "primary", "CEN", "0" },
	{ "PR1", "primary", "CEN", "1" },   { "PR2", "primary", "CEN", "1" },
	{ "PR3", "primary", "CEN", "1" },   { "PR4", "primary", "CEN", "2" },
	{ "SEA", "secondary", "PRA", "2" },  { "SE1", "secondary", "PR1", "2" },
	{ "PR5", "primary", "CEN", NULL },
};
#define NSITES (sizeof(sites) / sizeof(sites[0]))

struct ctx {
	const struct hf_hierarchy *h;
	const struct hf_job *jobs;
	const char *fail;      /* the codes whose worker fails, " "-separated, " X " */
	char started[NSITES][4]; /* in the order they started */
	size_t nstarted;
	int order_broken;      /* a site started before the rings before it ended */
	enum hf_order order;
};

static int run(void *c, size_t i, int result_fd)
{
	struct ctx *x = c;
	char key[8];
	int failed;

	snprintf(key, sizeof(key), " %s ", x->h->sites[i].site->code);
	failed = strstr(x->fail, key) != NULL;
	if (write(result_fd, failed ? "conflict 0\n" : "applied 1\n", failed ? 11 : 10) < 0)
		return 1;
	return failed ? 1 : 0;
}

/* Before a ring (in the run's direction) no site of it runs. */
static int before(const struct ctx *x, unsigned a, unsigned b)
{
	return x->order == HF_ORDER_CHILDREN_FIRST ? a > b : a < b;
}

static void event(void *c, size_t i, const struct hf_job *job)
{
	struct ctx *x = c;

	if (job->state != HF_JOB_RUNNING)
		return;
	snprintf(x->started[x->nstarted++], 4, "%s", x->h->sites[i].site->code);
	for (size_t k = 0; k < x->h->n; k++)
		if (before(x, x->h->sites[k].ring, x->h->sites[i].ring) &&
		    x->jobs[k].state != HF_JOB_DONE && x->jobs[k].state != HF_JOB_SKIPPED)
			x->order_broken = 1;
}

static int allows(void *c, const struct hf_job *job)
{
	(void)c;
	return job->status == 0;
}

static const struct hf_run_ops ops = { run, event, allows };

static int setup(void **state)
{
	FILE *f;

	(void)state;
	strcpy(dir, "/tmp/hotfix-runner-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/h.xml", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("<hierarchy xmlns=\"urn:hotfix:hierarchy:1\">\n", f);
	for (size_t k = 0; k < NSITES; k++) {
		char path[256];
		FILE *s;

		fprintf(f, "<site root=\"%s\"%s%s%s/>\n", sites[k].code,
			sites[k].ring ? " ring=\"" : "", sites[k].ring ? sites[k].ring : "",
			sites[k].ring ? "\"" : "");
		snprintf(path, sizeof(path), "%s/%s", dir, sites[k].code);
		assert_int_equal(mkdir(path, 0755), 0);
		snprintf(path, sizeof(path), "%s/%s/site.xml", dir, sites[k].code);
		s = fopen(path, "w");
		assert_non_null(s);
		fprintf(s,
			"<site code=\"%s\" type=\"%s\"%s%s%s><product name=\"SMS\" version=\"2003\" "
			"servicepack=\"3\"/></site>",
			sites[k].code, sites[k].type, sites[k].parent ? " parent=\"" : "",
			sites[k].parent ? sites[k].parent : "", sites[k].parent ? "\"" : "");
		fclose(s);
	}
	fputs("</hierarchy>\n", f);
	fclose(f);
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

/* Run the hierarchy with this order, policy and failing sites. */
static void go(enum hf_order order, int njobs, size_t budget, int told, const char *fail,
	       struct ctx *x, struct hf_job *jobs, struct hf_run_result *res,
	       struct hf_hierarchy **h)
{
	struct hf_run_policy p = { njobs, budget, told };
	struct hf_err err;

	assert_int_equal(hf_hierarchy_load(file, h, &err), 0);
	assert_int_equal((*h)->n, NSITES);
	memset(x, 0, sizeof(*x));
	memset(jobs, 0, NSITES * sizeof(*jobs));
	x->h = *h;
	x->jobs = jobs;
	x->fail = fail;
	x->order = order;
	assert_int_equal(hf_run_sites(*h, order, &p, &ops, x, jobs, res, &err), 0);
}

static size_t at(const struct hf_hierarchy *h, const char *code)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->sites[i].site->code, code))
			return i;
	fail_msg("no site %s", code);
	return 0;
}

static void test_ring_by_ring(void **state)
{
	struct hf_job jobs[NSITES];
	struct hf_run_result res;
	struct hf_hierarchy *h;
	struct ctx x;

	(void)state;
	for (int njobs = 1; njobs <= 2; njobs++) {
		go(HF_ORDER_PARENTS_FIRST, njobs, 0, 0, "", &x, jobs, &res, &h);
		assert_int_equal(h->nrings, 4);
		assert_int_equal(x.nstarted, NSITES);
		assert_false(x.order_broken);
		assert_int_equal(res.halt, HF_HALT_NONE);
		assert_int_equal(res.failed, 0);
		assert_string_equal(x.started[0], "CEN");
		assert_string_equal(x.started[NSITES - 1], "PR5"); /* the last ring */
		hf_run_free(jobs, NSITES);
		hf_hierarchy_free(h);
	}
	/* rollback: the last ring first, CEN (ring 0, the root) last */
	go(HF_ORDER_CHILDREN_FIRST, 2, 0, 0, "", &x, jobs, &res, &h);
	assert_int_equal(x.nstarted, NSITES);
	assert_false(x.order_broken);
	assert_string_equal(x.started[0], "PR5");
	assert_string_equal(x.started[NSITES - 1], "CEN");
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
	/* any order (check): still ring by ring */
	go(HF_ORDER_ANY, 2, 0, 0, "", &x, jobs, &res, &h);
	assert_int_equal(x.nstarted, NSITES);
	assert_false(x.order_broken);
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
}

static void test_budget_halts(void **state)
{
	struct hf_job jobs[NSITES];
	struct hf_run_result res;
	struct hf_hierarchy *h;
	struct ctx x;

	(void)state;
	/* ring 1: PR1, PR2, PR3 fail; a budget of 1 halts at the second (PR2), one at a time */
	go(HF_ORDER_PARENTS_FIRST, 1, 1, 1, " PR1 PR2 PR3 ", &x, jobs, &res, &h);
	assert_int_equal(res.halt, HF_HALT_BUDGET);
	assert_int_equal(res.failed, 2);
	assert_int_equal(jobs[at(h, "PR1")].status, 1);
	assert_int_equal(jobs[at(h, "PR2")].status, 1);
	assert_int_equal(jobs[at(h, "PR3")].state, HF_JOB_SKIPPED);
	assert_true(jobs[at(h, "PR3")].halted);
	assert_string_equal(jobs[at(h, "PR3")].reason, "not started (halted)");
	/* every site of the later rings never started; SE1's parent failed: skipped */
	assert_true(jobs[at(h, "PR4")].halted);
	assert_true(jobs[at(h, "SEA")].halted);
	assert_true(jobs[at(h, "PR5")].halted);
	assert_false(jobs[at(h, "SE1")].halted);
	assert_non_null(strstr(jobs[at(h, "SE1")].reason, "PR1 (the parent) did not succeed"));
	assert_int_equal(res.halted, 4);
	assert_int_equal(x.nstarted, 4); /* CEN, PRA, PR1, PR2 */
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
	/* a budget of 3: all three fail, the run goes on to ring 2 and 3 */
	go(HF_ORDER_PARENTS_FIRST, 2, 3, 1, " PR1 PR2 PR3 ", &x, jobs, &res, &h);
	assert_int_equal(res.halt, HF_HALT_NONE);
	assert_int_equal(res.failed, 3);
	assert_int_equal(jobs[at(h, "PR4")].state, HF_JOB_DONE);
	assert_int_equal(jobs[at(h, "PR5")].state, HF_JOB_DONE);
	assert_int_equal(jobs[at(h, "SE1")].state, HF_JOB_SKIPPED);
	assert_false(x.order_broken);
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
	/* the default (0, not given): stops at the first failure, in the words of before */
	go(HF_ORDER_PARENTS_FIRST, 1, 0, 0, " PR1 ", &x, jobs, &res, &h);
	assert_int_equal(res.halt, HF_HALT_BUDGET);
	assert_int_equal(res.failed, 1);
	assert_string_equal(jobs[at(h, "PR2")].reason,
			    "not started: an earlier site failed (--keep-going goes on)");
	assert_string_equal(jobs[at(h, "SEA")].reason,
			    "not started: an earlier site failed (--keep-going goes on)");
	assert_non_null(strstr(jobs[at(h, "SE1")].reason, "PR1 (the parent) did not succeed"));
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
}

static void test_canary(void **state)
{
	struct hf_job jobs[NSITES];
	struct hf_run_result res;
	struct hf_hierarchy *h;
	struct ctx x;

	(void)state;
	/* PRA (ring 0) fails, no limit (--keep-going): ring 0 ends, no later ring starts */
	go(HF_ORDER_PARENTS_FIRST, 2, HF_BUDGET_UNLIMITED, 1, " PRA ", &x, jobs, &res, &h);
	assert_int_equal(res.halt, HF_HALT_CANARY);
	assert_int_equal(res.failed, 1);
	assert_int_equal(x.nstarted, 2);
	assert_int_equal(jobs[at(h, "CEN")].status, 0);
	for (size_t i = 0; i < h->n; i++)
		if (h->sites[i].ring > 0)
			assert_int_equal(jobs[i].state, HF_JOB_SKIPPED);
	assert_true(jobs[at(h, "PR1")].halted);
	assert_false(jobs[at(h, "SEA")].halted); /* PRA's child: skipped, PRA failed */
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
	/* a failure of ring 1 within the budget is no canary */
	go(HF_ORDER_PARENTS_FIRST, 1, 1, 1, " PR2 ", &x, jobs, &res, &h);
	assert_int_equal(res.halt, HF_HALT_NONE);
	assert_int_equal(jobs[at(h, "PR5")].state, HF_JOB_DONE);
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
	/* rollback runs ring 0 last: its failure halts nothing after it */
	go(HF_ORDER_CHILDREN_FIRST, 1, HF_BUDGET_UNLIMITED, 1, " PRA ", &x, jobs, &res, &h);
	assert_int_equal(res.halt, HF_HALT_NONE);
	assert_int_equal(x.nstarted, NSITES - 1); /* CEN: skipped, its child PRA failed */
	hf_run_free(jobs, NSITES);
	hf_hierarchy_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_parse),
		cmocka_unit_test(test_budget_sites),
		cmocka_unit_test_setup_teardown(test_ring_by_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_halts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canary, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
