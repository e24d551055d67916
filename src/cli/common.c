/* cli/common: the option table (the parser, the usage lines and --help are made from it),
 * usage errors and suggestions, error printing (and the JSON error document). */
#include <errno.h>
#include <poll.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authenticode.h"
#include "intr.h"
#include "report_error.h"
#include "report_txn.h"
#include "sig.h"
#include "trustpath.h"
#include "txn.h"
#include "cli.h"

enum { OPT_TRUST = 1000, OPT_INSECURE, OPT_SITE, OPT_JSON, OPT_VERIFY_HASHES,
       OPT_FORMAT, OPT_DRY_RUN, OPT_HIERARCHY, OPT_JOBS, OPT_KEEP_GOING, OPT_ALLOW_EXPIRED,
       OPT_RECEIPT_KEY, OPT_RECEIPT_CERT, OPT_VERIFY_LOG, OPT_SECURITY_LEVEL, OPT_PE_TRUST,
       OPT_VERIFY_SIGNATURES, OPT_MAX_FAIL };

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

/* Every option: the parser's table, and the one source of the usage lines and of --help's
 * option list (cli_usage, cli_help).  needs 0: every command. */
static const struct cli_option {
	const char *name;
	int id;           /* getopt's value: OPT_*, or the short option */
	const char *arg;  /* the argument's name, NULL: none */
	unsigned needs;
	const char *help; /* lines after the first are indented under it */
} all_options[] = {
	{ "site", OPT_SITE, "DIR", CLI_SITE, "the site's root directory (holds site.xml)" },
	{ "hierarchy", OPT_HIERARCHY, "FILE", CLI_HIERARCHY,
	  "every site of a hierarchy (see hotfix(1) HIERARCHY)" },
	{ "jobs", OPT_JOBS, "N", CLI_JOBS, "with --hierarchy: up to N sites at once (1 to 256)" },
	{ "keep-going", OPT_KEEP_GOING, NULL, CLI_JOBS,
	  "with --hierarchy: go on past a failed site where the\nversion-skew rule allows" },
	{ "max-fail", OPT_MAX_FAIL, "N[%]", CLI_JOBS,
	  "with --hierarchy: halt once more than N sites (or N%\nof the sites, rounded down) "
	  "failed; default 0" },
	{ "dry-run", OPT_DRY_RUN, NULL, CLI_DRY_RUN,
	  "only check: the same as 'hotfix check' (nothing changes)" },
	{ "verify-hashes", OPT_VERIFY_HASHES, NULL, CLI_VERIFY_HASHES,
	  "also compare each file's SHA-256 (reads every file whole)" },
	{ "verify-log", OPT_VERIFY_LOG, NULL, CLI_VERIFY_LOG,
	  "check each site's hash-chained transaction log and its\nsigned receipts (against "
	  "--trust); MANIFESTs are then optional" },
	{ "verify-signatures", OPT_VERIFY_SIGNATURES, NULL, CLI_VERIFY_SIGNATURES,
	  "also verify each installed file's Authenticode signature\n(against --pe-trust): one "
	  "not valid is not compliant" },
	{ "receipt-key", OPT_RECEIPT_KEY, "PEM", CLI_RECEIPT,
	  "sign a receipt of the outcome with this private key\n(.hotfix/receipts/; see "
	  "hotfix(1) RECEIPTS)" },
	{ "receipt-cert", OPT_RECEIPT_CERT, "PEM", CLI_RECEIPT,
	  "its certificate, when the key file does not hold it" },
	{ "pe-trust", OPT_PE_TRUST, "PEM", CLI_PE_TRUST,
	  "certificates that anchor Authenticode signatures;\ndefault " HOTFIX_DEFAULT_PE_TRUST
	  "\nfor root when it exists, else $HOTFIX_PE_TRUST,\nelse that file" },
	{ "format", OPT_FORMAT, "FORMAT", 0, "the output format: " /* + the command's (help) */ },
	{ "json", OPT_JSON, NULL, 0,
	  "the same as --format json: one JSON document on stdout,\nalso for a failure "
	  "(hotfix(1) JSON)" },
	{ "trust", OPT_TRUST, "PEM", 0,
	  "CA certificates that may sign manifests; default\n" HOTFIX_DEFAULT_TRUST
	  " for root when it exists,\nelse $HOTFIX_TRUST, else that file" },
	{ "security-level", OPT_SECURITY_LEVEL, "N", 0,
	  "signature policy level, 2 (the default and the floor)\nto 5 (see hotfix(1) "
	  "SIGNATURES)" },
	{ "insecure-skip-signature", OPT_INSECURE, NULL, 0,
	  "do not verify the manifest's signature (loud)" },
	{ "allow-expired", OPT_ALLOW_EXPIRED, NULL, 0,
	  "accept a manifest past its expiry time (loud)" },
	{ "quiet", 'q', NULL, 0, "print nothing but results and errors" },
	{ "verbose", 'v', NULL, 0, "print more" },
	{ "help", 'h', NULL, 0, "this help" },
};
#define NOPTS (sizeof(all_options) / sizeof(all_options[0]))

