/* cli/progress: the one line of progress a command draws on stderr while the core verifies
 * or stages a payload ("verifying payload: 12.3 MiB of 160.0 MiB, 45.6 MiB/s, 7%"; B,
 * KiB, MiB or GiB, whichever fits), redrawn
 * in place at most ten times a second and cleared when the pass ends -- only on a
 * terminal, never with --json or -q.  The core only calls back (progress.h). */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "cli.h"

#define REDRAW 0.1 /* seconds between two draws, at least */

static struct {
	int drawn;         /* a line is on the terminal */
	const char *what;  /* the pass being shown */
	double began, last; /* when it began and was last drawn (monotonic seconds) */
} line;

/* "12.3 MiB" (B, KiB, MiB, GiB: one decimal) */
static const char *size_text(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (bytes >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		bytes /= 1024.0;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_clear(void)
{
	if (!line.drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	line.drawn = 0;
}

static void draw(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	double t = now(), took;
	char a[32], b[32], c[32];

	(void)ctx;
	if (done == 0 || what != line.what) { /* a new pass */
		line.what = what;
		line.began = t;
		line.last = -1;
	}
	if (done >= total) { /* complete: nothing of it stays on the terminal */
		cli_progress_clear();
		return;
	}
	if (line.last >= 0 && t - line.last < REDRAW)
		return;
	line.last = t;
	took = t - line.began;
	fprintf(stderr, "\r\033[K%s: %s of %s, %s/s, %u%%", what,
		size_text(a, sizeof(a), (double)done), size_text(b, sizeof(b), (double)total),
		size_text(c, sizeof(c), took > 0.001 ? (double)done / took : 0.0),
		(unsigned)(done * 100 / total));
	fflush(stderr);
	line.drawn = 1;
}

const struct hf_progress *cli_progress(const struct cli_opts *o)
{
	static const struct hf_progress shown = { draw, NULL };

	if (o->json || o->c.quiet || !isatty(STDERR_FILENO))
		return NULL;
	return &shown;
}
