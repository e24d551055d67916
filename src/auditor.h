/* auditor: `hotfix audit` over one site or every site of a hierarchy -- which sites it
 * reads and how, in which order, what a site it cannot see becomes, drift against the
 * parent, the transaction logs (--verify-log), and the audit's exit status.  The records
 * and verdicts themselves are audit's (audit.h).
 *
 * Owns: struct hf_auditor (hf_auditor_free): the hierarchy or the one site it opened, the
 * audit (struct hf_audit), one struct hf_auditor_log per site.  The manifests are the
 * caller's and must outlive it.  Audit only reads, and it never waits: each site is
 * opened by hf_txn_open under a shared lock (which recovers what a crash left pending,
 * as any reader would).  A site that cannot be seen -- its site.xml unreadable (with
 * MANIFESTs, the hierarchy is loaded partially and --site gets a stand-in), busy,
 * unreadable state, or an interrupted transaction a reader may not recover (damaged) --
 * is one unknown record per manifest, with the reason, and the walk goes on.  Sites are
 * taken parents first (the hierarchy's order), then every child with a parent is compared
 * with it (hf_audit_drift).
 *
 * It prints nothing: what it has to say while it walks goes, in order, to the caller's
 * hooks.
 *
 * Calls: audit, hierarchy, registry, site, state, txlog, txn (hf_txn_open). */
#ifndef HOTFIX_AUDITOR_H
#define HOTFIX_AUDITOR_H

#include <stddef.h>

#include "audit.h"
#include "err.h"
#include "hierarchy.h"
#include "manifest.h"
#include "site.h"
#include "txlog.h"
#include "txn.h"

/* --verify-log of one site. */
struct hf_auditor_log {
	const struct hf_site *site;
	int checked;                 /* check is valid; else message says why not */
	struct hf_txlog_check check;
	const char *message;         /* when not checked */
	/* private */
	struct hf_err err;
};

/* What the walk says as it goes; each may be NULL. */
struct hf_auditor_hooks {
	/* the site was opened: what its recovery did (hf_report_recovery_text) */
	void (*recovered)(void *ctx, const struct hf_site *site, const struct hf_recovery *rec);
	/* the site is not audited, and reported unknown, for this reason; hint: what to do
	 * (the error's hint, e.g. whom to run as), or "" */
	void (*unseen)(void *ctx, const struct hf_site *site, const char *why, const char *hint);
	/* an error that is not in the audit (cli_fail) */
	void (*failed)(void *ctx, const struct hf_err *err);
	void *ctx;
};

struct hf_auditor {
	struct hf_audit audit;        /* the records (verify_hashes: set before the walk) */
	struct hf_hierarchy *h;       /* with a hierarchy */
	struct hf_site *site;         /* with one site: opened, or a stand-in (unseen) */
	char *unseen;                 /* why that one site could not be opened, or NULL */
	size_t nsites;
	struct hf_auditor_log *logs;  /* with --verify-log: one per site, in walk order */
	const char *trust;            /* the receipts' trust file; NULL: not verified */
	const struct hf_auditor_hooks *hooks;
};

/* Open what is audited: the hierarchy file (when hierarchy is not NULL) or the site at
 * root.  With manifests (nm > 0), a site whose site.xml cannot be read (-HF_E_IO) is
 * kept, to be reported unknown; without, it is an error.  verify_log: make room for the
 * logs.  Errors: those of hf_hierarchy_load(_partial) and hf_site_open, -HF_E_NOMEM. */
int hf_auditor_open(struct hf_auditor *ar, const char *hierarchy, const char *root,
		    size_t nm, int verify_log, struct hf_err *err) HF_MUST_CHECK;

/* Audit the nm manifests on every site, parents first, then drift.  Returns 0, or the
 * exit status of the last site that could not be audited and is not in the audit (told
 * to hooks->failed): with no manifest (--verify-log alone), an I/O error while auditing,
 * or out of memory. */
int hf_auditor_run(struct hf_auditor *ar, struct hf_manifest *const *ms, size_t nm);

/* 1 if any log has a problem or could not be verified. */
int hf_auditor_logs_bad(const struct hf_auditor *ar);

/* The exit status of an audit whose every input could be read (doc/DESIGN.md "Exit
 * codes"): with manifests and anything unknown, 7 (HF_E_INCOMPLETE); else 0 when
 * everything is compliant (or there is no manifest) and no log is bad; else 1. */
int hf_auditor_status(const struct hf_auditor *ar, size_t nm, int logs_bad);

void hf_auditor_free(struct hf_auditor *ar);

#endif