static int accepts(const struct cli_syntax *syn, const struct cli_option *op)
{
	return !op->needs || (op->needs & syn->accept);
}

/* The trust file when no option (--trust, --pe-trust) was given (hotfix(1) FILES): for
 * root, the system file sys when it exists -- an environment variable can leak in through
 * sudo's env_keep, cron or a profile, and must not replace root's trust anchors silently
 * -- else $var, else the system file. */
static const char *default_trust(const char *var, const char *sys_path, const char *option)
{
	const char *env = getenv(var);
	struct stat sys, other;

	if (!env || !*env)
		return sys_path;
	if (geteuid() != 0 || stat(sys_path, &sys) != 0)
		return env;
	if (stat(env, &other) != 0 || other.st_dev != sys.st_dev || other.st_ino != sys.st_ino)
		fprintf(stderr,
			"hotfix: warning: $%s (%s) is ignored: running as root, hotfix "
			"trusts the system trust file %s; pass %s %s to choose another file\n",
			var, env, sys_path, option, env);
	return sys_path;
}

/* Running as root, the trust file decides what root installs: it must pass the rule of
 * trustpath.h (it and every directory above it owned by root, writable by no one else),
 * checked here, once, before any command reads a site -- hierarchy workers are forked
 * after it.  A missing or unreadable file is said where it is loaded (sig.c). */
static int trust_owned(const char *what, const char *path, struct hf_err *err)
{
	struct hf_trustpath_file f;
	int r = hf_trustpath_check(path, HF_TRUSTPATH_NONE, 0, &f, err);

	if (r == -HF_E_UNSAFE || r == -HF_E_MALFORMED)
		return hf_err_prefix(err, "%s %s: running as root, hotfix trusts the CA "
					  "certificates in it, so it and every directory above it "
					  "must be owned by root and writable by no one else: ",
				     what, path);
	hf_err_clear(err);
	return 0;
}

/* Returns 0, or -1 for a bad value (told here). */
static int set_option(const struct cli_cmd *cmd, struct cli_opts *o, int opt, const char *arg)
{
	char *end = NULL;
	long v;

	switch (opt) {
	case OPT_HIERARCHY:
		o->hierarchy = arg;
		break;
	case OPT_JOBS:
		v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 1 || v > 256) {
			(void)cli_usage_error(cmd, "--jobs takes 1 to 256, not '%s'", arg);
			return -1;
		}
		o->jobs = (int)v;
		o->jobs_given = 1;
		break;
	case OPT_KEEP_GOING:
		o->keep_going = 1;
		break;
	case OPT_MAX_FAIL:
		if (hf_budget_parse(arg, &o->max_fail)) {
			(void)cli_usage_error(cmd,
					      "--max-fail takes a number of sites, 0 to %d, or a "
					      "percentage of the run's sites, 0%% to 100%%; not '%s'",
					      HF_BUDGET_COUNT_MAX, arg);
			return -1;
		}
		o->max_fail_given = 1;
		break;
	case OPT_TRUST:
		o->c.trust = arg;
		break;
	case OPT_PE_TRUST:
		o->pe_trust = arg;
		break;
	case OPT_VERIFY_SIGNATURES:
		o->verify_signatures = 1;
		break;
	case OPT_INSECURE:
		o->c.skip_signature = 1;
		break;
	case OPT_ALLOW_EXPIRED:
		o->c.allow_expired = 1;
		break;
	case OPT_SECURITY_LEVEL: /* never below the floor: hotfix(1) SIGNATURES */
		v = strtol(arg, &end, 10);
		if (!*arg || *end || hf_sig_set_level(v < INT_MIN || v > INT_MAX ? -1 : (int)v)) {
			(void)cli_usage_error(cmd,
					      "bad value '%s' for --security-level (it takes %d "
					      "to %d; %d is the floor, a weaker level is never "
					      "accepted)",
					      arg, HF_SIG_LEVEL_MIN, HF_SIG_LEVEL_MAX,
					      HF_SIG_LEVEL_MIN);
			return -1;
		}
		break;
	case 'q':
		o->c.quiet = 1;
		break;
	case 'v':
		o->c.verbose = 1;
		break;
	case 'h':
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

/* "a, b or c" of the command's formats */
static void format_list(const struct cli_syntax *syn, const char *sep, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; syn->formats[i] && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? sep : "",
					syn->formats[i]);
}

