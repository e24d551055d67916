/* cli: the command line -- one file per command, each only parsing its options and
 * calling the core.  main.c holds the table of commands.
 *
 * A command returns the process exit status (doc/DESIGN.md "Exit codes"); it prints its
 * own output and, through cli_fail(), its errors. */
#ifndef HOTFIX_CLI_H
#define HOTFIX_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "err.h"
#include "inuse.h"
#include "manifest.h"
#include "runner.h"
#include "site.h"
#include "state.h"

#define HOTFIX_VERSION "0.1.0"
/* The system trust file: a compile-time constant, never overridden (cli_parse). */
#define HOTFIX_DEFAULT_TRUST "/etc/hotfix/trust.pem"
/* The system trust file of Authenticode signatures (--pe-trust): the same rule. */
#define HOTFIX_DEFAULT_PE_TRUST "/etc/hotfix/pe-trust.pem"

struct cli_syntax;
struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const struct cli_syntax *syn; /* its options and operands: the usage line and the
				       * option list of --help are made from it (cli_usage) */
	const char *summary;          /* one line of purpose */
};

/* Options every command takes. */
struct cli_common {
	const char *trust;       /* --trust, else the system file or $HOTFIX_TRUST */
	int skip_signature;      /* --insecure-skip-signature */
	int allow_expired;       /* --allow-expired */
	int quiet, verbose;
	int help;
};

/* Options a command may accept besides the common ones (a bit set for cli_parse; the
 * table of every option, with its argument and help text, is all_options[] in common.c).
 * --json and --format FORMAT are common: every command reports, in the formats of its
 * cli_syntax. */
enum { CLI_SITE = 1, CLI_DRY_RUN = 4, CLI_VERIFY_HASHES = 8,
       CLI_HIERARCHY = 32, /* --hierarchy FILE (instead of --site, or required alone) */
       CLI_RECEIPT = 64,   /* --receipt-key FILE, --receipt-cert FILE */
       CLI_VERIFY_LOG = 128,
       CLI_JOBS = 256,     /* with --hierarchy: --jobs N, --keep-going, --max-fail N[%]
			    * (the runner's) */
       CLI_PE_TRUST = 512, /* --pe-trust PEM: the anchors of Authenticode signatures */
       CLI_VERIFY_SIGNATURES = 1024 }; /* audit: each installed file's Authenticode */

/* A parsed command line. */
struct cli_opts {
	struct cli_common c;
	const char *site, *hierarchy;
	int json; /* --json, or --format json */
	int dry_run, verify_hashes, keep_going;
	int jobs, jobs_given; /* --jobs N, default 1 */
	struct hf_budget max_fail; /* --max-fail N or P% (runner.h), default 0 */
	int max_fail_given;
	const char *format; /* the format: --format, "json" for --json, else the first */
	const char *receipt_key, *receipt_cert; /* sign receipts (txlog.h), or NULL */
	int verify_log;
	int verify_signatures; /* audit --verify-signatures */
	const char *pe_trust; /* --pe-trust, else the system file or $HOTFIX_PE_TRUST (as
			       * --trust), when the syntax accepts CLI_PE_TRUST; else NULL.
			       * Opened (cli_pe_trust_open) only by a command that needs it */
	char **args;        /* the operands */
	int nargs;
};

/* What a command takes: the options in `accept` (CLI_SITE makes --site required, or
 * with CLI_HIERARCHY exactly one of --site and --hierarchy) and
 * between min and max operands (max < 0: no limit), named `operand` in messages. */
struct cli_syntax {
	unsigned accept;
	int min, max;
	const char *operand;  /* "MANIFEST", "HOTFIX-ID", "FILE" */
	const char *operands; /* as in the usage line: "MANIFEST...", "[MANIFEST...]" */
	const char *const *formats; /* --format's values, NULL-terminated; the first is the
				     * default, and "json" is --json */
	const char *about;    /* help text after the options: what the command does */
};

/* Parse argv for command `name` (its cli_syntax is the command table's), and set the
 * signature policy level (--security-level).  Returns -1 to go on, else the exit status
 * to return at once: 0 after --help, 2 after a usage error, 4 when --receipt-key cannot
 * sign or the trust file is unsafe (all already printed). */
int cli_parse(int argc, char **argv, const char *name, struct cli_opts *o);

/* The usage line of cmd, from its cli_syntax and the option table ("check MANIFEST...
 * (--site DIR | ...) [--format text|json]", without "hotfix "): what hotfix(1) SYNOPSIS
 * says (tests/e2e/cli.sh compares them). */
