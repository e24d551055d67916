/* history: append-only per-hotfix log lines. */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fsop.h"
#include "utc.h"

struct hf_history {
	int fd;
	char op[16];
	char site[8];
	char id[72];
	char name[HF_SITE_NAME_MAX];
};

static void disable(struct hf_history *log, const char *what)
{
	fprintf(stderr, "hotfix: warning: %s: %s: %s; the log misses this run\n", log->name, what,
		strerror(errno));
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

struct hf_history *hf_history_open(const struct hf_state *st, const char *id, const char *op)
{
	struct hf_history *log = calloc(1, sizeof(*log));
	char file[96];
	struct hf_err err;
	int dir = -1;

	if (!log)
		return NULL;
	log->fd = -1;
	snprintf(log->op, sizeof(log->op), "%s", op);
	snprintf(log->site, sizeof(log->site), "%s", st->site->code);
	snprintf(log->id, sizeof(log->id), "%s", id);
	openlog("hotfix", LOG_PID, LOG_USER);
	snprintf(log->name, sizeof(log->name), "%s/%s/%s/%s.log", st->site->root, HF_STATE_DIR,
		 HF_STATE_LOG, id);
	snprintf(file, sizeof(file), "%s.log", id);
	hf_err_clear(&err);
	if (hf_state_subdir(st, HF_STATE_LOG, &dir, &err) != 0) {
		fprintf(stderr, "hotfix: warning: %s; the log misses this run\n", err.msg);
		return log;
	}
	log->fd = hf_fs_open_append(dir, file, 0644);
	if (log->fd < 0)
		disable(log, "cannot open");
	close(dir);
	return log;
}

/* Append " key=value" (or key="value", escaped, when quote) to buf; NULL value: nothing. */
static void field(char *buf, size_t len, const char *key, const char *value, int quote)
{
	size_t n = strlen(buf);

	if (!value || n + strlen(key) + 4 >= len)
		return;
	n += (size_t)snprintf(buf + n, len - n, " %s=%s", key, quote ? "\"" : "");
	for (const char *p = value; *p && n + 3 < len; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			continue;
		if (quote && (*p == '"' || *p == '\\'))
			buf[n++] = '\\';
		buf[n++] = *p;
	}
	if (quote && n + 1 < len)
		buf[n++] = '"';
	buf[n] = '\0';
}

static void to_syslog(const struct hf_history *log, const struct hf_history_step *s)
{
	char line[1600];

	snprintf(line, sizeof(line), "site=%s id=%s op=%s step=%s", log->site, log->id, log->op,
		 s->step);
	field(line, sizeof(line), "file", s->file, 0);
	field(line, sizeof(line), "old", s->old, 0);
	field(line, sizeof(line), "new", s->new_, 0);
	field(line, sizeof(line), "reason", s->reason, 1);
	syslog(strcmp(s->step, "failed") ? LOG_INFO : LOG_ERR, "%s", line);
}

void hf_history_add(struct hf_history *log, const struct hf_history_step *s, const char *fmt, ...)
{
	char line[2048], now[48];
	va_list ap;
	int n, m;

	if (!log)
		return;
	to_syslog(log, s);
	if (log->fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s pid %ld %s: ", hf_utc_now_ms(now, sizeof(now)),
		     (long)getpid(), log->op);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n = (int)strlen(line);
	line[n++] = '\n';
	if (hf_fs_write(log->fd, line, (size_t)n) != 0)
		disable(log, "write failed");
}

const char *hf_history_path(const struct hf_history *log)
{
	return log ? log->name : "";
}

void hf_history_close(struct hf_history *log)
{
	if (!log)
		return;
	if (log->fd >= 0 && hf_fs_fsync(log->fd) != 0)
		disable(log, "fsync failed");
	if (log->fd >= 0)
		close(log->fd);
	free(log);
}