/* --format and --json: one format, one of the command's */
static int set_format(const struct cli_cmd *cmd, struct cli_opts *o)
{
	const struct cli_syntax *syn = cmd->syn;
	char list[128];

	if (o->format) {
		for (size_t i = 0; syn->formats[i]; i++)
			if (!strcmp(o->format, syn->formats[i])) {
				if (o->json && strcmp(o->format, "json") != 0)
					return cli_usage_error(cmd, "--json and --format %s "
								    "disagree: give one",
							       o->format);
				o->json = !strcmp(o->format, "json");
				return -1;
			}
		format_list(syn, ", ", list, sizeof(list));
		return cli_usage_error(cmd, "--format: '%s' is not one of %s", o->format, list);
	}
	o->format = o->json ? "json" : syn->formats[0];
	return -1;
}

/* The message for getopt's '?' or ':' at argv[optind - 1]. */
static int bad_option(const struct cli_cmd *cmd, int opt, const char *word)
{
	const char *names[NOPTS];
	char name[64], dashed[NOPTS][32];
	const char *near;
	size_t n = 0, len;

	if (optopt && optopt < 256 && (word[0] != '-' || word[1] != '-'))
		snprintf(name, sizeof(name), "-%c", optopt); /* a short option */
	else {
		len = strcspn(word, "=");
		snprintf(name, sizeof(name), "%.*s", (int)(len < 60 ? len : 60), word);
	}
	for (size_t i = 0; i < NOPTS; i++) {
		if (!accepts(cmd->syn, &all_options[i]))
			continue;
		if (opt == ':' && all_options[i].id == optopt)
			return cli_usage_error(cmd, "%s needs an argument (%s)", name,
					       all_options[i].arg);
		snprintf(dashed[n], sizeof(dashed[n]), "--%s", all_options[i].name);
		names[n] = dashed[n];
		n++;
	}
	near = cli_nearest(name, names, n);
	if (near)
		return cli_usage_error(cmd, "unknown option '%s'; did you mean '%s'?", name, near);
	return cli_usage_error(cmd, "unknown option '%s'", name);
}

int cli_parse(int argc, char **argv, const char *name, struct cli_opts *o)
{
	const struct cli_cmd *cmd = cli_find(name);
	const struct cli_syntax *syn = cmd->syn;
	struct option longopts[NOPTS + 1];
	size_t n = 0;
	int opt, r;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	for (size_t i = 0; i < NOPTS; i++)
		if (accepts(syn, &all_options[i])) {
			const struct cli_option *op = &all_options[i];

			longopts[n].name = op->name;
			longopts[n].has_arg = op->arg ? required_argument : no_argument;
			longopts[n].flag = NULL;
			longopts[n++].val = op->id;
		}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return bad_option(cmd, opt, argv[optind - 1]);
		if (set_option(cmd, o, opt, optarg) != 0)
			return HF_EXIT_USAGE;
	}
	if (o->c.help)
		return cli_help(cmd);
	r = set_format(cmd, o);
	if (r >= 0)
		return r;
	cli_json_mode = o->json;
	if (!o->c.trust) /* --trust FILE always wins: an explicit act */
		o->c.trust = default_trust("HOTFIX_TRUST", HOTFIX_DEFAULT_TRUST, "--trust");
	if ((syn->accept & CLI_PE_TRUST) && !o->pe_trust) /* the same rule */
		o->pe_trust = default_trust("HOTFIX_PE_TRUST", HOTFIX_DEFAULT_PE_TRUST, "--pe-trust");
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
	if (o->jobs_given && !o->hierarchy)
		return cli_usage_error(cmd, "--jobs is for --hierarchy (how many sites at once); "
					    "--site is one site");
	if (o->max_fail_given && !o->hierarchy)
		return cli_usage_error(cmd, "--max-fail is for --hierarchy (how many sites may "
					    "fail); --site is one site");
	if (o->max_fail_given && o->keep_going)
		return cli_usage_error(cmd, "--keep-going is a budget without a limit, --max-fail "
					    "one with a limit: give one of them");
	if (syn->operand && !strcmp(syn->operand, "MANIFEST") && !o->c.skip_signature &&
	    geteuid() == 0) { /* the commands that verify signatures: apply, check, audit */
		struct hf_err err;

		hf_err_clear(&err);
		if (trust_owned("trust file", o->c.trust, &err) != 0) {
			cli_error_file(o->c.trust);
			return cli_fail(&err);
		}
	}
	if (o->receipt_key) { /* a key that cannot sign is refused before any change */
		struct hf_err err;

		hf_err_clear(&err);
		if (hf_sig_check_signing_key(o->receipt_cert, o->receipt_key, &err) != 0) {
			cli_error_file(o->receipt_key);
			return cli_fail(&err);
		}
	}
	return -1;
}

