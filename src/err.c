/* err: error records, context prefixes and the code-to-exit-status table. */
#include "err.h"

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
	int exit_code;
} table[] = {
	{ HF_OK, "ok", 0 },
	{ HF_E_NOMEM, "nomem", 1 },
	{ HF_E_IO, "io", 4 },
	{ HF_E_USAGE, "usage", 2 },
	{ HF_E_SIGNATURE, "signature", 4 },
	{ HF_E_SCHEMA, "schema", 4 },
	{ HF_E_MALFORMED, "malformed", 4 },
	{ HF_E_HASH, "hash", 4 },
	{ HF_E_SIZE, "size", 4 },
	{ HF_E_NOTPE, "not-pe", 4 },
	{ HF_E_NOVERSION, "no-version", 4 },
	{ HF_E_NOTAPPLICABLE, "not-applicable", 3 },
	{ HF_E_CONFLICT, "conflict", 1 },
	{ HF_E_NONCOMPLIANT, "noncompliant", 1 },
	{ HF_E_BUSY, "busy", 5 },
	{ HF_E_TXN, "failed", 1 },
	{ HF_E_STALE, "stale", 4 },
	{ HF_E_HOOK, "hook", 1 },
	{ HF_E_UNSAFE, "unsafe", 4 },
	{ HF_E_INCOMPLETE, "incomplete", 7 }, /* audit's alone: no other command sets it */
	{ HF_E_INTR, "interrupted", 130 }, /* the caller exits 128 + the signal (intr.h) */
	{ HF_E_ACCESS, "access", 4 }, /* input unusable by this user; nothing changed */
};

int hf_exit_code(enum hf_code code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return table[i].exit_code;
	return 1;
}

const char *hf_code_name(enum hf_code code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return table[i].name;
	return "unknown";
}
