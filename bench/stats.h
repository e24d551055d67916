/* stats: the clock and the median, min and max of the bench's own helpers (timeit,
 * hashspeed).  Header-only: each helper is one C file. */
#ifndef HOTFIX_BENCH_STATS_H
#define HOTFIX_BENCH_STATS_H

#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC, in seconds. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort v[0..n) and return its median (n >= 1); v[0] is then the min, v[n-1] the max. */
static inline double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
