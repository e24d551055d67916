/* Unit tests of txlog: the chain of records, what verification detects (an edited,
 * removed, reordered or cut record), a crash mid-append, and signed receipts.  Run from
 * the top of the tree (the demo PKI signs the receipts). */
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

#include "txlog.h"

#define CA "manifests/demo-pki/demo-ca.pem"
#define KEY "manifests/demo-pki/demo-signer.key"
#define CERT "manifests/demo-pki/demo-signer.pem"

struct fixture {
	char dir[64];
	int fd;
	uint8_t reg[HF_SHA256_LEN]; /* the registry hash of the last record */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/hotfix-test-txlog-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	*state = f;
	return f->fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	close(f->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Append record number i (its registry hash: i in every byte). */
static void append(struct fixture *f, int i, const struct hf_receipt_key *key, char *receipt)
{
	struct hf_jfile file = {.path = "bin/i386/Basesvr.dll"};
	struct hf_txrec rec = {.site = "CEN", .op = "apply", .id = "KB936465", .revision = 1,
			       .result = "committed", .by = "command", .has_registry = 1,
			       .files = &file, .nfiles = 1};
	struct hf_err err;

	memset(rec.registry, i, HF_SHA256_LEN);
	rec.has_before = i > 1; /* where record i - 1 left it */
	memset(rec.before, i - 1, HF_SHA256_LEN);
	memset(f->reg, i, HF_SHA256_LEN);
	hf_err_clear(&err);
	if (hf_txlog_append(f->fd, f->dir, &rec, key, receipt, receipt ? 64 : 0, &err) != 0)
		fail_msg("append: %s", err.msg);
}

static struct hf_txlog_check verify(struct fixture *f, const char *trust)
{
	struct hf_txlog_check c;
	struct hf_err err;

	hf_err_clear(&err);
	if (hf_txlog_verify(f->fd, f->dir, 1, f->reg, trust, &c, &err) != 0)
		fail_msg("verify: %s", err.msg);
	return c;
}

/* The log's lines, rewritten by a shell command (sed, awk) on the file. */
static void edit(struct fixture *f, const char *cmd)
{
	char line[512];

	snprintf(line, sizeof(line), "cd '%s' && %s", f->dir, cmd);
	assert_int_equal(system(line), 0);
}

static void test_chain_intact(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;
	int found, same;
	struct hf_err err;

	c = verify(f, NULL); /* no log, no registry claim: nothing wrong */
	for (int i = 1; i <= 4; i++)
		append(f, i, NULL, NULL);
	c = verify(f, NULL);
	assert_int_equal(c.records, 4);
	assert_int_equal(c.problems, 0);
	assert_true(c.registry_checked);
	assert_int_equal(strlen(c.head), 64);
	assert_int_equal(hf_txlog_last_registry(f->fd, f->dir, 1, f->reg, &found, &same, &err), 0);
	assert_true(found && same);
	f->reg[0] ^= 1;
	assert_int_equal(hf_txlog_last_registry(f->fd, f->dir, 1, f->reg, &found, &same, &err), 0);
	assert_true(found && !same);
	/* installed.xml changed behind the log's back */
	c = verify(f, NULL);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "does not leave installed.xml as it is"));
}

static void test_edited(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	for (int i = 1; i <= 3; i++)
		append(f, i, NULL, NULL);
	edit(f, "sed -i '2s/result=committed/result=undone/' txlog");
	c = verify(f, NULL);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "record 2: its hash does not match its content"));
}

static void test_removed(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	for (int i = 1; i <= 3; i++)
		append(f, i, NULL, NULL);
	edit(f, "sed -i 2d txlog");
	c = verify(f, NULL);
	assert_true(c.problems >= 1);
	assert_non_null(strstr(c.problem, "record 2: says it is record 3"));
	assert_non_null(strstr(c.problem, "does not follow record 1"));
}

static void test_reordered(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	for (int i = 1; i <= 3; i++)
		append(f, i, NULL, NULL);
	edit(f, "awk 'NR==2{l=$0; next} {print} NR==3{print l}' txlog > t && mv t txlog");
	memset(f->reg, 2, HF_SHA256_LEN); /* the registry as the moved record says */
	c = verify(f, NULL);
	assert_true(c.problems >= 2);
	assert_non_null(strstr(c.problem, "record 2: says it is record 3"));
}

