/* Unit tests of registry (and err): registry parsing, loading from the locked state
 * directory, and error records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hash.h"
#include "registry.h"
#include "site.h"
#include "xml.h"

#define H1 "e062296618abf43a2e6c9b5c79ca2a185a8f742e635ed8a9d052d929459093d4"

/* xml with hotfix's checksum line appended, as hotfix writes the registry (free it). */
static char *summed(const char *xml)
{
	size_t n = strlen(xml);
	char *buf = malloc(n + 90);
	uint8_t sum[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX];
	struct hf_err err;

	assert_non_null(buf);
	assert_int_equal(hf_sha256_buf(xml, n, sum, &err), 0);
	snprintf(buf, n + 90, "%s<!-- sha256 %s -->\n", xml, hf_sha256_hex(sum, hex));
	return buf;
}

/* Parse xml with its checksum line appended. */
static int parse_summed(const char *xml, const char *name, struct hf_registry **out,
			struct hf_err *err)
{
	char *buf = summed(xml);
	int r = hf_registry_parse((const uint8_t *)buf, strlen(buf), name, out, err);

	free(buf);
	return r;
}

static void test_parse(void **state)
{
	static const char xml[] =
		"<installed xmlns=\"urn:hotfix:installed:1\">"
		"<hotfix id=\"KB1\" revision=\"2\" manifest-sha256=\"" H1 "\" "
		"time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"bin/a.dll\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" "
		"new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix>"
		"<hotfix id=\"KB2\" revision=\"1\" manifest-sha256=\"" H1 "\" "
		"time=\"2026-11-28T11:00:00Z\">"
		"<file path=\"bin/b.dll\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" "
		"new-version=\"3.0.0.1\" new-sha256=\"" H1 "\"/></hotfix></installed>";
	struct hf_registry *inst = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(parse_summed(xml, "i.xml", &inst, &err),
			 0);
	assert_int_equal(inst->n, 2);
	assert_string_equal(inst->hotfixes[1].id, "KB2");
	assert_int_equal(inst->hotfixes[0].revision, 2);
	assert_int_equal(inst->hotfixes[1].files[0].new_version.part[0], 3);
	assert_int_equal(inst->hotfixes[0].files[0].old_sha256[0], 0xe0);
	hf_registry_free(inst);
}

/* format() writes what parse() reads back; add and remove edit the list. */
static void test_format_roundtrip(void **state)
{
	static const char xml[] =
		"<installed xmlns=\"urn:hotfix:installed:1\">"
		"<hotfix id=\"KB1\" revision=\"2\" manifest-sha256=\"" H1 "\" "
		"time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"bin/a &amp; b.dll\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" "
		"new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix></installed>";
	struct hf_registry *a = NULL, *b = NULL;
	struct hf_registry_entry h;
	struct hf_err err;
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(parse_summed(xml, "a", &a, &err), 0);
	memset(&h, 0, sizeof(h));
	h.id = strdup("KB2");
	h.time = strdup("2026-11-28T12:00:00Z");
	h.revision = 7;
	h.files = calloc(1, sizeof(*h.files));
	h.files[0].path = strdup("bin/c.dll");
	h.files[0].new_version.part[0] = 9;
	h.nfiles = 1;
	assert_int_equal(hf_registry_add(a, &h, &err), 0);
	assert_null(h.id); /* moved */
	assert_int_equal(hf_registry_format(a, &buf, &len, &err), 0);
	assert_int_equal(hf_registry_parse(buf, len, "b", &b, &err), 0);
	assert_int_equal(b->n, 2);
	assert_string_equal(b->hotfixes[0].files[0].path, "bin/a & b.dll");
	assert_string_equal(b->hotfixes[1].id, "KB2");
	assert_int_equal(b->hotfixes[1].revision, 7);
	assert_int_equal(b->hotfixes[1].files[0].new_version.part[0], 9);
	assert_non_null(hf_registry_find(b, "KB1"));
	assert_int_equal(hf_registry_remove(b, "KB1"), 1);
	assert_int_equal(hf_registry_remove(b, "KB1"), 0);
	assert_null(hf_registry_find(b, "KB1"));
	assert_int_equal(b->n, 1);
	assert_string_equal(b->hotfixes[0].id, "KB2");
	free(buf);
	/* an empty registry is still a valid document */
	assert_int_equal(hf_registry_remove(b, "KB2"), 1);
	assert_int_equal(hf_registry_format(b, &buf, &len, &err), 0);
	hf_registry_free(a);
	a = NULL;
	assert_int_equal(hf_registry_parse(buf, len, "c", &a, &err), 0);
	assert_int_equal(a->n, 0);
	free(buf);
	hf_registry_free(a);
	hf_registry_free(b);
}

/* A registry without its checksum line, or with a byte changed, is damaged. */
static void test_checksum(void **state)
{
	static const char xml[] = "<installed xmlns=\"urn:hotfix:installed:1\"/>\n";
	struct hf_registry *inst = NULL;
	struct hf_err err;
	uint8_t *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(parse_summed(xml, "ok.xml", &inst, &err), 0);
	assert_int_equal(hf_registry_format(inst, &buf, &len, &err), 0);
	hf_registry_free(inst);
	inst = NULL;
	assert_int_equal(hf_registry_parse(buf, len, "f.xml", &inst, &err), 0);
	hf_registry_free(inst);
	inst = NULL;
	buf[10] ^= 1; /* one bit of the content */
	assert_int_equal(hf_registry_parse(buf, len, "f.xml", &inst, &err), -HF_E_MALFORMED);
	assert_non_null(strstr(err.msg, "does not match its SHA-256 checksum"));
	buf[10] ^= 1;
	assert_int_equal(hf_registry_parse(buf, len - 1, "f.xml", &inst, &err), -HF_E_MALFORMED);
	assert_non_null(strstr(err.msg, "not hotfix's checksum line"));
	assert_int_equal(hf_registry_parse((const uint8_t *)xml, strlen(xml), "n.xml", &inst, &err),
			 -HF_E_MALFORMED);
	assert_null(inst);
	free(buf);
}

