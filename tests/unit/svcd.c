/* svcd: a test service that uses DLLs the way a running service does -- keeps each one
 * open and mapped -- for the end-to-end tests of service control and the in-use report.
 *
 *   svcd start RUNDIR FILE...   start the daemon (detached, its own session); it maps
 *                               and opens each FILE, writes RUNDIR/svcd.state ("FILE
 *                               SHA256" of each mapping) and RUNDIR/svcd.pid, and runs
 *                               until SIGTERM.  Returns once the state is written.
 *   svcd stop RUNDIR            SIGTERM the daemon and wait (up to 10 s) for it to go.
 *   svcd status RUNDIR          exit 0 if the daemon runs; print its state.
 *
 * Each start and stop appends a line to RUNDIR/svcd.history. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void history(const char *dir, const char *what)
{
	char p[4096];
	FILE *f;

	path(p, sizeof(p), dir, "svcd.history");
	f = fopen(p, "a");
	if (f) {
		fprintf(f, "%s %ld\n", what, (long)getpid());
		fclose(f);
	}
}

/* Alive and not a zombie (a daemon's zombie waits for whoever reaps orphans). */
static int alive(pid_t pid)
{
	char p[64], buf[512];
	FILE *f;
	char *rp;
	int ok = 0;

	snprintf(p, sizeof(p), "/proc/%ld/stat", (long)pid);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) && rp[1] == ' ')
		ok = rp[2] != 'Z' && rp[2] != 'X';
	fclose(f);
	return ok;
}

static pid_t read_pid(const char *dir)
{
	char p[4096];
	long pid = 0;
	FILE *f;

	path(p, sizeof(p), dir, "svcd.pid");
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 && alive((pid_t)pid) ? (pid_t)pid : 0;
}

static int daemon_main(const char *dir, int n, char **files, int ready)
{
	char p[4096], tmp[4096];
	FILE *st;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	path(tmp, sizeof(tmp), dir, "svcd.state.tmp");
	st = fopen(tmp, "w");
	if (!st)
		return 1;
	for (int i = 0; i < n; i++) {
		struct stat sb;
		unsigned char d[32];
		unsigned len = 0;
		void *map;
		int fd = open(files[i], O_RDONLY);

		if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0) {
			fprintf(stderr, "svcd: %s: %s\n", files[i], strerror(errno));
			return 1;
		}
		map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			return 1;
		EVP_Digest(map, (size_t)sb.st_size, d, &len, EVP_sha256(), NULL);
		fprintf(st, "%s ", files[i]);
		for (unsigned k = 0; k < len; k++)
			fprintf(st, "%02x", d[k]);
		fprintf(st, "\n");
		/* fd stays open, map stays mapped */
	}
	fclose(st);
	path(p, sizeof(p), dir, "svcd.state");
	rename(tmp, p);
	path(p, sizeof(p), dir, "svcd.pid");
	st = fopen(p, "w");
	if (!st)
		return 1;
	fprintf(st, "%ld\n", (long)getpid());
	fclose(st);
	history(dir, "start");
	if (write(ready, "r", 1) != 1)
		return 1;
	close(ready);
	while (!stop)
		pause();
	unlink(p);
	history(dir, "stop");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "start")) {
		int p[2];
		char c;
		pid_t pid;

		if (read_pid(argv[2])) {
			fprintf(stderr, "svcd: already running\n");
			return 0;
		}
		if (pipe(p) != 0)
			return 1;
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			int devnull = open("/dev/null", O_RDWR);

			setsid();
			if (fork() > 0)
				_exit(0);
			close(p[0]);
			dup2(devnull, 0);
			dup2(devnull, 1); /* a daemon lets go of its starter's output */
			dup2(devnull, 2);
			_exit(daemon_main(argv[2], argc - 3, argv + 3, p[1]));
		}
		close(p[1]);
		waitpid(pid, NULL, 0);
		if (read(p[0], &c, 1) != 1) {
			fprintf(stderr, "svcd: the daemon did not start\n");
			return 1;
		}
		printf("svcd started\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "stop")) {
		pid_t pid = read_pid(argv[2]);

		if (!pid) {
			printf("svcd was not running\n");
			return 0;
		}
		kill(pid, SIGTERM);
		for (int i = 0; i < 1000 && alive(pid); i++) {
			struct timespec ts = {0, 10 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
		if (alive(pid)) {
			fprintf(stderr, "svcd: pid %ld did not stop\n", (long)pid);
			return 1;
		}
		printf("svcd stopped\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "status")) {
		char p[4096], line[4096];
		FILE *f;

		if (!read_pid(argv[2])) {
			printf("svcd is not running\n");
			return 3;
		}
		path(p, sizeof(p), argv[2], "svcd.state");
		f = fopen(p, "r");
		while (f && fgets(line, sizeof(line), f))
			fputs(line, stdout);
		if (f)
			fclose(f);
		return 0;
	}
	fprintf(stderr, "usage: svcd start RUNDIR FILE... | stop RUNDIR | status RUNDIR\n");
	return 2;
}