static void test_cut_from_end(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	for (int i = 1; i <= 3; i++)
		append(f, i, NULL, NULL);
	edit(f, "sed -i '$d' txlog"); /* installed.xml is still as record 3 left it */
	c = verify(f, NULL);
	assert_int_equal(c.records, 2);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "the last record (2) does not leave installed.xml"));
}

static void test_crash_mid_append(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	append(f, 1, NULL, NULL);
	append(f, 2, NULL, NULL);
	edit(f, "head -c 100 txlog | tail -c 40 | tr -d '\\n' >> txlog"); /* half a record */
	c = verify(f, NULL);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "record 3 is incomplete"));
	/* the next append drops it and goes on from record 2 */
	append(f, 3, NULL, NULL);
	c = verify(f, NULL);
	assert_int_equal(c.records, 3);
	assert_int_equal(c.problems, 0);
}

static void test_damaged_last_refused(void **state)
{
	struct fixture *f = *state;
	struct hf_jfile file = {.path = "x"};
	struct hf_txrec rec = {.site = "CEN", .op = "apply", .id = "K", .result = "committed",
			       .by = "command", .files = &file, .nfiles = 1};
	struct hf_err err;

	edit(f, "printf 'not a record\\n' > txlog");
	hf_err_clear(&err);
	assert_int_equal(hf_txlog_append(f->fd, f->dir, &rec, NULL, NULL, 0, &err),
			 -HF_E_MALFORMED);
	assert_non_null(strstr(err.msg, "the last record is damaged"));
}

static void test_no_registry(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	/* a record whose hash holds but that names no registry: not a record hotfix writes */
	edit(f, "b='v1 seq=1 prev=0000000000000000000000000000000000000000000000000000000000000000 "
		"op=apply by=command before=-'; printf '%s %s\\n' \"$(printf '%s' \"$b\" | sha256sum | cut -c1-64)\" "
		"\"$b\" > txlog");
	c = verify(f, NULL);
	assert_int_equal(c.records, 1);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "the last record (1) names no registry"));
}

/* installed.xml changed and no record says so (edited by hand, restored from a copy): a
 * problem, named, whatever comes after -- nothing records it after the fact. */
static void test_unrecorded_change(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	append(f, 1, NULL, NULL);
	append(f, 2, NULL, NULL);
	memset(f->reg, 7, HF_SHA256_LEN);
	c = verify(f, NULL);
	assert_int_equal(c.records, 2);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "the last record (2) does not leave installed.xml as it "
					  "is: installed.xml changed without a record (edited by "
					  "hand, or restored from a copy)"));
	assert_non_null(strstr(c.problem, "registry=0202020202"));
	/* a transaction after the change (it started from 7): still shown, at its record,
	 * and after any number of others */
	append(f, 8, NULL, NULL);
	append(f, 9, NULL, NULL);
	c = verify(f, NULL);
	assert_int_equal(c.records, 4);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "record 3: starts from installed.xml 0707070707070707..., "
					  "but record 2 left it 0202020202020202...: installed.xml "
					  "changed without a record in between (edited by hand, or "
					  "restored from a copy)"));
}

/* A record hotfix does not write -- the gap record (by=heal) of an unreleased build,
 * well formed and chained -- is a problem, not an excuse. */
static void test_foreign_record(void **state)
{
	struct fixture *f = *state;
	struct hf_txlog_check c;

	append(f, 1, NULL, NULL);
	append(f, 2, NULL, NULL);
	edit(f, "h=$(sed -n 2p txlog | cut -c1-64); r=$(sed -n 2p txlog | tr ' ' '\\n' | "
		"sed -n 's/^registry=//p'); b=$(sed -n 2p txlog | cut -c66- | sed \"s/seq=2 "
		"/seq=3 /; s/prev=[0-9a-f]* /prev=$h /; s/by=command/by=heal/; "
		"s/before=[0-9a-f]* /before=$r /\"); "
		"printf '%s %s\\n' \"$(printf '%s' \"$b\" | sha256sum | cut -c1-64)\" \"$b\" >> txlog");
	c = verify(f, NULL);
	assert_int_equal(c.records, 3);
	assert_int_equal(c.problems, 1);
	assert_non_null(strstr(c.problem, "record 3: not a record hotfix writes (by=heal)"));
}

