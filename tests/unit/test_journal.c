/* Unit tests of journal: the on-disk form round-trips; any torn, flipped or forged byte
 * is refused; fields are checked even under a valid checksum; write/read/remove. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "journal.h"

static struct hf_jfile files[2] = {
	{ .path = "bin/i386/Basesvr.dll" },
	{ .path = "bin/i386/Distmgr.dll" },
};

static void sample(struct hf_journal *j)
{
	memset(j, 0, sizeof(*j));
	j->op = HF_JOURNAL_APPLY;
	snprintf(j->id, sizeof(j->id), "KB936465");
	j->revision = 3;
	j->has_before = 1;
	memset(j->before, 0xab, sizeof(j->before));
	memset(j->after, 0xcd, sizeof(j->after));
	for (int i = 0; i < 2; i++) {
		files[i].from_version.part[0] = 2;
		files[i].from_version.part[3] = (uint16_t)(3000 + i);
		files[i].to_version.part[3] = (uint16_t)(3102 + i);
		memset(files[i].from, 0x10 + i, HF_SHA256_LEN);
		memset(files[i].to, 0x20 + i, HF_SHA256_LEN);
	}
	j->n = 2;
	j->files = files;
}

static void test_roundtrip(void **state)
{
	struct hf_journal j, *back = NULL;
	struct hf_err err;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	sample(&j);
	assert_int_equal(hf_journal_format(&j, &buf, &len, &err), 0);
	assert_int_equal(hf_journal_parse((uint8_t *)buf, len, "j", &back, &err), 0);
	assert_int_equal(back->op, HF_JOURNAL_APPLY);
	assert_string_equal(back->id, "KB936465");
	assert_int_equal(back->revision, 3);
	assert_int_equal(back->has_before, 1);
	assert_memory_equal(back->before, j.before, HF_SHA256_LEN);
	assert_memory_equal(back->after, j.after, HF_SHA256_LEN);
	assert_int_equal(back->n, 2);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(back->files[i].path, files[i].path);
		assert_memory_equal(back->files[i].from, files[i].from, HF_SHA256_LEN);
		assert_memory_equal(back->files[i].to, files[i].to, HF_SHA256_LEN);
		assert_int_equal(back->files[i].from_version.part[3], 3000 + i);
		assert_int_equal(back->files[i].to_version.part[3], 3102 + i);
	}
	hf_journal_free(back);
	free(buf);
}

/* Every truncation and every single-bit flip of every byte is refused. */
static void test_torn_and_flipped(void **state)
{
	struct hf_journal j, *back = NULL;
	struct hf_err err;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	sample(&j);
	assert_int_equal(hf_journal_format(&j, &buf, &len, &err), 0);
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(hf_journal_parse((uint8_t *)buf, cut, "j", &back, &err),
				 -HF_E_MALFORMED);
		assert_null(back);
	}
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			buf[i] ^= (char)(1 << bit);
			assert_int_equal(hf_journal_parse((uint8_t *)buf, len, "j", &back, &err),
					 -HF_E_MALFORMED);
			buf[i] ^= (char)(1 << bit);
		}
	}
	free(buf);
}

/* A body with a correct checksum, so only the field checks can refuse it. */
static int parse_signed(const char *body)
{
	struct hf_journal *back = NULL;
	struct hf_err err;
	uint8_t sum[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX], text[4096];
	int r;

	assert_int_equal(hf_sha256_buf(body, strlen(body), sum, &err), 0);
	snprintf(text, sizeof(text), "%ssha256 %s\n", body, hf_sha256_hex(sum, hex));
	r = hf_journal_parse((uint8_t *)text, strlen(text), "j", &back, &err);
	hf_journal_free(back);
	return r;
}

#define H "0000000000000000000000000000000000000000000000000000000000000000"
#define HEAD "hotfix-journal 1\nop apply\n"
#define REG "registry-before -\nregistry-after " H "\n"
#define FILE1(path) "files 1\nfile 1.0.0.0 " H " 1.0.0.1 " H " " path "\n"

static void test_fields_checked(void **state)
{
	(void)state;
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG FILE1("bin/a.dll")), 0);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG FILE1("../etc/passwd")),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG FILE1("/etc/passwd")),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id ../x\nrevision 1\n" REG FILE1("a")),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 0\n" REG FILE1("a")),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision -1\n" REG FILE1("a")),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed("hotfix-journal 2\nop apply\nid KB1\nrevision 1\n" REG
				      FILE1("a")),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed("hotfix-journal 1\nop delete\nid KB1\nrevision 1\n" REG
				      FILE1("a")),
			 -HF_E_MALFORMED);
	/* count says 2, one line follows */
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG
				      "files 2\nfile 1.0.0.0 " H " 1.0.0.1 " H " a\n"),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG "files 0\n"),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG "files 99999999\n"),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\n" REG
				      "files 1\nfile 1.0.0.99999 " H " 1.0.0.1 " H " a\n"),
			 -HF_E_MALFORMED);
	assert_int_equal(parse_signed(HEAD "id KB1\nrevision 1\nregistry-before -\n"
				      "registry-after XYZ\n" FILE1("a")),
			 -HF_E_MALFORMED);
}

static void test_write_read_remove(void **state)
{
	char dir[] = "/tmp/hotfix-test-journal-XXXXXX";
	struct hf_journal j, *back = NULL;
	struct hf_err err;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(hf_journal_read(fd, dir, &back, &err), 0);
	assert_null(back); /* none yet */
	sample(&j);
	j.op = HF_JOURNAL_ROLLBACK;
	j.has_before = 0;
	assert_int_equal(hf_journal_write(fd, &j, dir, &err), 0);
	assert_int_equal(faccessat(fd, "journal.tmp", F_OK, 0), -1);
	assert_int_equal(hf_journal_read(fd, dir, &back, &err), 0);
	assert_non_null(back);
	assert_int_equal(back->op, HF_JOURNAL_ROLLBACK);
	assert_int_equal(back->has_before, 0);
	hf_journal_free(back);
	assert_int_equal(hf_journal_remove(fd, 1, dir, &err), 0);
	assert_int_equal(hf_journal_remove(fd, 0, dir, &err), 0); /* idempotent */
	assert_int_equal(hf_journal_read(fd, dir, &back, &err), 0);
	assert_null(back);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_torn_and_flipped),
		cmocka_unit_test(test_fields_checked),
		cmocka_unit_test(test_write_read_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
