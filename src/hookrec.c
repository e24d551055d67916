/* hookrec: the record of a running site command, and ending one a dead run left (see
 * hookrec.h). */
#include "hookrec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "fsop.h"
#include "name.h"

#define STEP(...)    (&(const struct hf_history_step){__VA_ARGS__})
#define TERM_WAIT_MS 2000
#define KILL_WAIT_MS 5000
#define POLL_MS 20
#define GROUP_MAX 100000 /* processes of one group hotfix will look at */

static const char *const keys[] = { "boot", "pgid", "start", "sid", "by",
				    "op",   "id",   "phase", "cmd" };
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

int hf_hookrec_format(const struct hf_hookrec *r, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "hotfix-hook 1\nboot %s\npgid %ld\nstart %llu\nsid %ld\nby %ld\nop %s\n"
			 "id %s\nphase %s\ncmd %s\n",
			 r->boot, r->pgid, r->start, r->sid, r->by, r->op, r->id[0] ? r->id : "-",
			 r->phase, r->cmd);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* A decimal number of 1..20 digits, no sign, no leading zero, min..max. */
static int number(const char *s, size_t n, unsigned long long min, unsigned long long max,
		  unsigned long long *out)
{
	unsigned long long v = 0;

	if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (~0ULL - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int is_boot_id(const char *s, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static int one_of(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && !memcmp(*words, s, n))
			return 1;
	return 0;
}

/* Check and store the value of key k. */
static int field(struct hf_hookrec *r, size_t k, const char *v, size_t n)
{
	static const char *const ops[] = { "apply", "rollback", "recover", NULL };
	static const char *const phases[] = { "stop", "start", "health", NULL };
	unsigned long long x;

	switch (k) {
	case 0:
		if (!is_boot_id(v, n))
			return -1;
		memcpy(r->boot, v, n);
		r->boot[n] = '\0';
		return 0;
	case 1:
	case 3:
	case 4:
		/* sid 0: the session's leader is outside this pid namespace (a container) */
		if (number(v, n, k == 1 ? 2 : k == 3 ? 0 : 1, HF_HOOKREC_PID_MAX, &x))
			return -1;
		*(k == 1 ? &r->pgid : k == 3 ? &r->sid : &r->by) = (long)x;
		return 0;
	case 2:
		if (number(v, n, 1, (~0ULL) >> 1, &x))
			return -1;
		r->start = x;
		return 0;
	case 5:
	case 7:
		if (!one_of(v, n, k == 5 ? ops : phases))
			return -1;
		memcpy(k == 5 ? r->op : r->phase, v, n);
		(k == 5 ? r->op : r->phase)[n] = '\0';
		return 0;
	case 6:
		if (n >= sizeof(r->id))
			return -1;
		memcpy(r->id, v, n);
		r->id[n] = '\0';
		if (!strcmp(r->id, "-")) {
			r->id[0] = '\0';
			return 0;
		}
		return hf_name_safe_id(r->id) ? 0 : -1;
	default:
		if (n > HF_HOOKREC_CMD_MAX)
			return -1;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
				return -1;
		memcpy(r->cmd, v, n);
		r->cmd[n] = '\0';
		return 0;
	}
}

int hf_hookrec_parse(const char *buf, size_t len, const char *display, struct hf_hookrec *r,
		     struct hf_err *err)
{
	static const char magic[] = "hotfix-hook 1\n";
	size_t pos = sizeof(magic) - 1;

	memset(r, 0, sizeof(*r));
	if (len > HF_HOOKREC_MAX)
		return hf_err_set(err, HF_E_MALFORMED, "%s: larger than %d bytes", display,
				  HF_HOOKREC_MAX);
	if (len < pos || memcmp(buf, magic, pos) != 0)
		return hf_err_set(err, HF_E_MALFORMED, "%s: not a hotfix hook record (version 1)",
				  display);
	for (size_t k = 0; k < NKEYS; k++) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t klen = strlen(keys[k]);

		if (!nl)
			return hf_err_set(err, HF_E_MALFORMED, "%s: line %zu ('%s'): missing or unterminated",
					  display, k + 2, keys[k]);
		if ((size_t)(nl - line) < klen + 1 || memcmp(line, keys[k], klen) != 0 ||
		    line[klen] != ' ' || memchr(line, '\0', (size_t)(nl - line)))
			return hf_err_set(err, HF_E_MALFORMED, "%s: line %zu: '%s VALUE' expected",
					  display, k + 2, keys[k]);
		if (field(r, k, line + klen + 1, (size_t)(nl - line) - klen - 1) != 0)
			return hf_err_set(err, HF_E_MALFORMED, "%s: line %zu: bad %s value", display,
					  k + 2, keys[k]);
		pos = (size_t)(nl - buf) + 1;
	}
	if (pos != len)
		return hf_err_set(err, HF_E_MALFORMED, "%s: unexpected data after line %zu", display,
				  NKEYS + 1);
	return 0;
}

int hf_proc_parse_stat(const char *buf, size_t len, struct hf_proc *p)
{
	char text[1024], *close, *tok, *save = NULL, *end;
	long v[20];
	unsigned long long start;
	int n = 0;

	if (len == 0 || len >= sizeof(text) || memchr(buf, '\0', len))
		return -1;
	memcpy(text, buf, len);
	text[len] = '\0';
	close = strrchr(text, ')'); /* the name may hold ')' and spaces: the last one ends it */
	if (!close || !strchr(text, '(') || close[1] != ' ')
		return -1;
	errno = 0;
	p->pid = strtol(text, &end, 10);
	if (errno || end == text || *end != ' ' || p->pid <= 0)
		return -1;
	tok = strtok_r(close + 2, " \n", &save);
	if (!tok || strlen(tok) != 1)
		return -1;
	p->state = tok[0];
	/* fields 4 (ppid) .. 21; field 22 is the start time */
	while (n < 18 && (tok = strtok_r(NULL, " \n", &save))) {
		errno = 0;
		v[n++] = strtol(tok, &end, 10);
		if (errno || *end)
			return -1;
	}
	tok = strtok_r(NULL, " \n", &save);
	if (n < 18 || !tok)
		return -1;
	errno = 0;
	start = strtoull(tok, &end, 10);
	if (errno || *end || tok[0] == '-')
		return -1;
	p->pgrp = v[1];
	p->sid = v[2];
	p->start = start;
	return 0;
}

static int live(const struct hf_proc *p)
{
	return p->state != 'Z' && p->state != 'X' && p->state != 'x';
}

enum hf_hook_verdict hf_hookrec_judge(const struct hf_hookrec *r, const char *boot,
				      long self_pid, long self_pgid, const struct hf_proc *procs,
				      size_t n)
{
	const struct hf_proc *leader = NULL;
	size_t members = 0;

	if (r->pgid <= 1 || r->pgid == self_pid || r->pgid == self_pgid)
		return HF_HOOK_UNSAFE;
	if (strcmp(r->boot, boot) != 0)
		return HF_HOOK_REBOOTED;
	for (size_t i = 0; i < n; i++) {
		if (procs[i].pid == r->pgid)
			leader = &procs[i];
		if (procs[i].pgrp == r->pgid && live(&procs[i]))
			members++;
	}
	if (leader && leader->start != r->start) /* its pid was reused: the group is gone */
		return members ? HF_HOOK_FOREIGN : HF_HOOK_GONE;
	if (!members)
		return HF_HOOK_GONE;
	if (leader) /* the start time is world-readable: the session must match too */
		return leader->sid == r->sid ? HF_HOOK_OURS : HF_HOOK_FOREIGN;
	for (size_t i = 0; i < n; i++)
		if (procs[i].pgrp == r->pgid && live(&procs[i]) &&
		    (procs[i].sid != r->sid || procs[i].start < r->start))
			return HF_HOOK_FOREIGN;
	return HF_HOOK_OURS;
}

/* Read a small file whole (at most len - 1 bytes, NUL-terminated); its length or -1. */
static ssize_t slurp(int dir, const char *name, char *buf, size_t len)
{
	int fd = hf_open_reg(dir, name, O_RDONLY | O_NOFOLLOW, 0, NULL); /* FIFO: EINVAL */
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < len - 1) {
		ssize_t n = hf_read_some(fd, buf + got, len - 1 - got);

		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

static int proc_read(int procfd, long pid, struct hf_proc *p)
{
	char name[64], buf[1024];
	ssize_t n;

	snprintf(name, sizeof(name), "%ld/stat", pid);
	n = slurp(procfd, name, buf, sizeof(buf));
	return n > 0 ? hf_proc_parse_stat(buf, (size_t)n, p) : -1;
}

static int boot_id(int procfd, char out[37])
{
	char buf[64];
	ssize_t n = slurp(procfd, "sys/kernel/random/boot_id", buf, sizeof(buf));

	if (n < 36 || !is_boot_id(buf, 36))
		return -1;
	memcpy(out, buf, 36);
	out[36] = '\0';
	return 0;
}

/* The processes whose pid or group is pgid, into a growing array. */
static int scan(int procfd, long pgid, struct hf_proc **procs, size_t *n, struct hf_err *err)
{
	size_t cap = 0;
	int fd = dup(procfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	const struct dirent *e;

	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return hf_err_set(err, HF_E_IO, "/proc: cannot read: %s", strerror(errno));
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		struct hf_proc p;
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || proc_read(procfd, pid, &p) != 0)
			continue; /* not a process, or gone meanwhile */
		if (p.pid != pgid && p.pgrp != pgid)
			continue;
		if (*n == cap) {
			struct hf_proc *grown;

			if (cap >= GROUP_MAX)
				break;
			cap = cap ? cap * 2 : 16;
			grown = realloc(*procs, cap * sizeof(**procs));
			if (!grown) {
				closedir(d);
				return hf_err_set(err, HF_E_NOMEM, "out of memory");
			}
			*procs = grown;
		}
		(*procs)[(*n)++] = p;
	}
	closedir(d);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Judge the group now. */
static int judge_now(int procfd, const struct hf_hookrec *r, const char *boot,
		     enum hf_hook_verdict *v, struct hf_err *err)
{
	struct hf_proc *procs = NULL;
	size_t n = 0;
	int rc = scan(procfd, r->pgid, &procs, &n, err);

	if (!rc)
		*v = hf_hookrec_judge(r, boot, (long)getpid(), (long)getpgrp(), procs, n);
	free(procs);
	return rc;
}

/* Signal the group, then wait up to ms for it to end; *v is the verdict after. */
static int end_group(int procfd, const struct hf_hookrec *r, const char *boot, int sig, long ms,
		     enum hf_hook_verdict *v, struct hf_err *err)
{
	int rc = 0;

	if (kill(-(pid_t)r->pgid, sig) != 0 && errno != ESRCH)
		return hf_err_set(err, HF_E_IO, "process group %ld: cannot send signal %d: %s",
				  r->pgid, sig, strerror(errno));
	for (long waited = 0; !rc; waited += POLL_MS) {
		rc = judge_now(procfd, r, boot, v, err);
		if (rc || *v != HF_HOOK_OURS || waited >= ms)
			break;
		sleep_ms(POLL_MS);
	}
	return rc;
}

static int drop(int dirfd, const char *display, struct hf_err *err)
{
	if (hf_fs_unlink_if(dirfd, HF_HOOKREC_FILE, 0) != 0 ||
	    hf_fs_unlink_if(dirfd, HF_HOOKREC_FILE ".tmp", 0) != 0)
		return hf_err_set(err, HF_E_IO, "%s/%s: cannot remove: %s", display,
				  HF_HOOKREC_FILE, strerror(errno));
	return 0;
}

int hf_hookrec_settle(int dirfd, const char *display, const char *procdir, struct hf_history *log,
		      char *said, size_t len, struct hf_err *err)
{
	char buf[HF_HOOKREC_MAX + 2], where[HF_STATE_NAME_MAX], boot[37], what[700];
	struct hf_hookrec r;
	struct hf_err bad;
	enum hf_hook_verdict v = HF_HOOK_GONE;
	struct stat sb;
	ssize_t n;
	int procfd = -1, rc = 0, killed = 0;

	said[0] = '\0';
	snprintf(where, sizeof(where), "%s/%s", display, HF_HOOKREC_FILE);
	n = slurp(dirfd, HF_HOOKREC_FILE, buf, sizeof(buf));
	if (n < 0 && errno == ENOENT)
		return drop(dirfd, display, err); /* a hook.tmp of a record never finished */
	hf_err_clear(&bad);
	if (n < 0 && errno == EINVAL && fstatat(dirfd, HF_HOOKREC_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		hf_err_notreg(&bad, HF_E_IO, where, sb.st_mode); /* a FIFO: refused unopened */
	else if (n < 0) /* a symlink, unreadable: trusted no more than garbage */
		hf_err_set(&bad, HF_E_IO, "%s: cannot read: %s", where, strerror(errno));
	if (n < 0 || hf_hookrec_parse(buf, (size_t)n, where, &r, &bad) != 0) {
		snprintf(said, len, "ignored a damaged record of a running command (%s); no process "
				    "was signalled", bad.msg);
		hf_history_add(log, STEP(.step = "recover", .reason = bad.msg), "%s", said);
		return drop(dirfd, display, err);
	}
	snprintf(what, sizeof(what), "the %s command of the interrupted %s%s%s (process group %ld: %s)",
		 r.phase, r.op, r.id[0] ? " of " : "", r.id, r.pgid, r.cmd);
	procfd = open(procdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0 || boot_id(procfd, boot) != 0) {
		rc = hf_err_set(err, HF_E_IO, "%s: cannot tell whether %s still runs: %s: %s",
				where, what, procdir, strerror(errno));
		goto out;
	}
	rc = judge_now(procfd, &r, boot, &v, err);
	if (!rc && v == HF_HOOK_OURS) {
		hf_history_add(log,
			       STEP(.step = "recover", .reason = "ending a command left running"),
			       "%s still runs: SIGTERM to its process group", what);
		killed = 1;
		rc = end_group(procfd, &r, boot, SIGTERM, TERM_WAIT_MS, &v, err);
		if (!rc && v == HF_HOOK_OURS) {
			hf_history_add(
			    log, STEP(.step = "recover", .reason = "ending a command left running"),
			    "%s still runs %d s after SIGTERM: SIGKILL", what, TERM_WAIT_MS / 1000);
			killed = 2;
			rc = end_group(procfd, &r, boot, SIGKILL, KILL_WAIT_MS, &v, err);
		}
		if (!rc && v == HF_HOOK_OURS) {
			rc = hf_err_set(err, HF_E_BUSY, "%s still runs after SIGKILL", what);
			hf_err_hint(err, "find out what keeps it (ps -g %ld), then run 'hotfix recover' "
					 "again; recovery runs no command of its own while it runs",
				    r.pgid);
		}
	}
	if (rc)
		goto out;
	if (killed) {
		snprintf(said, len, "ended %s, left running by the dead hotfix process %ld (%s), "
				    "before running any command of its own", what, r.by,
			 killed == 1 ? "SIGTERM" : "SIGTERM, then SIGKILL");
		hf_history_add(log,
			       STEP(.step = "recover", .reason = "ended a command left running"),
			       "%s", said);
	} else if (v == HF_HOOK_FOREIGN || v == HF_HOOK_UNSAFE) {
		snprintf(said, len, "%s: %s; not signalled", what,
			 v == HF_HOOK_UNSAFE ? "hotfix never signals that group"
					     : "the group running now is not the one recorded");
		hf_history_add(log, STEP(.step = "recover", .reason = "hook record not trusted"),
			       "%s", said);
	} else {
		hf_history_add(log, STEP(.step = "recover"), "%s had ended%s", what,
			       v == HF_HOOK_REBOOTED ? " (the machine restarted since)" : "");
	}
	rc = drop(dirfd, display, err);
out:
	if (procfd >= 0)
		close(procfd);
	return rc;
}

/* hook.h's watch: record the run once the child exists. */
static int watch_started(void *ctx, long pgid, struct hf_err *err)
{
	struct hf_hookrec_watch *x = ctx;
	struct hf_proc p;
	char text[HF_HOOKREC_MAX];
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n;

	if (procfd < 0 || boot_id(procfd, x->rec.boot) != 0 || proc_read(procfd, pgid, &p) != 0) {
		int e = errno;

		if (procfd >= 0)
			close(procfd);
		return hf_err_set(err, HF_E_IO, "cannot record the command about to run: /proc: %s",
				  strerror(e ? e : EIO));
	}
	close(procfd);
	x->rec.pgid = pgid;
	x->rec.start = p.start;
	x->rec.sid = (long)getsid(0);
	x->rec.by = (long)getpid();
	n = hf_hookrec_format(&x->rec, text, sizeof(text));
	if (n < 0)
		return hf_err_set(err, HF_E_IO, "the record of the command about to run is too long");
	return hf_fs_write_atomic(x->dirfd, HF_HOOKREC_FILE, text, (size_t)n, x->display, err);
}

static void watch_ended(void *ctx)
{
	struct hf_hookrec_watch *x = ctx;

	/* not durable: a record that comes back after a crash names a group that is gone */
	(void)hf_fs_unlink_if(x->dirfd, HF_HOOKREC_FILE, 0);
}

/* Copy s into buf (len bytes) with every control character a '?'. */
static void printable(char *buf, size_t len, const char *s)
{
	size_t i = 0;

	for (; s && s[i] && i + 1 < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			buf[i] = '?';
		else
			buf[i] = s[i];
	}
	buf[i] = '\0';
}

void hf_hookrec_watch_init(struct hf_hookrec_watch *x, int dirfd, const char *display,
			   const char *op, const char *id, const char *phase, const char *cmd)
{
	memset(x, 0, sizeof(*x));
	x->watch.started = watch_started;
	x->watch.ended = watch_ended;
	x->watch.ctx = x;
	x->dirfd = dirfd;
	x->display = display;
	snprintf(x->rec.op, sizeof(x->rec.op), "%s", op ? op : "recover");
	snprintf(x->rec.id, sizeof(x->rec.id), "%s", id && hf_name_safe_id(id) ? id : "");
	snprintf(x->rec.phase, sizeof(x->rec.phase), "%s", phase ? phase : "stop");
	printable(x->rec.cmd, sizeof(x->rec.cmd), cmd);
}
