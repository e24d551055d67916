/* cli: the command line -- one file per command, each only parsing its options and
 * calling the core.  main.c holds the table of commands.
 *
 * A command returns the process exit status (DESIGN.md's table); it prints its own
 * output and, through cli_fail(), its errors. */
#ifndef HOTFIX_CLI_H
#define HOTFIX_CLI_H

#include <getopt.h>

#include "../err.h"
#include "../manifest.h"
#include "../site.h"
#include "../state.h"

#define HOTFIX_VERSION "0.1.0"
#define HOTFIX_DEFAULT_TRUST "/etc/hotfix/trust.pem"

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;   /* one line of synopsis */
	const char *summary; /* one line of purpose */
};

/* Options every command takes. */
struct cli_common {
	const char *trust;       /* --trust, $HOTFIX_TRUST, or the default */
	int skip_signature;      /* --insecure-skip-signature */
	int quiet, verbose;
	int help;
};

/* Long options shared by all commands; ids are >= 1000 so commands may use letters. */
enum { OPT_TRUST = 1000, OPT_INSECURE, OPT_HELP, OPT_SITE, OPT_HIERARCHY, OPT_JSON,
       OPT_VERIFY_HASHES, OPT_FORMAT, OPT_DRY_RUN };

#define CLI_COMMON_LONGOPTS                                                      \
	{ "trust", required_argument, NULL, OPT_TRUST },                         \
	{ "insecure-skip-signature", no_argument, NULL, OPT_INSECURE },          \
	{ "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, OPT_HELP }

#define CLI_COMMON_SHORTOPTS "qvh"

void cli_common_init(struct cli_common *c);

/* Handle a common option; returns 1 if it was one, 0 if not. */
int cli_common_option(struct cli_common *c, int opt, const char *arg);

/* Print a usage error for cmd (and the hint to run --help); returns 2. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...) HF_PRINTF(2, 3);

/* Print the command's help text to stdout; returns 0. */
int cli_help(const struct cli_cmd *cmd, const char *options_text);

/* Print an error record to stderr ("hotfix: msg" + hint); returns its exit status. */
int cli_fail(const struct hf_err *err);

/* Print a warning to stderr unless quiet. */
void cli_warn(const struct cli_common *c, const char *fmt, ...) HF_PRINTF(2, 3);

/* Fill the trust options from c, warning loudly when the signature is skipped. */
void cli_trust(const struct cli_common *c, struct hf_trust *t);

const struct cli_cmd *cli_find(const char *name);

/* Open the site at root, lock its state (readers shared, writers exclusive) and recover
 * whatever a crash left pending, saying so on stderr.  On failure *site may be set (free
 * it) and *st is NULL. */
int cli_open_site(const char *root, enum hf_lock_mode mode, struct hf_site **site,
		  struct hf_state **st, struct hf_err *err) HF_MUST_CHECK;

/* `check` itself (also `apply --dry-run`): returns the exit status. */
int cli_check(const struct cli_common *c, const char *manifest, const char *site_root,
	      int json);

int cmd_check(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