/* The first error, kept for the error document (JSON mode). */
int cli_json_mode;
static struct {
	int kept;
	struct hf_err err;
	char site[PATH_MAX], file[PATH_MAX];
} first;

void cli_error_site(const char *site)
{
	if (!first.kept)
		snprintf(first.site, sizeof(first.site), "%s", site ? site : "");
}

void cli_error_file(const char *file)
{
	if (!first.kept)
		snprintf(first.file, sizeof(first.file), "%s", file ? file : "");
}

static void keep(const struct hf_err *err)
{
	if (first.kept)
		return;
	first.kept = 1;
	first.err = *err;
}

void cli_json_error(int status)
{
	int r;

	if (!cli_json_mode || status == 0 || hf_report_documents() > 0)
		return;
	if (!first.kept) { /* a path that told its failure on stderr only */
		hf_err_set(&first.err, HF_E_IO, "failed (exit status %d): see standard error",
			   status);
		first.err.hint[0] = '\0';
	}
	/* an output that cannot be written changes no status (main) */
	r = hf_report_error_json(stdout, status, &first.err, first.site, first.file);
	(void)r;
}

/* The usage words of option op ("--site DIR") */
static void option_words(const struct cli_option *op, char *buf, size_t size)
{
	snprintf(buf, size, "--%s%s%s", op->name, op->arg ? " " : "", op->arg ? op->arg : "");
}

void cli_usage(const struct cli_cmd *cmd, char *buf, size_t size)
{
	const struct cli_syntax *syn = cmd->syn;
	char w[64], list[128];
	size_t len = 0;

#define ADD(...) (len += len < size ? (size_t)snprintf(buf + len, size - len, __VA_ARGS__) : 0)
	buf[0] = '\0';
	ADD("%s", cmd->name);
	if (syn->operands)
		ADD(" %s", syn->operands);
	if ((syn->accept & CLI_SITE) && (syn->accept & CLI_HIERARCHY))
		ADD(" (--site DIR | --hierarchy FILE%s)",
		    (syn->accept & CLI_JOBS) ? " [--jobs N] [--keep-going | --max-fail N[%]]" : "");
	else if (syn->accept & CLI_SITE)
		ADD(" --site DIR");
	else if (syn->accept & CLI_HIERARCHY)
		ADD(" --hierarchy FILE");
	for (size_t i = 0; i < NOPTS; i++) {
		const struct cli_option *op = &all_options[i];

		if (!op->needs || !accepts(syn, op) ||
		    (op->needs & (CLI_SITE | CLI_HIERARCHY | CLI_JOBS)))
			continue;
		if (op->id == OPT_RECEIPT_CERT)
			continue;
		option_words(op, w, sizeof(w));
		ADD(op->id == OPT_RECEIPT_KEY ? " [%s [--receipt-cert PEM]]" : " [%s]", w);
	}
	format_list(syn, "|", list, sizeof(list));
	ADD(" [--format %s]", list);
#undef ADD
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	struct hf_err err;
	char usage[512];
	va_list ap;

	hf_err_clear(&err);
	err.code = HF_E_USAGE;
	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	cli_usage(cmd, usage, sizeof(usage));
	snprintf(err.hint, sizeof(err.hint), "usage: hotfix %.200s; try 'hotfix %s --help'", usage,
		 cmd->name);
	keep(&err);
	fprintf(stderr, "hotfix %s: %s\nusage: hotfix %s\nTry 'hotfix %s --help'.\n", cmd->name,
		err.msg, usage, cmd->name);
	return HF_EXIT_USAGE;
}

