/* faultmalloc: allocation failure injection for build/hotfix-fault (tests only).
 *
 * Owns: malloc, calloc and realloc of the fault build, interposed over glibc's (every
 * library's allocations come here too) and forwarded to __libc_malloc & co.
 *   HOTFIX_FAULT=malloc:N      the N-th call fails (NULL, errno ENOMEM), once; the rest
 *                              succeed -- the SQLite method: N = 1, 2, ... until the
 *                              command runs through without meeting its failure
 *   HOTFIX_FAULT=malloc-count  print the number of calls at exit
 * A failure injected is announced on stderr ("hotfix-fault: malloc fails here"), so a
 * test knows when N has passed the last allocation.  Counting starts with the process.
 * In both modes free is interposed too, and the blocks still allocated at exit (after
 * the libraries' own exit handlers ran) are printed: "hotfix-fault: N allocations, L
 * live at exit".  A run whose injected failure leaks ends with more live blocks than a
 * run without any failure -- the leak check, since valgrind and the sanitizers would
 * replace this malloc with their own. */
#include <errno.h>
#include <signal.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);

static long fail_at = -1, calls, live;
static int ready, counting;
static const char *failed_in = "";
static const void *failed_caller;
extern char __executable_start, etext; /* the program's own code, from the linker */

static void report(void)
{
	char line[160];
	int n = snprintf(line, sizeof(line),
			 "hotfix-fault: %ld allocations, %ld live at exit%s (caller %p)\n", calls,
			 live, failed_in, failed_caller);

	if (n > 0 && (size_t)n < sizeof(line) && write(2, line, (size_t)n) < 0)
		return;
}

/* A crash after an injected failure is told apart: in hotfix's code, or in a library's
 * (libxml2 2.9 crashes on some of its own allocation failures). */
static void crashed(int sig)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "hotfix-fault: crashed (signal %d)%s\n", sig,
			 failed_in);

	if (n > 0 && (size_t)n < sizeof(line) && write(2, line, (size_t)n) < 0)
		n = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

/* caller: the return address of malloc & co, to tell hotfix's own calls from libraries'. */
static int fails(const void *caller)
{
	if (!ready) {
		const char *s = getenv("HOTFIX_FAULT"); /* getenv does not allocate */

		ready = 1;
		if (s && !strncmp(s, "malloc:", 7))
			fail_at = strtol(s + 7, NULL, 10);
		counting = s && (!strcmp(s, "malloc-count") || fail_at > 0);
		if (counting) { /* first handler registered: it runs last */
			atexit(report);
			signal(SIGSEGV, crashed);
			signal(SIGBUS, crashed);
			signal(SIGABRT, crashed);
		}
	}
	if (!counting)
		return 0;
	if (++calls == fail_at) {
		static const char msg[] = "hotfix-fault: malloc fails here\n";

		failed_caller = caller;
		failed_in = (const char *)caller >= &__executable_start &&
				    (const char *)caller < &etext
				? ", the failed call in hotfix"
				: ", the failed call in a library";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			return 1;
		return 1;
	}
	return 0;
}

static void *counted(void *p)
{
	if (p)
		live++;
	return p;
}

void *malloc(size_t size)
{
	if (fails(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return counted(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	if (fails(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return counted(__libc_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	void *q;

	if (fails(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	q = __libc_realloc(p, size);
	if (!p && q)
		live++;
	else if (p && !q && size == 0)
		live--; /* glibc frees the block */
	return q;
}

void free(void *p)
{
	if (p)
		live--;
	__libc_free(p);
}

void *memalign(size_t align, size_t size) /* not failed: only counted */
{
	return counted(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
	return counted(__libc_memalign(align, size));
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p = __libc_memalign(align, size);

	if (!p)
		return ENOMEM;
	*out = counted(p);
	return 0;
}
