/* err: error records, context prefixes and the code-to-exit-status table. */
#include "err.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void hf_err_clear(struct hf_err *err)
{
	if (!err)
		return;
	err->code = HF_OK;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
}

int hf_err_set(struct hf_err *err, enum hf_code code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->hint[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -(int)code;
}

int hf_err_prefix(struct hf_err *err, const char *fmt, ...)
{
	char prefix[512];
	size_t pl, ml, cap = sizeof(err->msg) - 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	pl = strlen(prefix);
	ml = strlen(err->msg);
	if (ml > cap - pl) /* pl < 512 < cap */
		ml = cap - pl;
	memmove(err->msg + pl, err->msg, ml);
	memcpy(err->msg, prefix, pl);
	err->msg[pl + ml] = '\0';
	return -(int)err->code;
}

void hf_err_hint(struct hf_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

static const struct {
	enum hf_code code;
	const char *name;
	enum hf_exit exit_code;
} table[] = {
	{ HF_OK, "ok", HF_EXIT_OK },
	{ HF_E_NOMEM, "nomem", HF_EXIT_FAILED },
	{ HF_E_IO, "io", HF_EXIT_UNUSABLE },
	{ HF_E_USAGE, "usage", HF_EXIT_USAGE },
	{ HF_E_SIGNATURE, "signature", HF_EXIT_UNUSABLE },
	{ HF_E_SCHEMA, "schema", HF_EXIT_UNUSABLE },
	{ HF_E_MALFORMED, "malformed", HF_EXIT_UNUSABLE },
	{ HF_E_HASH, "hash", HF_EXIT_UNUSABLE },
	{ HF_E_SIZE, "size", HF_EXIT_UNUSABLE },
	{ HF_E_NOTPE, "not-pe", HF_EXIT_UNUSABLE },
	{ HF_E_NOVERSION, "no-version", HF_EXIT_UNUSABLE },
	{ HF_E_NOTAPPLICABLE, "not-applicable", HF_EXIT_NOTAPPLICABLE },
	{ HF_E_CONFLICT, "conflict", HF_EXIT_FAILED },
	{ HF_E_NONCOMPLIANT, "noncompliant", HF_EXIT_FAILED },
	{ HF_E_BUSY, "busy", HF_EXIT_BUSY },
	{ HF_E_TXN, "failed", HF_EXIT_FAILED },
	{ HF_E_STALE, "stale", HF_EXIT_UNUSABLE },
	{ HF_E_HOOK, "hook", HF_EXIT_FAILED },
	{ HF_E_UNSAFE, "unsafe", HF_EXIT_UNUSABLE },
	/* audit's alone: no other command sets it */
	{ HF_E_INCOMPLETE, "incomplete", HF_EXIT_INCOMPLETE },
	/* 130; the caller exits 128 + the signal it caught (cli_signal_status, intr.h) */
	{ HF_E_INTR, "interrupted", HF_EXIT_SIGNAL_BASE + SIGINT },
	/* input unusable by this user; nothing changed */
	{ HF_E_ACCESS, "access", HF_EXIT_UNUSABLE },
};

enum hf_exit hf_exit_code(enum hf_code code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return table[i].exit_code;
	return HF_EXIT_FAILED;
}

const char *hf_code_name(enum hf_code code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return table[i].name;
	return "unknown";
}
