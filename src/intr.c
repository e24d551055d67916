/* intr: termination signals during a command that changes sites (see intr.h). */
#include "intr.h"

#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t caught;
static int held;

static void on_signal(int sig)
{
	if (!caught)
		caught = sig;
}

void hf_intr_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

void hf_intr_catch(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	hf_intr_sigset(&sa.sa_mask); /* one handler at a time: the first signal is kept */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue; /* nohup, or a background job: it stays ignored */
		(void)sigaction(sigs[i], &sa, NULL);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	(void)sigaction(SIGXFSZ, &sa, NULL); /* past RLIMIT_FSIZE a write fails (EFBIG) */
}

int hf_intr_signal(void)
{
	return caught;
}

int hf_intr_pending(void)
{
	return held ? 0 : caught;
}

int hf_intr_check(struct hf_err *err)
{
	int sig = hf_intr_pending();

	if (!sig)
		return 0;
	return hf_err_set(err, HF_E_INTR, "interrupted by %s", hf_intr_name(sig));
}

void hf_intr_hold(void)
{
	held++;
}

void hf_intr_release(void)
{
	if (held > 0)
		held--;
}

const char *hf_intr_name(int sig)
{
	static char buf[16];

	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	case SIGQUIT:
		return "SIGQUIT";
	default:
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
}
