/* cli/common: options shared by all commands, usage errors, error printing. */
#include <errno.h>
#include <poll.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intr.h"
#include "report_txn.h"
#include "sig.h"
#include "trustpath.h"
#include "txn.h"
#include "cli.h"

enum { OPT_TRUST = 1000, OPT_INSECURE, OPT_HELP, OPT_SITE, OPT_JSON, OPT_VERIFY_HASHES,
       OPT_FORMAT, OPT_DRY_RUN, OPT_HIERARCHY, OPT_JOBS, OPT_KEEP_GOING, OPT_ALLOW_EXPIRED,
       OPT_RECEIPT_KEY, OPT_RECEIPT_CERT, OPT_VERIFY_LOG, OPT_SECURITY_LEVEL };

int cli_result_fd = -1;
static int changes_sites; /* cli_catch_signals() was called */

void cli_catch_signals(void)
{
	hf_intr_catch();
	changes_sites = 1;
}

int cli_signal_status(const char *code, const char *say, int status)
{
	int sig = hf_intr_signal();

	if (!sig)
		return status;
	if (say)
		fprintf(stderr, "hotfix: %s: interrupted by %s: %s\n", code, hf_intr_name(sig), say);
	return HF_EXIT_SIGNAL_BASE + sig;
}

int cli_output_status(int status, int e)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	if (!changes_sites) {
		fprintf(stderr, "hotfix: writing the output: %s\n", strerror(e ? e : EIO));
		return status ? status : HF_EXIT_FAILED;
	}
	/* a pipe whose reader has gone shows POLLERR on the writing end */
	if (e == EPIPE || (poll(&p, 1, 0) == 1 && (p.revents & POLLERR)))
		return status;
	fprintf(stderr, "hotfix: warning: the report could not be written (%s); the exit status "
			"still says what was done\n",
		strerror(e ? e : EIO));
	return status;
}