static void test_refused(void **state)
{
	static const char dup[] =
		"<installed xmlns=\"urn:hotfix:installed:1\">"
		"<hotfix id=\"KB1\" revision=\"1\" manifest-sha256=\"" H1 "\" time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"a\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix>"
		"<hotfix id=\"KB1\" revision=\"1\" manifest-sha256=\"" H1 "\" time=\"2026-11-28T10:00:00Z\">"
		"<file path=\"a\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix>"
		"</installed>";
	static const char wrongns[] = "<installed/>";
	struct hf_registry *inst = NULL;
	struct hf_err err;

	(void)state;
	assert_int_equal(parse_summed(dup, "d.xml", &inst, &err),
			 -HF_E_SCHEMA);
	assert_non_null(strstr(err.msg, "one-entry-per-hotfix"));
	assert_int_equal(parse_summed(wrongns, "w.xml",
					    &inst, &err),
			 -HF_E_SCHEMA);
	assert_null(inst);
}

static void test_err_record(void **state)
{
	struct hf_err err;
	char longer[2000];

	(void)state;
	assert_int_equal(hf_err_set(&err, HF_E_HASH, "file %s", "x"), -HF_E_HASH);
	assert_int_equal(hf_err_prefix(&err, "%s: ", "SEC"), -HF_E_HASH);
	assert_string_equal(err.msg, "SEC: file x");
	assert_int_equal(hf_exit_code(HF_E_HASH), 4);
	assert_int_equal(hf_exit_code(HF_E_NOTAPPLICABLE), 3);
	assert_int_equal(hf_exit_code(HF_E_CONFLICT), 1);
	assert_int_equal(hf_exit_code(HF_E_USAGE), 2);
	assert_int_equal(hf_exit_code(HF_E_BUSY), 5);
	assert_int_equal(hf_exit_code(HF_OK), 0);
	assert_string_equal(hf_code_name(HF_E_SIGNATURE), "signature");
	/* prefixing never overflows and keeps the prefix */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	hf_err_set(&err, HF_E_IO, "%s", longer);
	hf_err_prefix(&err, "PRE: ");
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "PRE: aaa", 8);
}

/* Write DIR/installed.xml: one hotfix, id, with its checksum line. */
static void write_summed(const char *dir, const char *id)
{
	char xml[1024], path[512], *text;
	FILE *f;

	snprintf(xml, sizeof(xml),
		 "<installed xmlns=\"urn:hotfix:installed:1\">"
		 "<hotfix id=\"%s\" revision=\"1\" manifest-sha256=\"" H1 "\" "
		 "time=\"2026-11-28T10:00:00Z\">"
		 "<file path=\"bin/a.dll\" old-version=\"1.0.0.0\" old-sha256=\"" H1 "\" "
		 "new-version=\"1.0.0.1\" new-sha256=\"" H1 "\"/></hotfix></installed>",
		 id);
	text = summed(xml);
	snprintf(path, sizeof(path), "%s/installed.xml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(text);
}

/* The registry is read from the state directory the caller opened and locked, never
 * from .hotfix looked up again: a site's owner who renames .hotfix away and puts a
 * forged one in its place is not believed.  No state directory: an empty registry. */
static void test_load_from_locked_dir(void **state)
{
	char root[] = "/tmp/hotfix-registry-XXXXXX", a[128], b[128], cmd[160];
	struct hf_site site;
	struct hf_registry *reg = NULL;
	struct hf_err err;
	int sdir;

	(void)state;
	assert_non_null(mkdtemp(root));
	memset(&site, 0, sizeof(site));
	site.root = root;
	memcpy(site.code, "S01", 4);
	snprintf(a, sizeof(a), "%s/.hotfix", root);
	snprintf(b, sizeof(b), "%s/.hotfix.old", root);
	assert_int_equal(mkdir(a, 0700), 0);
	write_summed(a, "KB1");
	sdir = open(a, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(sdir >= 0);
	assert_int_equal(rename(a, b), 0); /* the owner's swap, after the lock was taken */
	assert_int_equal(mkdir(a, 0700), 0);
	write_summed(a, "FORGED");
	assert_int_equal(hf_registry_load(&site, sdir, &reg, &err), 0);
	assert_true(reg->present);
	assert_int_equal(reg->n, 1);
	assert_string_equal(reg->hotfixes[0].id, "KB1");
	hf_registry_free(reg);
	assert_int_equal(hf_registry_load(&site, -1, &reg, &err), 0);
	assert_false(reg->present);
	assert_int_equal(reg->n, 0);
	hf_registry_free(reg);
	/* a symlink in the locked directory is refused, not followed */
	assert_int_equal(unlinkat(sdir, "installed.xml", 0), 0);
	assert_int_equal(symlinkat(a, sdir, "installed.xml"), 0);
	hf_err_clear(&err);
	assert_int_equal(hf_registry_load(&site, sdir, &reg, &err), -HF_E_IO);
	assert_null(reg);
	assert_non_null(strstr(err.msg, "symbolic link"));
	close(sdir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static int cleanup(void **state)
{
	(void)state;
	hf_xml_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_err_record),
		cmocka_unit_test(test_load_from_locked_dir),
	};

	return cmocka_run_group_tests(tests, NULL, cleanup);
}
