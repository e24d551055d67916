/* check: what `hotfix check` finds for one or more manifests on one site -- the refusals
 * apply would make, found without changing anything.  (apply --dry-run is the same.)
 *
 * Owns: struct hf_checks and its struct hf_check per manifest (hf_checks_free), which
 * point into the manifests and the site checked: they must outlive it.  The site's lock
 * is the caller's (a shared one; txn's hf_txn_open); check writes nothing, not even a log.
 *
 * hf_check_site decides, in this order, as hf_txn_apply would refuse:
 *   the site    hf_site_trust (check refuses what apply would refuse), whether this
 *               user could take the lock as a writer (hf_state_writable: -HF_E_ACCESS),
 *               the registry (registry); any failing is every manifest's error (site_ok 0);
 *   revision    an older revision than the site accepted: -HF_E_STALE (registry);
 *   plan        not applicable, or a file unreadable (plan, HF_HASH_EQUAL);
 *   conflicts   any file in conflict: HF_E_CONFLICT, the files marked 'conflict';
 *   payload     its size and SHA-256, only when something is to install (payload);
 *   authenticode  when the manifest requires it (<authenticode required="true"/>) and
 *               something is to install: each file to install extracted into an
 *               anonymous memory file (memfd_create: never a file on the site) and
 *               verified as apply verifies it when staging (hf_ac_require against
 *               cs->pe_trust): -HF_E_SIGNATURE with apply's message;
 *   rehearsal   with no error so far: would a rollback work (rehearsal); failed:
 *               HF_E_CONFLICT naming its problems;
 *   in use      when something is to install: which processes use the present files it
 *               replaces (inuse, under proc); a scan that fails is a warning, no error;
 *   matrix      with the site read: the manifests and the registry (matrix).
 *
 * Calls: authenticode (hf_ac_require), inuse, matrix, payload, plan, registry, rehearsal,
 * site (hf_site_trust), state (hf_state_writable). */
#ifndef HOTFIX_CHECK_H
#define HOTFIX_CHECK_H

#include <stddef.h>

#include "authenticode.h"
#include "err.h"
#include "inuse.h"
#include "manifest.h"
#include "matrix.h"
#include "plan.h"
#include "registry.h"
#include "rehearsal.h"
#include "site.h"

/* One manifest checked against the site. */
struct hf_check {
	const struct hf_manifest *manifest;
	struct hf_plan *plan;         /* NULL if no plan was made */
	int payload_checked;          /* the payload's size and SHA-256 were verified */
	int rehearsed;                /* rehearsal below was made */
	struct hf_rehearsal rehearsal;
	int inuse_asked;              /* something is to install: inuse is its scan */
	struct hf_inuse inuse;
	char inuse_warning[sizeof(((struct hf_err *)0)->msg)]; /* why the scan failed, or "" */
	struct hf_err err;            /* HF_OK, or why the manifest cannot be applied as is */
};

/* The manifests checked against one site. */
struct hf_checks {
	size_t n;
	struct hf_check *c;      /* one per manifest, in the order given */
	int site_ok;             /* the site was trusted and its registry read */
	int has_matrix;          /* matrix was built (site_ok, and no error building it) */
	const struct hf_progress *progress; /* the caller's, set before hf_check_site: told
					     * how verifying a payload goes; NULL: nobody */
	struct hf_ac_trust *pe_trust; /* the caller's, set before hf_check_site: the anchors
				       * of a manifest's Authenticode policy; NULL: none
				       * loaded (a manifest that requires it is refused) */
	struct hf_matrix matrix; /* with site_ok: as built (has_matrix), or as a failed
				  * build left it; else zeroed */
	/* private */
	struct hf_registry *inst; /* the registry, which the matrix points into */
};

/* Prepare cs for the n manifests (n >= 1).  Errors: -HF_E_NOMEM. */
int hf_checks_init(struct hf_checks *cs, struct hf_manifest *const *ms, size_t n,
		   struct hf_err *err) HF_MUST_CHECK;

/* Check every manifest against site (opened, its lock held; hf_site_trust marks it
 * trusted), whose state directory is sdir (the lock's st->dirfd; -1: none), under proc
 * ("/proc"; tests give a tree of their own).  Every outcome is in cs, none is returned. */
void hf_check_site(struct hf_checks *cs, struct hf_site *site, int sdir, const char *proc);

/* The files of plan whose users the in-use scan looks for: the present ones it installs
 * (t has room for plan->n).  Returns how many. */
size_t hf_check_targets(const struct hf_plan *plan, struct hf_inuse_target *t);

/* The site could not be opened (or locked): why is every manifest's error. */
void hf_checks_refuse(struct hf_checks *cs, const struct hf_err *why);

/* The exit status of the checks (doc/DESIGN.md "Exit codes"): 0 when none failed;
 * 3 (not applicable) only when every one is; else the worst of the others. */
int hf_checks_status(const struct hf_checks *cs);

/* Free what cs holds (not the manifests); cs may be zeroed or half made. */
void hf_checks_free(struct hf_checks *cs);

#endif