void cli_result(const char *word, unsigned long changed)
{
	char line[64];
	int n;

	if (cli_result_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %lu\n", word, changed);
	if (n > 0 && write(cli_result_fd, line, (size_t)n) != n)
		fprintf(stderr, "hotfix: warning: cannot report the result to the runner\n");
}

int cli_txn_end(const struct cli_opts *o, const struct cli_txn_report *rep,
		const struct hf_txn_result *txn, const struct hf_err *err,
		const struct hf_site *site, const char *say)
{
	int status = HF_EXIT_OK;

	if (o->json) {
		/* an output that cannot be written changes no status (main) */
		if (rep->json(stdout, rep->res) && !ferror(stdout))
			status = HF_EXIT_FAILED;
	} else if (rep->text_shown) {
		rep->text(stdout, rep->res);
	}
	if (txn->warning[0])
		fprintf(stderr, "hotfix: warning: %s\n", txn->warning);
	if (err->code != HF_OK)
		status = cli_fail(err);
	if (err->code == HF_OK)
		status = cli_signal_status(site->code, say, status);
	else
		status = cli_signal_status(NULL, NULL, status); /* the error said what was done */
	cli_result(rep->word, (unsigned long)txn->changed);
	return status;
}

static const struct {
	struct option opt;
	unsigned needs; /* 0: every command */
} all_options[] = {
	{ { "trust", required_argument, NULL, OPT_TRUST }, 0 },
	{ { "insecure-skip-signature", no_argument, NULL, OPT_INSECURE }, 0 },
	{ { "allow-expired", no_argument, NULL, OPT_ALLOW_EXPIRED }, 0 },
	{ { "security-level", required_argument, NULL, OPT_SECURITY_LEVEL }, 0 },
	{ { "quiet", no_argument, NULL, 'q' }, 0 },
	{ { "verbose", no_argument, NULL, 'v' }, 0 },
	{ { "help", no_argument, NULL, OPT_HELP }, 0 },
	{ { "site", required_argument, NULL, OPT_SITE }, CLI_SITE },
	{ { "json", no_argument, NULL, OPT_JSON }, CLI_JSON },
	{ { "dry-run", no_argument, NULL, OPT_DRY_RUN }, CLI_DRY_RUN },
	{ { "verify-hashes", no_argument, NULL, OPT_VERIFY_HASHES }, CLI_VERIFY_HASHES },
	{ { "format", required_argument, NULL, OPT_FORMAT }, CLI_FORMAT },
	{ { "hierarchy", required_argument, NULL, OPT_HIERARCHY }, CLI_HIERARCHY },
	{ { "jobs", required_argument, NULL, OPT_JOBS }, CLI_HIERARCHY },
	{ { "keep-going", no_argument, NULL, OPT_KEEP_GOING }, CLI_HIERARCHY },
	{ { "receipt-key", required_argument, NULL, OPT_RECEIPT_KEY }, CLI_RECEIPT },
	{ { "receipt-cert", required_argument, NULL, OPT_RECEIPT_CERT }, CLI_RECEIPT },
	{ { "verify-log", no_argument, NULL, OPT_VERIFY_LOG }, CLI_VERIFY_LOG },
};
#define NOPTS (sizeof(all_options) / sizeof(all_options[0]))

/* The trust file when no --trust was given (hotfix(1) FILES): for root, the system file
 * when it exists -- an environment variable can leak in through sudo's env_keep, cron or
 * a profile, and must not replace root's trust anchors silently -- else $HOTFIX_TRUST,
 * else the system file. */
static const char *default_trust(void)
{
	const char *env = getenv("HOTFIX_TRUST");
	struct stat sys, other;

	if (!env || !*env)
		return HOTFIX_DEFAULT_TRUST;
	if (geteuid() != 0 || stat(HOTFIX_DEFAULT_TRUST, &sys) != 0)
		return env;
	if (stat(env, &other) != 0 || other.st_dev != sys.st_dev || other.st_ino != sys.st_ino)
		fprintf(stderr,
			"hotfix: warning: $HOTFIX_TRUST (%s) is ignored: running as root, hotfix "
			"trusts the system trust file %s; pass --trust %s to choose another file\n",
			env, HOTFIX_DEFAULT_TRUST, env);
	return HOTFIX_DEFAULT_TRUST;
}

/* Running as root, the trust file decides what root installs: it must pass the rule of
 * trustpath.h (it and every directory above it owned by root, writable by no one else),
 * checked here, once, before any command reads a site -- hierarchy workers are forked
 * after it.  A missing or unreadable file is said where it is loaded (sig.c). */
static int trust_owned(const char *path, struct hf_err *err)
{
	struct hf_trustpath_file f;
	int r = hf_trustpath_check(path, HF_TRUSTPATH_NONE, 0, &f, err);

	if (r == -HF_E_UNSAFE || r == -HF_E_MALFORMED)
		return hf_err_prefix(err, "trust file %s: running as root, hotfix trusts the CA "
					  "certificates in it, so it and every directory above it "
					  "must be owned by root and writable by no one else: ",
				     path);
	hf_err_clear(err);
	return 0;
}

/* Returns 0, or -1 for a bad value. */
static int set_option(struct cli_opts *o, int opt, const char *arg)
{
	char *end = NULL;
	long v;

	switch (opt) {
	case OPT_HIERARCHY:
		o->hierarchy = arg;
		break;
	case OPT_JOBS:
		v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 1 || v > 256)
			return -1;
		o->jobs = (int)v;
		break;
	case OPT_KEEP_GOING:
		o->keep_going = 1;
		break;
	case OPT_TRUST:
		o->c.trust = arg;
		break;
	case OPT_INSECURE:
		o->c.skip_signature = 1;
		break;
	case OPT_ALLOW_EXPIRED:
		o->c.allow_expired = 1;
		break;
	case OPT_SECURITY_LEVEL: /* never below the floor: hotfix(1) SIGNATURES */
		v = strtol(arg, &end, 10);
		if (!*arg || *end || hf_sig_set_level(v < INT_MIN || v > INT_MAX ? -1 : (int)v))
			return -1;
		break;
	case 'q':
		o->c.quiet = 1;
		break;
	case 'v':
		o->c.verbose = 1;
		break;
	case 'h':
	case OPT_HELP:
		o->c.help = 1;
		break;
	case OPT_SITE:
		o->site = arg;
		break;
	case OPT_JSON:
		o->json = 1;
		break;
	case OPT_DRY_RUN:
		o->dry_run = 1;
		break;
	case OPT_VERIFY_HASHES:
		o->verify_hashes = 1;
		break;
	case OPT_FORMAT:
		o->format = arg;
		break;
	case OPT_RECEIPT_KEY:
		o->receipt_key = arg;
		break;
	case OPT_RECEIPT_CERT:
		o->receipt_cert = arg;
		break;
	case OPT_VERIFY_LOG:
		o->verify_log = 1;
		break;
	default:
		break;
	}
	return 0;
}

