/* libFuzzer target: payload extraction.  The input is the archive itself; the harness
 * builds a manifest whose payload size and SHA-256 are the input's (so libarchive parses
 * every input) and which wants two entries, SP3/a.dll and SP3/b.dll (sizes and hashes
 * from the first bytes of the input, so a mutated archive can satisfy them).  Each wanted
 * entry goes to a file of a private staging directory, as in a real apply.
 * Oracle: the canary files beside the staging directory are untouched, nothing but the
 * two staging files ever exists in the sandbox, no link of any kind is created, and an
 * entry reported as done has exactly its expected size. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "manifest.h"
#include "payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char sandbox[64];
static char payload_path[128], staging[128], canary[128];
static const char canary_text[] = "canary: must never change\n";

static void die(const char *what)
{
	perror(what);
	abort();
}

static void write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) != 0)
		die(path);
}

static void cleanup(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/a", staging);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b", staging);
	unlink(path);
	rmdir(staging);
	unlink(payload_path);
	unlink(canary);
	rmdir(sandbox);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strcpy(sandbox, "/tmp/fuzz_payload.XXXXXX");
	if (!mkdtemp(sandbox))
		die("mkdtemp");
	snprintf(payload_path, sizeof(payload_path), "%s/payload", sandbox);
	snprintf(staging, sizeof(staging), "%s/staging", sandbox);
	snprintf(canary, sizeof(canary), "%s/canary", sandbox);
	if (mkdir(staging, 0700) != 0)
		die(staging);
	write_file(canary, canary_text, sizeof(canary_text) - 1);
	atexit(cleanup);
	return 0;
}

/* Everything in the sandbox must be one of the expected names, and of the expected type. */
static void check_sandbox(void)
{
	char buf[sizeof(canary_text)];
	int fd = open(canary, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	const char *dirs[] = { sandbox, staging };

	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(canary_text) - 1 || memcmp(buf, canary_text, (size_t)n) != 0) {
		fprintf(stderr, "fuzz_payload: the canary changed\n");
		abort();
	}
	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		if (!dir)
			die(dirs[d]);
		while ((e = readdir(dir))) {
			struct stat st;
			const char *ok_top[] = { ".", "..", "payload", "staging", "canary" };
			const char *ok_stage[] = { ".", "..", "a", "b" };
			const char **ok = d ? ok_stage : ok_top;
			size_t nok = d ? 4 : 5, i;

			for (i = 0; i < nok && strcmp(ok[i], e->d_name); i++)
				;
			if (i == nok || fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
			    S_ISLNK(st.st_mode) || (S_ISREG(st.st_mode) && st.st_nlink != 1)) {
				fprintf(stderr, "fuzz_payload: %s/%s appeared or is a link\n", dirs[d],
					e->d_name);
				abort();
			}
		}
		closedir(dir);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hf_manifest m = { 0 };
	struct hf_payload_want want[2] = { 0 };
	uint8_t sums[2][HF_SHA256_LEN];
	struct hf_err err;
	char path_a[160], path_b[160];
	int r;

	write_file(payload_path, data, size);
	m.payload_path = payload_path;
	m.payload_size = size;
	if (hf_sha256_buf(data, size, m.payload_sha256, &err) != 0)
		return 0;
	/* the wanted entries' sizes: the input's first two bytes (so a mutation can match
	 * one), their hashes those of the all-zero content of that size */
	for (int i = 0; i < 2; i++) {
		uint8_t *zero;

		want[i].size = size > (size_t)i ? data[i] : 0;
		zero = calloc(1, want[i].size + 1);
		if (!zero || hf_sha256_buf(zero, want[i].size, sums[i], &err) != 0)
			abort();
		free(zero);
		want[i].sha256 = sums[i];
	}
	want[0].source = "SP3/a.dll";
	want[1].source = "SP3/b.dll";
	snprintf(path_a, sizeof(path_a), "%s/a", staging);
	snprintf(path_b, sizeof(path_b), "%s/b", staging);
	want[0].fd = open(path_a, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	want[1].fd = open(path_b, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (want[0].fd < 0 || want[1].fd < 0)
		die("staging file");
	r = hf_payload_extract(&m, want, 2, NULL, &err);
	for (int i = 0; i < 2; i++) {
		struct stat st;

		if (fstat(want[i].fd, &st) != 0)
			die("fstat");
		if (want[i].done && (uint64_t)st.st_size != want[i].size) {
			fprintf(stderr, "fuzz_payload: %s done with %lld bytes, not %llu\n",
				want[i].source, (long long)st.st_size,
				(unsigned long long)want[i].size);
			abort();
		}
		if ((uint64_t)st.st_size > want[i].size) {
			fprintf(stderr, "fuzz_payload: %s got %lld bytes, more than its %llu\n",
				want[i].source, (long long)st.st_size,
				(unsigned long long)want[i].size);
			abort();
		}
		close(want[i].fd);
	}
	(void)r;
	check_sandbox();
	unlink(path_a);
	unlink(path_b);
	return 0;
}
