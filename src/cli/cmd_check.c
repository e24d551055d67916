/* cli/check: `hotfix check MANIFEST... (--site DIR | --hierarchy FILE)` -- the plan,
 * changing nothing; with several manifests (or hotfixes installed), the overlap matrix
 * too.  What is refused and why is decided by the core (check.h); this file opens the
 * site, calls hf_check_site and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "outcome.h"
#include "report_check.h"
#include "site.h"
#include "cli.h"

static const char *const formats[] = { "text", "json", NULL };

const struct cli_syntax cli_check_syntax = {
	CLI_SITE | CLI_HIERARCHY | CLI_JOBS | CLI_PE_TRUST, 1, -1, "MANIFEST", "MANIFEST...",
	formats,
	"With -v, also each file's size and SHA-256, installed and in the hotfix.\n"
	"With several MANIFESTs (--site only): each is checked, then a matrix\n"
	"of the files each hotfix touches, installed ones included, flags two\n"
	"hotfixes owning a file, a file that would go down in version (in the\n"
	"order given), and a hotfix a newer one supersedes.  A manifest with\n"
	"<authenticode required=\"true\"/> has the files it would install extracted\n"
	"to memory and verified against --pe-trust, as apply verifies them.\n\n"
};

/* What report prints of check i (site: opened, or NULL). */
static void to_result(const struct hf_checks *cs, size_t i, const struct hf_site *site,
		      const char *site_root, int verbose, struct hf_check_result *r)
{
	const struct hf_check *k = &cs->c[i];

	memset(r, 0, sizeof(*r));
	r->manifest = k->manifest;
	r->site_root = site_root;
	if (cs->site_ok) {
		r->site = site;
		r->verbose = verbose;
		r->plan = k->plan;
		r->payload_checked = k->payload_checked;
		r->rehearsal = k->rehearsed ? &k->rehearsal : NULL;
		r->inuse = k->inuse_asked ? &k->inuse : NULL;
		r->matrix = cs->has_matrix ? &cs->matrix : NULL;
	}
	r->code = k->err.code;
	r->message = k->err.code != HF_OK ? k->err.msg : NULL;
}

/* How many files apply would replace: those to install, when nothing refuses it. */
static unsigned long would_change(const struct hf_check_result *r)
{
	if (!r->plan || hf_outcome_check(r->code, r->plan, r->rehearsal) != HF_OUT_INSTALL)
		return 0;
	return (unsigned long)r->plan->count[HF_ACT_INSTALL];
}

static int print(const struct cli_opts *o, const struct hf_checks *cs,
		 const struct hf_check_result *results, const struct hf_site *site)
{
	size_t n = cs->n;

	if (o->json)
		return n == 1 ? hf_report_check_json(stdout, results, 1)
			      : hf_report_checks_json(stdout, results, n,
						      cs->site_ok ? &cs->matrix : NULL);
	for (size_t i = 0; i < n; i++)
		if (!o->c.quiet || cs->c[i].err.code != HF_OK)
			hf_report_check_text(stdout, &results[i]);
	if (n > 1 && cs->site_ok)
		hf_report_matrix_text(stdout, site, &cs->matrix);
	return 0;
}

/* Check n manifests against one site (check.h), print, and return the exit status. */
static int check_site(const struct cli_opts *o, char **manifests, size_t n,
		      const char *site_root)
{
	struct hf_manifest **ms = calloc(n, sizeof(struct hf_manifest *));
	struct hf_check_result *results = calloc(n, sizeof(*results));
	struct hf_checks cs;
	struct hf_site *site = NULL;
	struct hf_state *st = NULL;
	struct hf_err err;
	int status = HF_EXIT_OK, s;

	memset(&cs, 0, sizeof(cs));
	hf_err_clear(&err);
	if (!ms || !results) {
		free(ms);
		free(results);
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	for (size_t i = 0; i < n; i++) {
		status = cli_load_manifest(&o->c, manifests[i], &ms[i]);
		if (status)
			goto out;
	}
	if (hf_checks_init(&cs, ms, n, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	status = cli_pe_trust_for(o, ms, n, &cs.pe_trust);
	if (status)
		goto out;
	cs.progress = cli_progress(o);
	if (cli_open_site(site_root, HF_LOCK_SHARED, &site, &st, &err))
		hf_checks_refuse(&cs, &err);
	else
		hf_check_site(&cs, site, st->dirfd, "/proc");
	cli_progress_clear();
	for (size_t i = 0; i < n; i++) {
		if (cs.c[i].inuse_warning[0])
			cli_warn(&o->c, "cannot tell which processes use the files: %s",
				 cs.c[i].inuse_warning);
		to_result(&cs, i, site, site_root, o->c.verbose, &results[i]);
	}
	hf_state_close(st); /* the lock is not needed for printing */
	if (print(o, &cs, results, site))
		status = HF_EXIT_FAILED;
	for (size_t i = 0; i < n; i++)
		if (cs.c[i].err.code != HF_OK)
			(void)cli_fail(&cs.c[i].err);
	s = hf_checks_status(&cs);
	status = s == HF_EXIT_NOTAPPLICABLE || s > status ? s : status;
	/* the files apply would change: a dry run's FILES column (hier.c) */
	cli_result(n == 1 ? hf_check_result_word(&results[0]) : hf_outcome_word(HF_OUT_CHECKED),
		   n == 1 ? would_change(&results[0]) : 0);
out:
	hf_ac_trust_close(cs.pe_trust);
	hf_checks_free(&cs);
	for (size_t i = 0; i < n; i++)
		hf_manifest_free(ms[i]);
	free(ms);
	free(results);
	hf_site_free(site);
	return status;
}

int cli_check(const struct cli_opts *o, const char *manifest, const char *site_root)
{
	char *one[] = {(char *)manifest};

	return check_site(o, one, 1, site_root);
}

const struct cli_hier_cmd cli_check_hier = { "check", HF_ORDER_ANY, 1, cli_check, NULL, NULL,
					     0 };

int cmd_check(int argc, char **argv)
{
	struct cli_opts o;
	int r = cli_parse(argc, argv, "check", &o);

	if (r >= 0)
		return r;
	if (o.hierarchy && o.nargs > 1)
		return cli_usage_error(cli_find("check"), "several manifests are checked against "
							  "one --site at a time");
	if (o.hierarchy)
		return cli_hierarchy(&cli_check_hier, &o, o.args[0]);
	return check_site(&o, o.args, (size_t)o.nargs, o.site);
}

