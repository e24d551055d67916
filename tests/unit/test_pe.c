/* Unit tests of pe: valid images of every shape, every truncation, and targeted
 * corruptions of each structure the walk reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pe.h"
#include "pegen.h"

static uint8_t img[1 << 16];

static size_t build(const struct pegen_opts *o, struct pegen_layout *l)
{
	size_t n = pegen_build(o, img, sizeof(img), l);

	assert_true(n > 0);
	return n;
}

static int read_mem(size_t n, struct hf_pe_info *pe, struct hf_err *err)
{
	/* a private copy of exactly n bytes, so ASan sees any read past the end */
	uint8_t *copy = malloc(n ? n : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, img, n);
	r = hf_pe_read_mem(copy, n, "t.dll", pe, err);
	free(copy);
	return r;
}

static void expect_version(const struct pegen_opts *o, int pe32plus)
{
	struct hf_pe_info pe;
	struct hf_err err;
	size_t n = build(o, NULL);

	assert_int_equal(read_mem(n, &pe, &err), 0);
	assert_int_equal(pe.pe32plus, pe32plus);
	assert_int_equal(pe.file_version.part[0], o->fv_ms >> 16);
	assert_int_equal(pe.file_version.part[1], o->fv_ms & 0xffff);
	assert_int_equal(pe.file_version.part[2], o->fv_ls >> 16);
	assert_int_equal(pe.file_version.part[3], o->fv_ls & 0xffff);
	assert_int_equal(pe.product_version.part[0], o->pv_ms >> 16);
	assert_int_equal(pe.product_version.part[3], o->pv_ls & 0xffff);
}

static void test_valid_shapes(void **state)
{
	struct pegen_opts o = { .fv_ms = 0x00020032, .fv_ls = 0x109d0c1e, .pv_ms = 0x00010002,
				.pv_ls = 0x00030004 };

	(void)state;
	expect_version(&o, 0);
	o.pe32plus = 1;
	expect_version(&o, 1);
	o.pe32plus = 0;
	o.sections_before = 4;
	expect_version(&o, 0);
	o.extra_types = 4;
	o.named_version = 1;
	o.nlangs = 5; /* later languages carry 9.9.x.y: the first must win */
	expect_version(&o, 0);
	o.vsize_smaller = 1;
	o.rsrc_name_data = 1; /* found through the data directory, not the name */
	o.overlay = 5000;
	expect_version(&o, 0);
}

static void test_every_truncation_fails_cleanly(void **state)
{
	struct pegen_opts o = { .extra_types = 2, .nlangs = 2, .fv_ms = 1, .fv_ls = 2 };
	struct pegen_layout l;
	struct hf_pe_info pe;
	struct hf_err err;
	size_t n = build(&o, &l);

	(void)state;
	/* Every prefix shorter than the end of the version data must fail, never crash. */
	for (size_t len = 0; len < l.vinfo + 92; len++) {
		int r = read_mem(len, &pe, &err);

		assert_true(r == -HF_E_NOTPE || r == -HF_E_MALFORMED || r == -HF_E_NOVERSION);
	}
	assert_int_equal(read_mem(n, &pe, &err), 0);
}

