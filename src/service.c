/* service: stop, start and health commands of a site (see service.h). */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hook.h"
#include "hookrec.h"
#include "intr.h"
#include "state.h"

#define STEP(...) (&(const struct hf_history_step){__VA_ARGS__})

const char *hf_service_phase_name(enum hf_service_phase phase)
{
	switch (phase) {
	case HF_SERVICE_STOP:
		return "stop";
	case HF_SERVICE_START:
		return "start";
	case HF_SERVICE_HEALTH:
		return "health";
	}
	return "?";
}

int hf_service_restarts(const struct hf_site *site)
{
	return site->svc.stop.argc > 0 && site->svc.start.argc > 0;
}

int hf_service_any(const struct hf_site *site)
{
	return hf_service_restarts(site) || site->svc.health.argc > 0;
}

static const struct hf_cmd *phase_cmd(const struct hf_site *site, enum hf_service_phase phase)
{
	switch (phase) {
	case HF_SERVICE_STOP:
		return &site->svc.stop;
	case HF_SERVICE_START:
		return &site->svc.start;
	case HF_SERVICE_HEALTH:
		return &site->svc.health;
	}
	return NULL;
}

/* The output on one line for the log: newlines as " | ", other controls dropped. */
static void one_line(const char *in, char *buf, size_t len)
{
	size_t o = 0;

	for (; *in && o + 4 < len; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch == '\n') {
			if (in[1])
				o += (size_t)snprintf(buf + o, len - o, " | ");
		} else if (ch >= 0x20 && ch != 0x7f) {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
}

/* Wait between attempts; a signal (intr.h) cuts it short. */
static void pause_s(unsigned seconds)
{
	struct timespec ts = {.tv_sec = seconds, .tv_nsec = 0};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !hf_intr_pending())
		;
}

int hf_service_run(const struct hf_site *site, int sdir, enum hf_service_phase phase,
		   const char *id, const char *op, struct hf_history *log, char *out, size_t len,
		   struct hf_err *err)
{
	const struct hf_cmd *cmd = phase_cmd(site, phase);
	const char *name = hf_service_phase_name(phase);
	unsigned attempts = phase == HF_SERVICE_HEALTH ? 1 + site->svc.retries : 1;
	char envbuf[4096], *env[HF_HOOK_ENV_MAX], how[200], desc[600], line[1200];
	struct hf_hook_result res;
	struct hf_hookrec_watch watch;
	char *root, sname[HF_SITE_NAME_MAX];
	int r;

	memset(&res, 0, sizeof(res));
	if (out && len)
		out[0] = '\0';
	if (!cmd || cmd->argc == 0)
		return 0;
	if (!site->svc.checked) /* hf_site_trust first: never a command not checked */
		return hf_err_set(err, HF_E_UNSAFE, "%s: the %s command was not checked (site.h: "
						    "hf_site_trust); not run",
				  site->code, name);
	root = realpath(site->root, NULL); /* the commands run in the site root */
	hf_hook_env(envbuf, sizeof(envbuf), env, root ? root : site->root, site->code, id, op,
		    name);
	free(root);
	hf_cmd_describe(cmd, desc, sizeof(desc));
	/* each run is recorded in SITE/.hotfix/hook while it runs (hookrec.h) */
	snprintf(sname, sizeof(sname), "%s/%s", site->root, HF_STATE_DIR);
	hf_hookrec_watch_init(&watch, sdir, sname, op, id, name, desc);
	for (unsigned a = 1; a <= attempts; a++) {
		if (a > 1 && site->svc.interval)
			pause_s(site->svc.interval);
		r = hf_intr_check(err);
		if (!r)
			r = hf_hook_run_watched(cmd, site->root, env, sdir >= 0 ? &watch.watch : NULL,
						&res, err);
		if (r) {
			hf_err_prefix(err, "%s command %s: ", name, desc);
			hf_history_add(log, STEP(.step = name, .reason = err->msg), "%s", err->msg);
			return r;
		}
		if (out && len)
			snprintf(out, len, "%s", res.out);
		hf_hook_outcome(&res, how, sizeof(how));
		one_line(res.out, line, sizeof(line));
		hf_history_add(log, STEP(.step = name, .reason = how),
			       "%s command (attempt %u of %u, %.2f s): %s: %s; output: %s", name, a,
			       attempts, res.seconds, desc, how, line[0] ? line : "(none)");
		if (hf_hook_ok(&res) || res.interrupted)
			break;
	}
	if (res.interrupted)
		return hf_err_set(err, HF_E_INTR, "%s command %s: ended: interrupted by %s", name,
				  desc, hf_intr_name(res.interrupted));
	if (hf_hook_ok(&res))
		return 0;
	if (phase == HF_SERVICE_HEALTH)
		return hf_err_set(err, HF_E_HOOK,
				  "health check failed after %u attempt(s): %s: %s", attempts,
				  desc, how);
	return hf_err_set(err, HF_E_HOOK, "%s command failed: %s: %s", name, desc, how);
}
