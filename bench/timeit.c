/* timeit: run a command several times and print the median, minimum and maximum of its
 * wall time, and its largest peak RSS -- the measuring half of `make bench`.
 *
 * Usage: timeit [-n RUNS] [-s SETUP] [-x STATUS] [-o FILE] -- COMMAND [ARG...]
 *   -n RUNS    timed runs (default 5)
 *   -s SETUP   a shell command run (untimed, with sh -c) before each run: fresh data
 *   -x STATUS  the exit status every run must have (default 0); any other fails timeit
 *   -o FILE    the command's stdout and stderr go here (default /dev/null)
 * Output, one line: MEDIAN MIN MAX MAXRSS_KIB  (seconds, 6 decimals).  The command is
 * executed directly (no shell), so only its own start-up is counted; the wall clock is
 * CLOCK_MONOTONIC from just before fork() to the end of wait4(), and the peak RSS is
 * wait4()'s ru_maxrss of that child. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define RUNS_MAX 1000

static int shell(const char *cmd)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* One timed run; returns the exit status (128+signal), -1 on a fork/wait error. */
static int run(char **argv, const char *out, double *secs, long *rss_kib)
{
	struct rusage ru;
	int st;
	double t0 = bench_now();
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	*secs = bench_now() - t0;
	*rss_kib = ru.ru_maxrss;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int usage(void)
{
	fprintf(stderr, "usage: timeit [-n RUNS] [-s SETUP] [-x STATUS] [-o FILE] -- COMMAND "
			"[ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static double t[RUNS_MAX];
	const char *setup = NULL, *out = "/dev/null";
	long runs = 5, want = 0, maxrss = 0;
	int c;

	while ((c = getopt(argc, argv, "+n:s:x:o:")) != -1) {
		char *end;

		switch (c) {
		case 'n':
			runs = strtol(optarg, &end, 10);
			if (*end || runs < 1 || runs > RUNS_MAX)
				return usage();
			break;
		case 's':
			setup = optarg;
			break;
		case 'x':
			want = strtol(optarg, &end, 10);
			if (*end || want < 0 || want > 255)
				return usage();
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	for (long i = 0; i < runs; i++) {
		long rss;
		int st;

		if (setup && (st = shell(setup)) != 0) {
			fprintf(stderr, "timeit: setup '%s' failed (status %d)\n", setup, st);
			return 1;
		}
		st = run(argv + optind, out, &t[i], &rss);
		if (st != want) {
			fprintf(stderr, "timeit: %s: exit status %d, not %ld (output: %s)\n",
				argv[optind], st, want, out);
			return 1;
		}
		if (rss > maxrss)
			maxrss = rss;
	}
	{
		double med = bench_median(t, (size_t)runs);

		printf("%.6f %.6f %.6f %ld\n", med, t[0], t[runs - 1], maxrss);
	}
	return 0;
}
