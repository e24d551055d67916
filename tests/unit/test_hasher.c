/* Unit tests of hasher: the same digests as hash.c, inline and on a thread, whatever the
 * slot sizes; slots stay valid as documented; hf_hasher_fd equals hf_sha256_fd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hash.h"
#include "hasher.h"

#define DATA_LEN (3 * HF_HASHER_SLOT + 12345)

static uint8_t *data(void)
{
	static uint8_t *d;

	if (!d) {
		uint32_t x = 2463534242u;

		d = malloc(DATA_LEN);
		assert_non_null(d);
		for (size_t i = 0; i < DATA_LEN; i++) { /* xorshift: not all one byte */
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			d[i] = (uint8_t)x;
		}
	}
	return d;
}

/* Hash data[0..len) through the slots in pieces of the sizes in steps[] (cycled). */
static void through_slots(struct hf_hasher *h, size_t len, const size_t *steps, size_t nsteps,
			  uint8_t out[HF_SHA256_LEN])
{
	struct hf_err err;
	size_t off = 0;

	assert_int_equal(hf_hasher_begin(h, &err), 0);
	for (size_t k = 0; off < len; k++) {
		size_t n = steps[k % nsteps];
		uint8_t *slot = hf_hasher_slot(h);

		if (n > len - off)
			n = len - off;
		memcpy(slot, data() + off, n);
		assert_int_equal(hf_hasher_submit(h, n, &err), 0);
		off += n;
	}
	assert_int_equal(hf_hasher_final(h, out, &err), 0);
}

static void check_modes(int threaded)
{
	static const size_t a[] = { HF_HASHER_SLOT };
	static const size_t b[] = { 1, 4096, HF_HASHER_SLOT - 1, 0, 77 };
	static const size_t lens[] = { 0, 1, 63, 64, 65, HF_HASHER_SLOT, DATA_LEN };
	struct hf_hasher *h;
	struct hf_err err;

	assert_int_equal(hf_hasher_new(&h, threaded, &err), 0);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t want[HF_SHA256_LEN], got[HF_SHA256_LEN];

		assert_int_equal(hf_sha256_buf(data(), lens[i], want, &err), 0);
		through_slots(h, lens[i], a, 1, got); /* the same hasher, digest after digest */
		assert_memory_equal(got, want, HF_SHA256_LEN);
		through_slots(h, lens[i], b, 5, got);
		assert_memory_equal(got, want, HF_SHA256_LEN);
	}
	hf_hasher_free(h);
}

static void test_inline(void **state)
{
	(void)state;
	check_modes(0);
}

static void test_threaded(void **state)
{
	struct hf_hasher *h;
	struct hf_err err;

	(void)state;
	check_modes(1);
	assert_int_equal(hf_hasher_new(&h, 1, &err), 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		assert_true(hf_hasher_threaded(h));
	hf_hasher_free(h);
}

/* A submitted slot is not handed out again before HF_HASHER_SLOTS - 1 other slots. */
static void test_slot_lifetime(void **state)
{
	for (int threaded = 0; threaded <= 1; threaded++) {
		struct hf_hasher *h;
		struct hf_err err;
		uint8_t *seen[HF_HASHER_SLOTS];

		(void)state;
		assert_int_equal(hf_hasher_new(&h, threaded, &err), 0);
		assert_int_equal(hf_hasher_begin(h, &err), 0);
		for (int k = 0; k < 5 * HF_HASHER_SLOTS; k++) {
			uint8_t *s = hf_hasher_slot(h);

			for (int j = 1; j < HF_HASHER_SLOTS && j <= k; j++)
				assert_ptr_not_equal(s, seen[(k - j) % HF_HASHER_SLOTS]);
			seen[k % HF_HASHER_SLOTS] = s;
			memset(s, k, 100);
			assert_int_equal(hf_hasher_submit(h, 100, &err), 0);
		}
		hf_hasher_free(h); /* freeing with a digest open is fine */
	}
}

static void test_too_long(void **state)
{
	struct hf_hasher *h;
	struct hf_err err;

	(void)state;
	assert_int_equal(hf_hasher_new(&h, 1, &err), 0);
	assert_int_equal(hf_hasher_begin(h, &err), 0);
	(void)hf_hasher_slot(h);
	assert_int_equal(hf_hasher_submit(h, HF_HASHER_SLOT + 1, &err), -HF_E_NOMEM);
	hf_hasher_free(h);
}

static void test_fd(void **state)
{
	char path[] = "/tmp/test_hasher.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data(), DATA_LEN), DATA_LEN);
	for (int threaded = 0; threaded <= 1; threaded++) {
		uint8_t want[HF_SHA256_LEN], got[HF_SHA256_LEN];
		uint64_t n1 = 0, n2 = 0;
		struct hf_hasher *h;
		struct hf_err err;

		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		assert_int_equal(hf_sha256_fd(fd, "t", want, &n1, &err), 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		assert_int_equal(hf_hasher_new(&h, threaded, &err), 0);
		assert_int_equal(hf_hasher_fd(h, fd, "t", got, &n2, &err), 0);
		assert_memory_equal(got, want, HF_SHA256_LEN);
		assert_int_equal(n1, DATA_LEN);
		assert_int_equal(n2, DATA_LEN);
		/* a descriptor that cannot be read: the error, then the hasher still works */
		assert_int_equal(hf_hasher_fd(h, -1, "bad", got, NULL, &err), -HF_E_IO);
		assert_non_null(strstr(err.msg, "bad: read failed"));
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		assert_int_equal(hf_hasher_fd(h, fd, "t", got, NULL, &err), 0);
		assert_memory_equal(got, want, HF_SHA256_LEN);
		hf_hasher_free(h);
	}
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_threaded),
		cmocka_unit_test(test_slot_lifetime),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_fd),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	free(data());
	return r;
}
