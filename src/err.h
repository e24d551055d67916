/* err: the error record every fallible function of the core fills in.
 *
 * Owns: struct hf_err (a fixed-size value, no allocation) and the mapping from error
 * codes to exit statuses (doc/DESIGN.md "Exit codes").  A function that fails sets the
 * record once (hf_err_set) and returns a negative code; each caller may prefix context on
 * the way up (hf_err_prefix).  Only main() turns it into a message and an exit status. */
#ifndef HOTFIX_ERR_H
#define HOTFIX_ERR_H

#include <stddef.h>

#define HF_MUST_CHECK __attribute__((warn_unused_result))
#define HF_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Error codes.  Values are positive in the record; functions return -code. */
enum hf_code {
	HF_OK = 0,
	HF_E_NOMEM = 1024,    /* out of memory */
	HF_E_IO,              /* a file could not be read or written */
	HF_E_USAGE,           /* bad command line */
	HF_E_SIGNATURE,       /* signature missing, invalid or untrusted (a manifest's; a
			       * payload file's Authenticode, when its manifest requires it) */
	HF_E_SCHEMA,          /* XML is not well-formed or does not match its schema */
	HF_E_MALFORMED,       /* input is structurally wrong (bounds, values) */
	HF_E_HASH,            /* SHA-256 mismatch */
	HF_E_SIZE,            /* size mismatch or limit exceeded */
	HF_E_NOTPE,           /* file is not a PE image */
	HF_E_NOVERSION,       /* PE image has no usable version resource */
	HF_E_NOTAPPLICABLE,   /* the hotfix does not apply to the site */
	HF_E_CONFLICT,        /* the site's files are not what the plan may touch */
	HF_E_NONCOMPLIANT,    /* audit found files out of date */
	HF_E_BUSY,            /* another process holds the site's lock */
	HF_E_TXN,             /* a transaction failed part-way (and was undone, or must be) */
	HF_E_STALE,           /* an older revision than one already accepted (rollback attack) */
	HF_E_HOOK,            /* a site's stop, start or health command failed */
	HF_E_UNSAFE,          /* a file that decides what runs is owned or writable by others */
	HF_E_INCOMPLETE,      /* (audit only) a site or file could not be seen: unknown */
	HF_E_INTR,            /* interrupted by SIGINT, SIGTERM or SIGHUP (intr.h): exit 128+N */
	HF_E_ACCESS,          /* the user may not take the site's lock (not root, not its owner) */
};
#define HF_E_LAST HF_E_ACCESS /* the last code (tests/unit/test_err.c walks them all) */


/* Exit statuses (doc/DESIGN.md "Exit codes", hotfix(1) EXIT STATUS).  The table in err.c
 * maps each error code to one; a hierarchy run adds HF_EXIT_PARTIAL (cli/hier.c). */
enum hf_exit {
	HF_EXIT_OK = 0,             /* done; nothing to do; audit: seen and compliant */
	HF_EXIT_FAILED = 1,         /* conflict, failed (and undone), not compliant, internal */
	HF_EXIT_USAGE = 2,          /* bad command line */
	HF_EXIT_NOTAPPLICABLE = 3,  /* not applicable; rollback: not installed */
	HF_EXIT_UNUSABLE = 4,       /* verification failed or input unusable; nothing changed */
	HF_EXIT_BUSY = 5,           /* the site is locked by another process */
	HF_EXIT_PARTIAL = 6,        /* hierarchy: some sites failed or were skipped, some not */
	HF_EXIT_INCOMPLETE = 7,     /* audit only: something could not be seen (unknown) */
	HF_EXIT_SIGNAL_BASE = 128,  /* interrupted by signal N: HF_EXIT_SIGNAL_BASE + N */
};

/* Sizes of the strings messages are made of (doc/DESIGN.md "Sizes").  Files are opened
 * relative to a directory's descriptor; a file's whole name exists only to be shown, so
 * these bound what a message says, and a name cut short is still a name (fsop's and
 * fileio's "display" and "name" arguments).  A site's root is an absolute path of at most
 * HF_TRUSTPATH_PATH_MAX (4096, PATH_MAX) bytes, a manifest's path at most
 * HF_NAME_PATH_MAX (1024), and what hotfix appends is short (".hotfix/lock", "log/ID.log": under 100 bytes).
 *   HF_SITE_NAME_MAX     a site's root and up to 100 bytes below it (SITE/site.xml,
 *                        SITE/.hotfix, SITE/.hotfix/lock, SITE/.hotfix/log/ID.log), or
 *                        "CODE: PATH" of a file of the site
 *   HF_STATE_NAME_MAX    a name of SITE/.hotfix (HF_SITE_NAME_MAX) and up to 100 bytes
 *                        more (the registry, the txlog, the hook record below it); txn's
 *                        "CODE: PATH" of a file of the site (both sizes serve it);
 *                        rehearse's SITE/PATH in a hint (cut short when both are long)
 *   HF_RECEIPT_NAME_MAX  a name below SITE/.hotfix/receipts (txlog)
 *   HF_NOTE_MAX          a sentence a result carries to its printer (txn.h: what recovery
 *                        did, a warning): an error's message (msg, 1024) and a few words */
#define HF_SITE_NAME_MAX 4200
#define HF_STATE_NAME_MAX (HF_SITE_NAME_MAX + 100)
#define HF_RECEIPT_NAME_MAX (HF_STATE_NAME_MAX + 100)
#define HF_NOTE_MAX 1100

struct hf_err {
	enum hf_code code;
	char msg[1024];  /* "where: what failed: why" */
	char hint[256];  /* what to do next; may be empty */
};

/* Reset the record to "no error". */
void hf_err_clear(struct hf_err *err);

/* Record an error and return -code, so a function can `return hf_err_set(...)`.
 * err may be NULL (the error is then only returned). */
int hf_err_set(struct hf_err *err, enum hf_code code, const char *fmt, ...) HF_PRINTF(3, 4);

/* Prefix context to the message already recorded ("SEC: " + msg). Returns -err->code. */
int hf_err_prefix(struct hf_err *err, const char *fmt, ...) HF_PRINTF(2, 3);

/* Set the "what to do next" hint. */
void hf_err_hint(struct hf_err *err, const char *fmt, ...) HF_PRINTF(2, 3);

/* The exit status of an error code (doc/DESIGN.md "Exit codes"; HF_EXIT_OK for HF_OK,
 * HF_EXIT_FAILED for a code not in the table). */
enum hf_exit hf_exit_code(enum hf_code code);

/* Short name of an error code, for JSON output and tests ("signature", "io", ...). */
const char *hf_code_name(enum hf_code code);

#endif