/* The reservation: room past the end of the log, its size unchanged. */
static void test_reserve(void **state)
{
	struct fixture *f = *state;
	struct hf_jfile files[64];
	struct hf_txrec rec = {.site = "CEN", .op = "apply", .id = "KB936465", .revision = 1,
			       .result = "committed", .by = "command", .has_registry = 1,
			       .files = files, .nfiles = 64};
	struct hf_err err;
	struct stat sb;
	int reserved = 0;

	memset(files, 0, sizeof(files)); /* 64 x some 200 bytes: a record of 12 KiB or more */
	for (int i = 0; i < 64; i++)
		files[i].path = "bin/i386/a-rather-long-directory-name/Basesvr.dll";
	append(f, 1, NULL, NULL);
	assert_int_equal(fstatat(f->fd, "txlog", &sb, 0), 0);
	off_t size = sb.st_size;
	hf_err_clear(&err);
	assert_int_equal(hf_txlog_reserve(f->fd, f->dir, &rec, &reserved, &err), 0);
	assert_int_equal(fstatat(f->fd, "txlog", &sb, 0), 0);
	assert_int_equal(sb.st_size, size); /* the log itself is unchanged */
	if (reserved) /* /tmp can allocate: blocks past the end for the whole record */
		assert_true((off_t)sb.st_blocks * 512 >= size + 64 * 200);
	else
		print_message("this file system cannot reserve (fallocate): not checked\n");
	append(f, 2, NULL, NULL);
	assert_int_equal(verify(f, NULL).problems, 0);
}

static void test_receipts(void **state)
{
	struct fixture *f = *state;
	struct hf_receipt_key key = {KEY, CERT};
	struct hf_txlog_check c;
	char receipt[64];

	append(f, 1, &key, receipt);
	assert_string_equal(receipt, "receipts/00000001.p7s");
	append(f, 2, NULL, NULL);
	append(f, 3, &key, receipt);
	assert_string_equal(receipt, "receipts/00000003.p7s");
	c = verify(f, CA);
	assert_int_equal(c.problems, 0);
	assert_int_equal(c.receipts, 2);
	assert_int_equal(c.receipts_ok, 2);
	/* a CA that did not issue the key */
	c = verify(f, "/etc/ssl/certs/ca-certificates.crt");
	assert_int_equal(c.receipts_ok, 0);
	assert_int_equal(c.problems, 2);
	/* the log edited, and re-chained so that the chain itself holds: only the receipt
	 * proves it -- here the whole log is replaced by a forged one */
	edit(f, "mv txlog real && sed 's/KB936465/KB999999/' real > txlog");
	c = verify(f, CA);
	assert_int_equal(c.receipts_ok, 0);
	assert_non_null(strstr(c.problem, "is not what was signed"));
	/* the receipt's own text edited: its signature fails */
	edit(f, "mv real txlog && sed -i 's/KB936465/KB999999/' receipts/00000001.txt && "
		"sed -i 's/KB936465/KB999999/' txlog");
	c = verify(f, CA);
	assert_true(c.problems >= 1);
	/* a receipt whose record was removed from the log */
	edit(f, "rm receipts/00000001.txt && cp receipts/00000003.txt receipts/00000009.txt && "
		"cp receipts/00000003.p7s receipts/00000009.p7s");
	c = verify(f, CA);
	assert_non_null(strstr(c.problem, "receipt 1: 00000001.txt is missing"));
	assert_non_null(strstr(c.problem, "receipt 9: the log has no record 9"));
}

static void test_bad_key(void **state)
{
	struct fixture *f = *state;
	struct hf_receipt_key key = {CERT, NULL}; /* a certificate is not a key */
	struct hf_jfile file = {.path = "x"};
	struct hf_txrec rec = {.site = "CEN", .op = "apply", .id = "K", .result = "committed",
			       .by = "command", .files = &file, .nfiles = 1};
	struct hf_err err;
	char receipt[64];

	hf_err_clear(&err);
	assert_int_equal(hf_txlog_append(f->fd, f->dir, &rec, &key, receipt, sizeof(receipt),
					 &err),
			 -HF_E_SIGNATURE);
	assert_non_null(strstr(err.msg, "no private key"));
	key.key = "/nonexistent.pem";
	assert_int_equal(hf_txlog_append(f->fd, f->dir, &rec, &key, receipt, sizeof(receipt),
					 &err),
			 -HF_E_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_from_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_mid_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_last_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrecorded_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_key, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