/* Build a default image, apply a corruption, expect an error code and message part. */
static void corrupt(void (*f)(const struct pegen_layout *), int code, const char *msg)
{
	struct pegen_opts o = { .fv_ms = 0x00020032, .fv_ls = 1, .pv_ms = 2, .pv_ls = 3 };
	struct pegen_layout l;
	struct hf_pe_info pe;
	struct hf_err err;
	size_t n = build(&o, &l);

	f(&l);
	print_message("corruption expecting: %s\n", msg);
	assert_int_equal(read_mem(n, &pe, &err), -code);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void no_mz(const struct pegen_layout *l) { (void)l; img[0] = 'X'; }
static void lfanew_huge(const struct pegen_layout *l) { (void)l; pegen_put32(img + 0x3c, 0xfffffff0u); }
static void no_pe_sig(const struct pegen_layout *l) { img[l->lfanew] = 'N'; }
static void bad_magic(const struct pegen_layout *l) { pegen_put16(img + l->opt, 0x999); }
static void nsections_huge(const struct pegen_layout *l) { pegen_put16(img + l->lfanew + 6, 0xffff); }
static void opt_small(const struct pegen_layout *l) { pegen_put16(img + l->lfanew + 20, 64); }
static void ndirs_two(const struct pegen_layout *l) { pegen_put32(img + l->opt + 92, 2); }
static void rsrc_rva_outside(const struct pegen_layout *l) { pegen_put32(img + l->datadir_rsrc, 0x7fff0000u); }
static void rsrc_size_tiny(const struct pegen_layout *l) { pegen_put32(img + l->datadir_rsrc + 4, 8); }
static void raw_ptr_huge(const struct pegen_layout *l) { pegen_put32(img + l->rsrc_hdr + 20, 0xfffff000u); }
static void root_count_huge(const struct pegen_layout *l) { pegen_put16(img + l->root_dir + 14, 0xffff); pegen_put16(img + l->root_dir + 12, 0xffff); }
static void no_version_type(const struct pegen_layout *l) { pegen_put32(img + l->root_dir + 16, 3); }
static void l1_points_out(const struct pegen_layout *l) { pegen_put32(img + l->root_dir + 20, 0x8fff0000u); }
static void l1_loop(const struct pegen_layout *l) { pegen_put32(img + l->l1_dir + 20, 0x80000040u); }
static void l1_is_data(const struct pegen_layout *l) { pegen_put32(img + l->root_dir + 20, 0x40); }
static void l2_empty(const struct pegen_layout *l) { pegen_put16(img + l->l2_dir + 14, 0); }
static void data_rva_outside(const struct pegen_layout *l) { pegen_put32(img + l->data_entry, 0x10); }
static void data_size_huge(const struct pegen_layout *l) { pegen_put32(img + l->data_entry + 4, 0xffffffffu); }
static void data_size_small(const struct pegen_layout *l) { pegen_put32(img + l->data_entry + 4, 40); }
static void bad_key(const struct pegen_layout *l) { img[l->vinfo + 6] = 'W'; }
static void bad_ffi_sig(const struct pegen_layout *l) { pegen_put32(img + l->vinfo + 40, 0x12345678); }
static void wlength_big(const struct pegen_layout *l) { pegen_put16(img + l->vinfo, 5000); }
static void value_len_small(const struct pegen_layout *l) { pegen_put16(img + l->vinfo + 2, 10); }

static void test_corruptions(void **state)
{
	(void)state;
	corrupt(no_mz, HF_E_NOTPE, "no MZ signature");
	corrupt(lfanew_huge, HF_E_NOTPE, "beyond the file");
	corrupt(no_pe_sig, HF_E_NOTPE, "no PE signature");
	corrupt(bad_magic, HF_E_NOTPE, "optional header magic");
	corrupt(nsections_huge, HF_E_MALFORMED, "section table");
	corrupt(opt_small, HF_E_NOVERSION, "no resource data directory");
	corrupt(ndirs_two, HF_E_NOVERSION, "2 data directories");
	corrupt(rsrc_rva_outside, HF_E_MALFORMED, "in no section");
	corrupt(rsrc_size_tiny, HF_E_MALFORMED, "outside the resource directory");
	corrupt(raw_ptr_huge, HF_E_MALFORMED, "beyond the end of the file");
	corrupt(root_count_huge, HF_E_MALFORMED, "more than fit");
	corrupt(no_version_type, HF_E_NOVERSION, "no version resource");
	corrupt(l1_points_out, HF_E_MALFORMED, "outside the resource directory");
	corrupt(l1_loop, HF_E_MALFORMED, "fourth directory level");
	corrupt(l1_is_data, HF_E_MALFORMED, "is data where a directory is required");
	corrupt(l2_empty, HF_E_NOVERSION, "is empty");
	corrupt(data_rva_outside, HF_E_MALFORMED, "in no section");
	corrupt(data_size_huge, HF_E_MALFORMED, "runs past the end of section");
	corrupt(data_size_small, HF_E_NOVERSION, "too small");
	corrupt(bad_key, HF_E_NOVERSION, "VS_VERSION_INFO");
	corrupt(bad_ffi_sig, HF_E_NOVERSION, "signature");
	corrupt(wlength_big, HF_E_MALFORMED, "does not fit");
	corrupt(value_len_small, HF_E_NOVERSION, "no VS_FIXEDFILEINFO");
}

static void test_no_resources(void **state)
{
	struct pegen_opts o = { .no_rsrc = 1 };
	struct hf_pe_info pe;
	struct hf_err err;
	size_t n = build(&o, NULL);

	(void)state;
	assert_int_equal(read_mem(n, &pe, &err), -HF_E_NOVERSION);
	assert_non_null(strstr(err.msg, "no resources"));
}

/* Random byte flips: any result is fine, reading out of bounds is not (ASan run). */
static void test_random_flips(void **state)
{
	struct pegen_opts o = { .extra_types = 3, .nlangs = 2, .sections_before = 2 };
	struct pegen_layout l;
	struct hf_pe_info pe;
	struct hf_err err;
	uint8_t orig[1 << 16];
	size_t n = build(&o, &l);
	unsigned seed = 12345;

	(void)state;
	memcpy(orig, img, n);
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(img, orig, n);
		for (int k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			img[(seed >> 8) % n] = (uint8_t)(seed >> 20);
		}
		(void)read_mem(n, &pe, &err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_shapes),
		cmocka_unit_test(test_every_truncation_fails_cleanly),
		cmocka_unit_test(test_corruptions),
		cmocka_unit_test(test_no_resources),
		cmocka_unit_test(test_random_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
