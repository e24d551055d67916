/* hashspeed: the throughput of hotfix's own SHA-256 pass over a file -- hf_hasher_fd() on a
 * threaded hasher, what staging uses to check a payload's size and SHA-256 before
 * libarchive reads a byte of it -- for `make bench` to set beside `openssl speed -evp
 * sha256`.
 *
 * Usage: hashspeed FILE [RUNS]   (default 5 runs, after one untimed run that warms the
 * page cache).  Output, one line: MEDIAN MIN MAX in bytes per second, then the digest. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hash.h"
#include "hasher.h"
#include "stats.h"

#define RUNS_MAX 100

int main(int argc, char **argv)
{
	double rate[RUNS_MAX];
	uint8_t d[HF_SHA256_LEN];
	char hex[HF_SHA256_HEX];
	struct hf_err err;
	struct hf_hasher *h;
	long runs = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
	int fd;

	if (argc < 2 || argc > 3 || runs < 1 || runs > RUNS_MAX) {
		fprintf(stderr, "usage: hashspeed FILE [RUNS]\n");
		return 2;
	}
	if (hf_hasher_new(&h, 1, &err)) {
		fprintf(stderr, "hashspeed: %s\n", err.msg);
		return 1;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (long i = -1; i < runs; i++) {
		uint64_t size;
		double t0 = bench_now();

		if (lseek(fd, 0, SEEK_SET) != 0 || hf_hasher_fd(h, fd, argv[1], d, &size, &err)) {
			fprintf(stderr, "hashspeed: %s\n", i < 0 ? argv[1] : err.msg);
			return 1;
		}
		if (i >= 0)
			rate[i] = (double)size / (bench_now() - t0);
	}
	close(fd);
	hf_hasher_free(h);
	{
		double med = bench_median(rate, (size_t)runs);

		printf("%.0f %.0f %.0f %s\n", med, rate[0], rate[runs - 1], hf_sha256_hex(d, hex));
	}
	return 0;
}