void cli_usage(const struct cli_cmd *cmd, char *buf, size_t size);

/* Print a usage error for cmd (and the hint to run --help); returns 2. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...) HF_PRINTF(2, 3);

/* Print the command's help text to stdout; returns 0. */
int cli_help(const struct cli_cmd *cmd);

/* Print an error record to stderr ("hotfix: msg" + hint); returns its exit status.
 * In JSON mode (cli_json_mode) the first error is also kept for cli_json_error. */
int cli_fail(const struct hf_err *err);

/* The nearest of the n words to word (Damerau-Levenshtein, optimal string alignment),
 * when it is close enough to be a typo (at most 2 edits, and fewer than half the
 * word), else NULL. */
const char *cli_nearest(const char *word, const char *const *words, size_t n);

/* JSON mode (hotfix(1) JSON, "Errors"): set from the whole command line, before any
 * parsing, by main (--json or --format json anywhere before "--"), so that even an
 * unknown option is told as a document.  Every failure then also goes into one
 * urn:hotfix:error:1 document on stdout -- unless a report was printed (the report is
 * the document). */
extern int cli_json_mode;

/* Where the error concerns, for the error document (copied; NULL: unknown).  The
 * commands set them where they know: the site's root, the manifest or trust file. */
void cli_error_site(const char *site);
void cli_error_file(const char *file);

/* In JSON mode, after a command returned status: when it is not 0 and no JSON document
 * was written on stdout (hf_json_dumped()), print the error document of the first error
 * (cli_fail, cli_usage_error), with "exit": status.  main calls it, and the hierarchy
 * runner in each worker (the document is then that site's). */
void cli_json_error(int status);

/* A command that changes sites (apply, rollback, recover) calls this first: SIGINT,
 * SIGTERM and SIGHUP are caught and SIGPIPE ignored (intr.h), and an output that cannot
 * be written no longer changes the exit status (cli_output_status). */
void cli_catch_signals(void);

/* The exit status once a command changing sites is done: 128 + the signal when one was
 * caught (intr.h), else status.  When say is not NULL and a signal was caught, first
 * prints "hotfix: CODE: interrupted by SIG...: SAY" (the one line saying what was done). */
int cli_signal_status(const char *code, const char *say, int status);
#define CLI_SAY_MAX 200 /* the buffers apply and rollback build say in */

/* main: the exit status after stdout could not be written (e is the errno, or 0).  A
 * reader's output is its result: 1 with a message.  A command that changed sites keeps
 * the status that says what it did; a reader that went away (EPIPE) costs nothing more
 * than the lost output, another error a warning. */
int cli_output_status(int status, int e);

/* Print a warning to stderr unless quiet. */
void cli_warn(const struct cli_common *c, const char *fmt, ...) HF_PRINTF(2, 3);

/* Scan /proc for processes using these files (inuse.h); a scan that fails costs a
 * warning, and u stays unscanned. */
void cli_inuse(const struct cli_common *c, const struct hf_inuse_target *t, size_t n,
	       struct hf_inuse *u);

/* Load, verify and parse a manifest with c's trust options; on failure print why and
 * return the exit status (0 on success). */
int cli_load_manifest(const struct cli_common *c, const char *path, struct hf_manifest **m);

/* The Authenticode trust store o->pe_trust, for a command that needs it now: running as
 * root, the file must pass trustpath's rule, as the trust file does (checked here, not
 * at parsing: a check of a manifest without the policy neither reads nor refuses one).
 * Returns 0, or -1 with err (about o->pe_trust); close *t with hf_ac_trust_close. */
struct hf_ac_trust;
int cli_pe_trust_open(const struct cli_opts *o, struct hf_ac_trust **t, struct hf_err *err);

/* The Authenticode trust store (cli_pe_trust_open) when one of the n manifests requires
 * valid signatures on its payload files (<authenticode required="true"/>); else *t is
 * NULL and no file is opened.  Returns 0, or the exit status of a PE trust file that
 * cannot be used (4, printed); close *t with hf_ac_trust_close. */
int cli_pe_trust_for(const struct cli_opts *o, struct hf_manifest *const *ms, size_t n,
		     struct hf_ac_trust **t);

/* Fill the trust options from c, warning loudly when the signature is skipped. */
void cli_trust(const struct cli_common *c, struct hf_trust *t);

const struct cli_cmd *cli_find(const char *name);

/* Open the site at root, lock its state (readers shared, writers exclusive) and recover
 * whatever a crash left pending, saying so on stderr.  On failure *site may be set (free
 * it) and *st is NULL. */
