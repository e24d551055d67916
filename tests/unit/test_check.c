/* Unit tests of check: what `hotfix check` decides for manifests on one site -- conflicts
 * refuse before the payload is read, the payload is verified only when something is to
 * install, the rehearsal runs only past every other refusal, the in-use scan looks only
 * for files to replace, and the exit status of several checks. */
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

#include "check.h"
#include "hash.h"
#include "manifest.h"
#include "pegen.h"
#include "site.h"
#include "xml.h"

static char root[64];

static void put(const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* A DLL with file version 1.0.0.<v>; returns its size, its SHA-256 in sha. */
static size_t dll(const char *rel, uint16_t v, uint8_t sha[HF_SHA256_LEN])
{
	static uint8_t img[1 << 16];
	struct pegen_opts o = { .fv_ms = 0x00010000, .fv_ls = v, .pv_ms = 0x00010000,
				.pv_ls = v };
	size_t n = pegen_build(&o, img, sizeof(img), NULL);

	assert_true(n > 0);
	put(rel, img, n);
	assert_int_equal(hf_sha256_buf(img, n, sha, NULL), 0);
	return n;
}

/* A manifest of one file (bin/a.dll at 1.0.0.<v>, size and sha), and the <file> elements
 * in more (or ""), whose payload is p.cab next to it, written here (a test may overwrite
 * it after). */
static struct hf_manifest *manifest(const char *id, uint16_t v, size_t size,
				    const uint8_t sha[HF_SHA256_LEN], const char *more)
{
	static const char cab[] = "not really a cabinet";
	uint8_t psha[HF_SHA256_LEN];
	char xml[4096], hex[HF_SHA256_HEX], phex[HF_SHA256_HEX], name[128];
	struct hf_manifest *m = NULL;
	struct hf_err err;

	put("p.cab", cab, sizeof(cab) - 1);
	assert_int_equal(hf_sha256_buf(cab, sizeof(cab) - 1, psha, NULL), 0);
	snprintf(xml, sizeof(xml),
		 "<hotfix xmlns=\"urn:hotfix:manifest:1\" id=\"%s\" revision=\"1\">"
		 "<title>t</title><product name=\"SMS\" version=\"2003\"/>"
		 "<restart required=\"false\"/><payload href=\"p.cab\" size=\"%zu\" "
		 "sha256=\"%s\"/><fileset servicepack=\"3\" platform=\"x86\">"
		 "<file path=\"bin/a.dll\" source=\"src/a.dll\" version=\"1.0.0.%u\" "
		 "size=\"%zu\" sha256=\"%s\"/>%s</fileset></hotfix>",
		 id, sizeof(cab) - 1, hf_sha256_hex(psha, phex), (unsigned)v, size,
		 hf_sha256_hex(sha, hex), more);
	snprintf(name, sizeof(name), "%s/%s.xml", root, id);
	assert_int_equal(hf_manifest_parse((const uint8_t *)xml, strlen(xml), name, &m, &err), 0);
	return m;
}

static struct hf_site *site(void)
{
	static const char xml[] = "<site code=\"CEN\" type=\"central\"><product name=\"SMS\" "
				  "version=\"2003\" servicepack=\"3\"/></site>";
	struct hf_site *s = NULL;
	struct hf_err err;

	put("site.xml", xml, sizeof(xml) - 1);
	assert_int_equal(hf_site_open(root, &s, &err), 0);
	return s;
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	strcpy(root, "/tmp/hotfix-check-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/bin", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc", root); /* a /proc with no process */
	assert_int_equal(mkdir(path, 0755), 0);
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

static const char *proc(void)
{
	static char p[96];

	snprintf(p, sizeof(p), "%s/proc", root);
	return p;
}

/* A file in conflict (missing) refuses: no payload read, no rehearsal, no scan. */
static void test_conflict_refuses(void **state)
{
	uint8_t sha[HF_SHA256_LEN];
	size_t n = dll("bin/a.new", 5, sha);
	struct hf_manifest *m = manifest("KB1", 5, n, sha, "");
	struct hf_site *s = site();
	struct hf_checks cs;
	struct hf_err err;

	(void)state;
	assert_int_equal(hf_checks_init(&cs, &m, 1, &err), 0);
	hf_check_site(&cs, s, -1, proc());
	assert_true(cs.site_ok);
	assert_non_null(cs.c[0].plan);
	assert_int_equal(cs.c[0].err.code, HF_E_CONFLICT);
	assert_string_equal(cs.c[0].err.msg,
			    "CEN: 1 file(s) in conflict; KB1 cannot be applied as is");
	assert_false(cs.c[0].payload_checked);
	assert_false(cs.c[0].rehearsed);
	assert_false(cs.c[0].inuse_asked);
	assert_int_equal(hf_checks_status(&cs), 1);
	hf_checks_free(&cs);
	hf_site_free(s);
	hf_manifest_free(m);
}

/* Something to install: the payload is verified, the rollback rehearsed, and the file it
 * replaces is looked for in /proc; a /proc that cannot be read is a warning. */
static void test_install_verifies_and_rehearses(void **state)
{
	uint8_t sha[HF_SHA256_LEN], old[HF_SHA256_LEN], bsha[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX], more[512];
	size_t bn = dll("bin/b.dll", 5, bsha), n = dll("bin/a.new", 5, sha);
	struct hf_manifest *m;
	struct hf_site *s = site();
	struct hf_checks cs;
	struct hf_err err;
	struct hf_inuse_target t[2];
	struct stat st;
	char path[128];

	(void)state;
	/* b.dll is current: present, but not a file to replace */
	snprintf(more, sizeof(more),
		 "<file path=\"bin/b.dll\" source=\"src/b.dll\" version=\"1.0.0.5\" "
		 "size=\"%zu\" sha256=\"%s\"/>",
		 bn, hf_sha256_hex(bsha, hex));
	m = manifest("KB1", 5, n, sha, more);
	dll("bin/a.dll", 1, old);
	snprintf(path, sizeof(path), "%s/bin/a.dll", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(hf_checks_init(&cs, &m, 1, &err), 0);
	hf_check_site(&cs, s, -1, proc());
	assert_int_equal(cs.c[0].err.code, HF_OK);
	assert_int_equal(cs.c[0].plan->count[HF_ACT_INSTALL], 1);
	assert_int_equal(cs.c[0].plan->count[HF_ACT_CURRENT], 1);
	assert_true(cs.c[0].payload_checked);
	assert_true(cs.c[0].rehearsed);
	assert_true(cs.c[0].rehearsal.ok);
	assert_true(cs.c[0].inuse_asked);
	assert_true(cs.c[0].inuse.scanned);
	assert_string_equal(cs.c[0].inuse_warning, "");
	/* only a.dll is looked for: b.dll is present but current */
	memset(t, 0, sizeof(t));
	assert_int_equal(hf_check_targets(cs.c[0].plan, t), 1);
	assert_int_equal(t[0].ino, st.st_ino);
	assert_int_equal(t[0].dev, st.st_dev);
	assert_string_equal(t[0].path, "bin/a.dll");
	assert_true(cs.has_matrix);
	assert_int_equal(hf_checks_status(&cs), 0);
	hf_checks_free(&cs);

	assert_int_equal(hf_checks_init(&cs, &m, 1, &err), 0);
	hf_check_site(&cs, s, -1, "/nonexistent-proc");
	assert_int_equal(cs.c[0].err.code, HF_OK);
	assert_true(cs.c[0].inuse_asked);
	assert_non_null(strstr(cs.c[0].inuse_warning, "/nonexistent-proc"));
	hf_checks_free(&cs);
	hf_site_free(s);
	hf_manifest_free(m);
}

/* A payload that fails verification refuses before the rehearsal; the scan still says
 * who uses the file. */
static void test_bad_payload(void **state)
{
	uint8_t sha[HF_SHA256_LEN], old[HF_SHA256_LEN];
	size_t n = dll("bin/a.new", 5, sha);
	struct hf_manifest *m = manifest("KB1", 5, n, sha, "");
	struct hf_site *s = site();
	struct hf_checks cs;
	struct hf_err err;

	(void)state;
	dll("bin/a.dll", 1, old);
	put("p.cab", "other bytes, same len", 20); /* shorter: size mismatch */
	assert_int_equal(hf_checks_init(&cs, &m, 1, &err), 0);
	hf_check_site(&cs, s, -1, proc());
	assert_int_not_equal(cs.c[0].err.code, HF_OK);
	assert_false(cs.c[0].payload_checked);
	assert_false(cs.c[0].rehearsed);
	assert_true(cs.c[0].inuse_asked);
	assert_int_equal(hf_checks_status(&cs), 4);
	hf_checks_free(&cs);
	hf_site_free(s);
	hf_manifest_free(m);
}

/* Nothing to install (current): the payload is not read, the rehearsal still runs, no
 * scan. */
static void test_current(void **state)
{
	uint8_t sha[HF_SHA256_LEN];
	size_t n = dll("bin/a.dll", 5, sha);
	struct hf_manifest *m = manifest("KB1", 5, n, sha, "");
	struct hf_site *s = site();
	struct hf_checks cs;
	struct hf_err err;

	(void)state;
	put("p.cab", "x", 1); /* would fail, were it read */
	assert_int_equal(hf_checks_init(&cs, &m, 1, &err), 0);
	hf_check_site(&cs, s, -1, proc());
	assert_int_equal(cs.c[0].err.code, HF_OK);
	assert_int_equal(cs.c[0].plan->count[HF_ACT_CURRENT], 1);
	assert_false(cs.c[0].payload_checked);
	assert_true(cs.c[0].rehearsed);
	assert_false(cs.c[0].inuse_asked);
	hf_checks_free(&cs);
	hf_site_free(s);
	hf_manifest_free(m);
}

/* A site that could not be opened is every manifest's error. */
static void test_refuse(void **state)
{
	uint8_t sha[HF_SHA256_LEN] = { 0 };
	struct hf_manifest *ms[2];
	struct hf_checks cs;
	struct hf_err err, why;

	(void)state;
	ms[0] = manifest("KB1", 5, 10, sha, "");
	ms[1] = manifest("KB2", 5, 10, sha, "");
	hf_err_clear(&why);
	hf_err_set(&why, HF_E_BUSY, "CEN: busy");
	assert_int_equal(hf_checks_init(&cs, ms, 2, &err), 0);
	hf_checks_refuse(&cs, &why);
	assert_false(cs.site_ok);
	assert_false(cs.has_matrix);
	for (size_t i = 0; i < 2; i++) {
		assert_ptr_equal(cs.c[i].manifest, ms[i]);
		assert_int_equal(cs.c[i].err.code, HF_E_BUSY);
		assert_string_equal(cs.c[i].err.msg, "CEN: busy");
		assert_null(cs.c[i].plan);
	}
	assert_int_equal(hf_checks_status(&cs), 5);
	hf_checks_free(&cs);
	hf_manifest_free(ms[0]);
	hf_manifest_free(ms[1]);
}

/* The exit status of several checks: the worst; not applicable only when all are. */
static void test_status(void **state)
{
	static const struct {
		enum hf_code codes[3];
		size_t n;
		int status;
	} cases[] = {
		{ { HF_OK }, 1, 0 },
		{ { HF_E_NOTAPPLICABLE }, 1, 3 },
		{ { HF_E_NOTAPPLICABLE, HF_E_NOTAPPLICABLE }, 2, 3 },
		{ { HF_E_NOTAPPLICABLE, HF_OK }, 2, 0 },
		{ { HF_E_NOTAPPLICABLE, HF_E_CONFLICT }, 2, 1 },
		{ { HF_E_CONFLICT, HF_E_BUSY, HF_OK }, 3, 5 },
		{ { HF_E_SIGNATURE, HF_E_CONFLICT, HF_E_NOTAPPLICABLE }, 3, 4 },
	};
	struct hf_check c[3];
	struct hf_checks cs;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		memset(&cs, 0, sizeof(cs));
		memset(c, 0, sizeof(c));
		cs.c = c;
		cs.n = cases[k].n;
		for (size_t i = 0; i < cs.n; i++) {
			hf_err_clear(&c[i].err);
			if (cases[k].codes[i] != HF_OK)
				hf_err_set(&c[i].err, cases[k].codes[i], "x");
		}
		assert_int_equal(hf_checks_status(&cs), cases[k].status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conflict_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_verifies_and_rehearses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse, setup, teardown),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
