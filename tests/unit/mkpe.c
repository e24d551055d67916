/* mkpe: write the odd-shaped PE images of the test suite to a directory, with the
 * versions they carry, so a shell test can compare `hotfix version` and exiftool.
 * Usage: mkpe DIR   -> DIR/<name>.dll files and DIR/expected.tsv (NAME FV PV). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pegen.h"

struct variant {
	const char *name;
	struct pegen_opts o;
};

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	static const struct variant vs[] = {
		{ "plain32", { .fv_ms = 0x00020032, .fv_ls = 0x109d0c1e,
			       .pv_ms = 0x00020032, .pv_ls = 0x109d0c1e } },
		{ "plus64", { .pe32plus = 1, .fv_ms = 0x00060001, .fv_ls = 0x1db10001,
			      .pv_ms = 0x00060001, .pv_ls = 0x1db10000 } },
		{ "sections", { .sections_before = 3, .fv_ms = 0x00010002, .fv_ls = 0x00030004,
				.pv_ms = 0x00050006, .pv_ls = 0x00070008 } },
		{ "types", { .extra_types = 4, .fv_ms = 0x00020032, .fv_ls = 0x10a00879,
			     .pv_ms = 0x00020032, .pv_ls = 0x10a00000 } },
		{ "named", { .named_version = 1, .fv_ms = 0x0000ffff, .fv_ls = 0xffff0000,
			     .pv_ms = 0xffffffff, .pv_ls = 0xffffffff } },
		{ "langs", { .nlangs = 3, .fv_ms = 0x00020032, .fv_ls = 0x109d0859,
			     .pv_ms = 0x00020032, .pv_ls = 0x109d0859 } },
		{ "vsize", { .vsize_smaller = 1, .fv_ms = 0x00010000, .fv_ls = 0x00000001,
			     .pv_ms = 0x00010000, .pv_ls = 0x00000002 } },
		{ "overlay", { .overlay = 300000, .fv_ms = 0x00020032, .fv_ls = 0x109d0c1e,
			       .pv_ms = 0x00020032, .pv_ls = 0x109d0c1e } },
		{ "zero", { .fv_ms = 0, .fv_ls = 0, .pv_ms = 0, .pv_ls = 0 } },
	};
	char path[4096];
	FILE *tsv;

	if (argc != 2) {
		fprintf(stderr, "usage: mkpe DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/expected.tsv", argv[1]);
	tsv = fopen(path, "w");
	if (!tsv) {
		perror(path);
		return 1;
	}
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		const struct pegen_opts *o = &vs[i].o;
		size_t n = pegen_build(o, buf, sizeof(buf), NULL);
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.dll", argv[1], vs[i].name);
		f = fopen(path, "wb");
		if (!n || !f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		fprintf(tsv, "%s.dll\t%u.%u.%u.%u\t%u.%u.%u.%u\n", vs[i].name, o->fv_ms >> 16,
			o->fv_ms & 0xffff, o->fv_ls >> 16, o->fv_ls & 0xffff, o->pv_ms >> 16,
			o->pv_ms & 0xffff, o->pv_ls >> 16, o->pv_ls & 0xffff);
	}
	return fclose(tsv) == 0 ? 0 : 1;
}