int cli_open_site(const char *root, enum hf_lock_mode mode, struct hf_site **site,
		  struct hf_state **st, struct hf_err *err) HF_MUST_CHECK;

/* The single-site commands themselves, as the hierarchy runner also calls them: each
 * prints its report and returns the exit status.  cli_check is also `apply --dry-run`. */
int cli_check(const struct cli_opts *o, const char *manifest, const char *site_root);
int cli_apply(const struct cli_opts *o, const char *manifest, const char *site_root);
int cli_rollback(const struct cli_opts *o, const char *id, const char *site_root);
int cli_recover(const struct cli_opts *o, const char *unused, const char *site_root);

/* The progress of a payload's verification or staging, drawn on stderr in place
 * (progress.c): for the core (hf_checks.progress, hf_state.progress) when stderr is a
 * terminal and neither --json nor -q was given, else NULL.  cli_progress_clear() takes
 * the line away, if one is shown: call it when the core returns, before any report. */
struct hf_progress;
const struct hf_progress *cli_progress(const struct cli_opts *o);
void cli_progress_clear(void);

/* A single-site command's outcome for the hierarchy runner: "WORD CHANGED" on
 * cli_result_fd when it is >= 0 (in a hierarchy worker), nothing otherwise. */
extern int cli_result_fd;
void cli_result(const char *word, unsigned long changed);

/* How apply and rollback end, once the transaction is over and the lock released: the
 * report on stdout -- the JSON with --json (one that cannot be written changes no status:
 * main), else the text when rep->text_shown -- then the warning of a step after the
 * commit, the error (cli_fail), the exit status after a signal (cli_signal_status: say,
 * for a transaction that succeeded, is what was done on site) and the result for the
 * hierarchy runner (cli_result).  Returns the exit status. */
struct hf_txn_result;
struct cli_txn_report {
	const void *res;                          /* the command's result, for its printers */
	int (*json)(FILE *out, const void *res);  /* report_txn's JSON of it */
	void (*text)(FILE *out, const void *res); /* report_txn's text of it */
	int text_shown;                           /* without --json: print the text */
	const char *word;                         /* the result word (outcome) */
};
int cli_txn_end(const struct cli_opts *o, const struct cli_txn_report *rep,
		const struct hf_txn_result *txn, const struct hf_err *err,
		const struct hf_site *site, const char *say);


/* A single-site command: runs arg (a MANIFEST, a HOTFIX-ID or NULL) on the site at root,
 * prints its report, returns the exit status. */
typedef int cli_site_fn(const struct cli_opts *o, const char *arg, const char *root);

/* How a single-site command runs over a hierarchy: each command defines its own, and
 * hier.c knows no command by name. */
struct cli_hier_cmd {
	const char *name;    /* in progress lines, the summary and the JSON document */
	enum hf_order order; /* apply parents first, rollback children first (runner.h) */
	int verify_first;    /* arg is a MANIFEST: verify it once, before any site starts */
	cli_site_fn *run;    /* the command on one site */
	/* Under a parent that was not applicable (exit 3), NULL: run as under any other
	 * parent.  Else this runs first, changing nothing (a check): a site it finds not
	 * applicable too is not applicable (3); any other is skipped (1) -- a child never
	 * gets newer hotfix files than its parent.  Under a parent that failed or was
	 * skipped, a site never starts (runner.h). */
	cli_site_fn *under_na_parent;
	const char *done; /* with under_na_parent: what a skipped site was not ("applied") */
	int tree_order;   /* a reader (list): the sites' reports, the JSON's sites and the
			   * summary in tree order (parents first), once the run is over --
			   * else each report as its site ends, the rest in the file's order */
};

extern const struct cli_hier_cmd cli_check_hier; /* check, and apply --dry-run */

/* Run cmd on every site of o->hierarchy (see hier.c); returns the exit status of the
 * whole run. */
int cli_hierarchy(const struct cli_hier_cmd *cmd, const struct cli_opts *o, const char *arg);

/* The syntax of each command (its cmd_*.c), for the command table (main.c). */
extern const struct cli_syntax cli_check_syntax, cli_apply_syntax, cli_rollback_syntax,
	cli_recover_syntax, cli_audit_syntax, cli_list_syntax, cli_inventory_syntax,
	cli_version_syntax, cli_authenticode_syntax;

/* The command table (main.c), for usage, help and suggestions. */
extern const struct cli_cmd cli_commands[];
extern const size_t cli_ncommands;

int cmd_check(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_authenticode(int argc, char **argv);

#endif