/* "  --site DIR                 the site's ...", continuation lines indented */
static void help_option(const struct cli_syntax *syn, const struct cli_option *op)
{
	char w[64], list[128];
	const char *h = op->help;

	if (op->id == OPT_FORMAT) {
		format_list(syn, ", ", list, sizeof(list));
		printf("  %-26s %s%s (default %s)\n", "--format FORMAT", op->help, list,
		       syn->formats[0]);
		return;
	}

	if (op->id < 256)
		snprintf(w, sizeof(w), "-%c, --%s", op->id, op->name);
	else
		option_words(op, w, sizeof(w));
	printf("  %-26s ", w);
	while (*h) {
		size_t l = strcspn(h, "\n");

		printf("%.*s\n", (int)l, h);
		h += l;
		if (*h == '\n' && *++h)
			printf("%29s", "");
	}
}

int cli_help(const struct cli_cmd *cmd)
{
	char usage[512];

	cli_usage(cmd, usage, sizeof(usage));
	printf("usage: hotfix %s\n\n%s\n\nOptions:\n", usage, cmd->summary);
	for (int common = 0; common < 2; common++) {
		if (common)
			printf("\nCommon options (-q, -v, --trust and --json also before the "
			       "command):\n");
		for (size_t i = 0; i < NOPTS; i++)
			if (accepts(cmd->syn, &all_options[i]) && (all_options[i].needs == 0) == common)
				help_option(cmd->syn, &all_options[i]);
	}
	printf("\n%s"
	       "Exit status: 0 done/nothing to do/compliant, 1 conflict, failed (and undone)\n"
	       "or not compliant, 2 usage, 3 not applicable, 4 verification failed or\n"
	       "unreadable input, 5 site busy.\n"
	       "See hotfix(1).\n",
	       cmd->syn->about);
	return HF_EXIT_OK;
}

/* Damerau-Levenshtein distance (optimal string alignment) of a and b, both shorter than
 * 64 bytes; larger when either is longer. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[64][64];

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *cli_nearest(const char *word, const char *const *words, size_t n)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, len = strlen(word);

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, words[i]);

		if (d < bestd) {
			bestd = d;
			best = words[i];
		}
	}
	/* a leading "--" is no part of what was meant */
	if (len > 2 && word[0] == '-' && word[1] == '-')
		len -= 2;
	return bestd <= 2 && bestd * 2 < len ? best : NULL;
}

int cli_open_site(const char *root, enum hf_lock_mode mode, struct hf_site **site,
		  struct hf_state **st, struct hf_err *err)
{
	struct hf_recovery rec;
	int r;

	*st = NULL;
	cli_error_site(root);
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
	keep(err);
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

int cli_pe_trust_open(const struct cli_opts *o, struct hf_ac_trust **t, struct hf_err *err)
{
	*t = NULL;
	if (!o->pe_trust)
		return hf_err_set(err, HF_E_USAGE, "this command takes no --pe-trust");
	if (geteuid() == 0 && trust_owned("PE trust file", o->pe_trust, err) != 0)
		return -1;
	return hf_ac_trust_open(o->pe_trust, t, err) ? -1 : 0;
}

int cli_pe_trust_for(const struct cli_opts *o, struct hf_manifest *const *ms, size_t n,
		     struct hf_ac_trust **t)
{
	const struct hf_manifest *m = NULL;
	struct hf_err err;

	*t = NULL;
	for (size_t i = 0; i < n && !m; i++)
		if (ms[i] && ms[i]->authenticode_required)
			m = ms[i];
	if (!m) /* no policy: no PE trust file is needed, none is read */
		return HF_EXIT_OK;
	hf_err_clear(&err);
	if (cli_pe_trust_open(o, t, &err) == 0)
		return HF_EXIT_OK;
	hf_err_prefix(&err, "%s: %s requires a valid Authenticode signature on every payload "
			    "file, and the PE trust file cannot be used: ",
		      m->path, m->id);
	cli_error_file(o->pe_trust);
	return cli_fail(&err);
}

int cli_load_manifest(const struct cli_common *c, const char *path, struct hf_manifest **m)
{
	struct hf_trust trust;
	struct hf_err err;

	hf_err_clear(&err);
	cli_trust(c, &trust);
	if (!hf_manifest_load(path, &trust, m, &err))
		return HF_EXIT_OK;
	/* the file it concerns: the trust file when it could not be used (sig.c says so
	 * first), else the manifest */
	cli_error_file(!strncmp(err.msg, "trust file ", 11) ? c->trust : path);
	return cli_fail(&err);
}