int cli_parse(int argc, char **argv, const char *name, const struct cli_syntax *syn,
	      struct cli_opts *o)
{
	const struct cli_cmd *cmd = cli_find(name);
	struct option longopts[NOPTS + 1];
	size_t n = 0;
	int opt;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	for (size_t i = 0; i < NOPTS; i++)
		if (!all_options[i].needs || (all_options[i].needs & syn->accept))
			longopts[n++] = all_options[i].opt;
	memset(&longopts[n], 0, sizeof(longopts[n]));
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return cli_usage_error(cmd, "unknown option or missing argument: %s",
					       argv[optind - 1]);
		if (set_option(o, opt, optarg) == 0)
			continue;
		if (opt == OPT_SECURITY_LEVEL)
			return cli_usage_error(cmd,
					       "bad value '%s' for --security-level (it takes %d "
					       "to %d; %d is the floor, a weaker level is never "
					       "accepted)",
					       optarg, HF_SIG_LEVEL_MIN, HF_SIG_LEVEL_MAX,
					       HF_SIG_LEVEL_MIN);
		return cli_usage_error(cmd, "bad value '%s' for %s (--jobs takes 1 to 256)",
				       optarg, argv[optind - 1]);
	}
	if (o->c.help)
		return cli_help(cmd, syn->options);
	if (!o->c.trust) /* --trust FILE always wins: an explicit act */
		o->c.trust = default_trust();
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs < syn->min || (syn->max >= 0 && o->nargs > syn->max)) {
		if (syn->max == 0)
			return cli_usage_error(cmd, "unexpected argument '%s'", o->args[0]);
		if (syn->min == syn->max)
			return cli_usage_error(cmd, "exactly one %s is needed", syn->operand);
		return cli_usage_error(cmd, "at least one %s is needed", syn->operand);
	}
	if (o->receipt_cert && !o->receipt_key)
		return cli_usage_error(cmd, "--receipt-cert needs --receipt-key");
	if ((syn->accept & CLI_HIERARCHY) && o->site && o->hierarchy)
		return cli_usage_error(cmd, "give --site DIR or --hierarchy FILE, not both");
	if ((syn->accept & CLI_SITE) && !o->site && !o->hierarchy)
		return cli_usage_error(cmd, (syn->accept & CLI_HIERARCHY)
						    ? "--site DIR or --hierarchy FILE is required"
						    : "--site DIR is required");
	if (syn->operand && !strcmp(syn->operand, "MANIFEST") && !o->c.skip_signature &&
	    geteuid() == 0) { /* the commands that verify signatures: apply, check, audit */
		struct hf_err err;

		hf_err_clear(&err);
		if (trust_owned(o->c.trust, &err) != 0)
			return cli_fail(&err);
	}
	if (o->receipt_key) { /* a key that cannot sign is refused before any change */
		struct hf_err err;

		hf_err_clear(&err);
		if (hf_sig_check_signing_key(o->receipt_cert, o->receipt_key, &err) != 0)
			return cli_fail(&err);
	}
	return -1;
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hotfix %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: hotfix %s\nTry 'hotfix %s --help'.\n", cmd->usage, cmd->name);
	return HF_EXIT_USAGE;
}

