/* cli/common: options shared by all commands, usage errors, error printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../report.h"
#include "../txn.h"
#include "cli.h"

void cli_common_init(struct cli_common *c)
{
	const char *env = getenv("HOTFIX_TRUST");

	c->trust = env && *env ? env : HOTFIX_DEFAULT_TRUST;
	c->skip_signature = 0;
	c->quiet = c->verbose = c->help = 0;
}

int cli_common_option(struct cli_common *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_TRUST:
		c->trust = arg;
		return 1;
	case OPT_INSECURE:
		c->skip_signature = 1;
		return 1;
	case 'q':
		c->quiet = 1;
		return 1;
	case 'v':
		c->verbose = 1;
		return 1;
	case 'h':
	case OPT_HELP:
		c->help = 1;
		return 1;
	default:
		return 0;
	}
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hotfix %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: hotfix %s\nTry 'hotfix %s --help'.\n", cmd->usage, cmd->name);
	return 2;
}

int cli_help(const struct cli_cmd *cmd, const char *options_text)
{
	printf("usage: hotfix %s\n\n%s\n\n%s"
	       "Common options:\n"
	       "  --trust PEM                CA certificates that may sign manifests\n"
	       "                             (default $HOTFIX_TRUST, else %s)\n"
	       "  --insecure-skip-signature  do not verify the manifest's signature (loud)\n"
	       "  -q, --quiet                print less\n"
	       "  -v, --verbose              print more\n"
	       "  -h, --help                 this help\n"
	       "\nExit status: 0 done/nothing to do/compliant, 1 conflict, failed (and undone)\n"
	       "or not compliant, 2 usage, 3 not applicable, 4 verification failed or\n"
	       "unreadable input, 5 site busy.\n"
	       "See hotfix(1).\n",
	       cmd->usage, cmd->summary, options_text, HOTFIX_DEFAULT_TRUST);
	return 0;
}

int cli_open_site(const char *root, enum hf_lock_mode mode, struct hf_site **site,
		  struct hf_state **st, struct hf_err *err)
{
	struct hf_recovery rec;
	int r;

	*st = NULL;
	r = hf_site_open(root, site, err);
	if (r)
		return r;
	r = hf_txn_open(*site, mode, st, &rec, err);
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

void cli_trust(const struct cli_common *c, struct hf_trust *t)
{
	t->trust_path = c->trust;
	t->skip_signature = c->skip_signature;
	if (c->skip_signature) /* loud even with -q: this is a security decision */
		fprintf(stderr,
			"hotfix: WARNING: --insecure-skip-signature: the manifest's signature is "
			"NOT verified; anyone could have written it\n");
}
