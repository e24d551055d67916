/* Unit tests of auditor: what an audit over sites opens, what a site it cannot see
 * becomes, what it says while it walks, and the audit's exit status. */
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

#include "auditor.h"
#include "manifest.h"
#include "xml.h"

static char root[64];

/* What the hooks were told. */
struct said {
	int recovered, unseen, failed;
	char why[1100];
};

static void on_recovered(void *ctx, const struct hf_site *site, const struct hf_recovery *rec)
{
	struct said *s = ctx;

	(void)site;
	(void)rec;
	s->recovered++;
}

static void on_unseen(void *ctx, const struct hf_site *site, const char *why, const char *hint)
{
	struct said *s = ctx;

	(void)site;
	(void)hint;
	s->unseen++;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

static void on_failed(void *ctx, const struct hf_err *err)
{
	struct said *s = ctx;

	(void)err;
	s->failed++;
}

static struct hf_manifest *manifest(const char *id)
{
	char xml[1024];
	struct hf_manifest *m = NULL;
	struct hf_err err;

	snprintf(xml, sizeof(xml),
		 "<hotfix xmlns=\"urn:hotfix:manifest:1\" id=\"%s\" revision=\"1\">"
		 "<title>t</title><product name=\"SMS\" version=\"2003\"/>"
		 "<restart required=\"false\"/><payload href=\"p.cab\" size=\"1\" sha256=\""
		 "0000000000000000000000000000000000000000000000000000000000000000\"/>"
		 "<fileset servicepack=\"3\" platform=\"x86\"><file path=\"bin/a.dll\" "
		 "source=\"src/a.dll\" version=\"1.0.0.5\" size=\"10\" sha256=\""
		 "0000000000000000000000000000000000000000000000000000000000000000\"/>"
		 "</fileset></hotfix>",
		 id);
	assert_int_equal(hf_manifest_parse((const uint8_t *)xml, strlen(xml), "t.xml", &m, &err),
			 0);
	return m;
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/hotfix-auditor-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	hf_xml_cleanup();
	return 0;
}

/* A site whose site.xml cannot be read: with manifests a stand-in, unknown for each of
 * them (the hook told why), its log not verified, exit 7; without, an error. */
static void test_unseen_site(void **state)
{
	struct hf_manifest *ms[2] = { manifest("KB1"), manifest("KB2") };
	struct said said = { 0 };
	struct hf_auditor_hooks hooks = { on_recovered, on_unseen, on_failed, &said };
	struct hf_auditor ar;
	struct hf_err err;

	(void)state;
	hf_err_clear(&err);
	assert_int_not_equal(hf_auditor_open(&ar, NULL, root, 0, 1, &err), 0);
	assert_int_equal(err.code, HF_E_IO);
	hf_auditor_free(&ar);

	hf_err_clear(&err);
	assert_int_equal(hf_auditor_open(&ar, NULL, root, 2, 1, &err), 0);
	assert_non_null(ar.site);
	assert_true(HF_SITE_UNSEEN(ar.site));
	assert_string_equal(ar.site->root, root);
	assert_non_null(ar.unseen);
	assert_int_equal(ar.nsites, 1);
	assert_non_null(ar.logs);
	ar.hooks = &hooks;
	assert_int_equal(hf_auditor_run(&ar, ms, 2), 0);
	assert_int_equal(said.unseen, 1);
	assert_int_equal(said.recovered, 0);
	assert_int_equal(said.failed, 0);
	assert_string_equal(said.why, ar.unseen);
	assert_int_equal(ar.audit.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_ptr_equal(ar.audit.recs[i].manifest, ms[i]);
		assert_int_equal(ar.audit.recs[i].verdict, HF_V_UNKNOWN);
	}
	assert_ptr_equal(ar.logs[0].site, ar.site);
	assert_false(ar.logs[0].checked);
	assert_string_equal(ar.logs[0].message, ar.unseen);
	assert_int_equal(hf_auditor_logs_bad(&ar), 1);
	assert_int_equal(hf_auditor_status(&ar, 2, 0), 7);
	hf_auditor_free(&ar);
	hf_manifest_free(ms[0]);
	hf_manifest_free(ms[1]);
}

/* A site that is read: opened under its lock (the hook hears of its recovery), each
 * manifest audited -- a missing file is required: exit 1; no manifest and a good log: 0. */
static void test_site_audited(void **state)
{
	static const char xml[] = "<site code=\"CEN\" type=\"central\"><product name=\"SMS\" "
				  "version=\"2003\" servicepack=\"3\"/></site>";
	struct hf_manifest *m = manifest("KB1");
	struct said said = { 0 };
	struct hf_auditor_hooks hooks = { on_recovered, on_unseen, on_failed, &said };
	struct hf_auditor ar;
	struct hf_err err;
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/site.xml", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(xml, f);
	fclose(f);
	hf_err_clear(&err);
	assert_int_equal(hf_auditor_open(&ar, NULL, root, 1, 0, &err), 0);
	assert_null(ar.unseen);
	assert_string_equal(ar.site->code, "CEN");
	assert_null(ar.logs);
	ar.hooks = &hooks;
	assert_int_equal(hf_auditor_run(&ar, &m, 1), 0);
	assert_int_equal(said.recovered, 1);
	assert_int_equal(said.unseen, 0);
	assert_int_equal(ar.audit.n, 1);
	assert_int_equal(ar.audit.recs[0].verdict, HF_V_MISSING);
	assert_int_equal(hf_auditor_status(&ar, 1, 0), 1);
	hf_auditor_free(&ar);

	/* nothing to audit: the status is the logs' */
	assert_int_equal(hf_auditor_open(&ar, NULL, root, 0, 0, &err), 0);
	assert_int_equal(hf_auditor_run(&ar, NULL, 0), 0);
	assert_int_equal(hf_auditor_status(&ar, 0, 0), 0);
	assert_int_equal(hf_auditor_status(&ar, 0, 1), 1);
	hf_auditor_free(&ar);
	hf_manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unseen_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_audited, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