int cli_help(const struct cli_cmd *cmd, const char *options_text)
{
	printf("usage: hotfix %s\n\n%s\n\n%s"
	       "Common options:\n"
	       "  --trust PEM                CA certificates that may sign manifests; default\n"
	       "                             %s for root when it exists,\n"
	       "                             else $HOTFIX_TRUST, else that file\n"
	       "  --security-level N         signature policy level, 2 (the default and the\n"
	       "                             floor) to 5 (see hotfix(1) SIGNATURES)\n"
	       "  --insecure-skip-signature  do not verify the manifest's signature (loud)\n"
	       "  -q, --quiet                print less\n"
	       "  -v, --verbose              print more\n"
	       "  -h, --help                 this help\n"
	       "\nExit status: 0 done/nothing to do/compliant, 1 conflict, failed (and undone)\n"
	       "or not compliant, 2 usage, 3 not applicable, 4 verification failed or\n"
	       "unreadable input, 5 site busy.\n"
	       "See hotfix(1).\n",
	       cmd->usage, cmd->summary, options_text, HOTFIX_DEFAULT_TRUST);
	return HF_EXIT_OK;
}

int cli_open_site(const char *root, enum hf_lock_mode mode, struct hf_site **site,
		  struct hf_state **st, struct hf_err *err)
{
	struct hf_recovery rec;
	int r;

	*st = NULL;
	r = hf_site_open(root, site, err);
	if (!r && mode == HF_LOCK_EXCLUSIVE) /* a writer runs the site's commands */
		r = hf_site_trust(*site, err);
	if (r)
		return r;
	r = hf_txn_open(*site, mode, st, &rec, err);
	if (!r) /* a failed recovery is told by the error, not as a recovery */
		hf_report_recovery_text(stderr, *site, &rec);
	return r;
}

int cli_fail(const struct hf_err *err)
{
	fprintf(stderr, "hotfix: %s\n", err->msg);
	if (err->hint[0])
		fprintf(stderr, "hotfix: hint: %s\n", err->hint);
	return hf_exit_code(err->code);
}

void cli_warn(const struct cli_common *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	fprintf(stderr, "hotfix: warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_inuse(const struct cli_common *c, const struct hf_inuse_target *t, size_t n,
	       struct hf_inuse *u)
{
	struct hf_err err;

	hf_err_clear(&err);
	if (hf_inuse_scan("/proc", t, n, u, &err) != 0)
		cli_warn(c, "cannot tell which processes use the files: %s", err.msg);
}

void cli_trust(const struct cli_common *c, struct hf_trust *t)
{
	t->trust_path = c->trust;
	t->skip_signature = c->skip_signature;
	t->allow_expired = c->allow_expired;
	if (c->allow_expired)
		fprintf(stderr, "hotfix: WARNING: --allow-expired: a manifest past its expiry date is "
				"accepted\n");
	if (c->skip_signature) /* loud even with -q: this is a security decision */
		fprintf(stderr,
			"hotfix: WARNING: --insecure-skip-signature: the manifest's signature is "
			"NOT verified; anyone could have written it\n");
}

int cli_load_manifest(const struct cli_common *c, const char *path, struct hf_manifest **m)
{
	struct hf_trust trust;
	struct hf_err err;

	hf_err_clear(&err);
	cli_trust(c, &trust);
	return hf_manifest_load(path, &trust, m, &err) ? cli_fail(&err) : HF_EXIT_OK;
}
