/* txn: transactions on one site -- apply a plan, roll back an installed hotfix, recover
 * an interrupted transaction -- so that a site is always exactly before or after.
 *
 * Owns the order of operations (doc/DESIGN.md "How data flows"):
 *   stage    each new file into .hotfix/staging/<i>, hashed while written, checked
 *            against the manifest, fsync'd, given the target's owner and mode
 *   journal  .hotfix/journal written and fsync'd before the first change to the site
 *   keep     what the swap replaces: apply keeps each original in
 *            .hotfix/backup/<ID>/<path> (private, 0700); rollback keeps the hotfix's file
 *            in staging/<i> -- a hard link where only root can change the inode (root's,
 *            not group/other-writable, no other name), else a copy + fsync, its hash
 *            checked (hf_swap_backup), so that no other name can change what undo and
 *            rollback restore
 *   stop     (site.xml names services) .hotfix/services written, the stop command run
 *   swap     link the new content to .<name>.hotfix-tmp beside the target and
 *            rename(2) it over the target (a process that has the old file open or
 *            mapped keeps the old inode); fsync the directory
 *   start    the start command, then the health command (retried): a failure of either
 *            undoes the transaction like any other -- recovery stops the services, puts
 *            the old files back and starts them again
 *   commit   .hotfix/installed.xml replaced atomically, .hotfix/services removed
 *   record   the outcome appended to the hash-chained .hotfix/txlog (txlog.h), signed as
 *            a receipt when the state says so -- also for an undone transaction; its
 *            room was reserved right after the journal, so a full disk cannot leave a
 *            commit unrecorded (a failure to reserve undoes the transaction); a record
 *            that still cannot be appended (-HF_E_IO) is owed: the journal is kept, and
 *            recovery -- the next command's -- finishes and appends it (by=recovery)
 *   finish   staging and temporaries removed (rollback: the backup too), journal removed
 *            (kept while the committed record is owed: see record)
 *
 * Where a transaction stands is read off the site, never off a progress record: if
 * installed.xml is the journal's registry-after, the commit happened and recovery
 * finishes the clean-up; if it is registry-before, recovery undoes -- every file whose
 * content is the journal's `to` gets `from` back from where it was kept.  Each step is
 * idempotent, so a crash during recovery is recovered the same way, and any failure
 * after staging began is handled by this same recovery in process.  .hotfix/services,
 * present from before the stop command until the commit, tells recovery that services
 * may be stopped or running uncommitted files: it runs stop before the undo and start
 * after it.
 *
 * Interruption (intr.h): a signal caught during apply or rollback fails the step in
 * flight at its next safe point -- between steps, between files, while staging, while a
 * command runs (which is ended) -- and the same in-process recovery undoes it: -HF_E_INTR,
 * res->signal set, the message naming the signal, the step and that the site is as
 * before.  After the commit nothing is interrupted: the clean-up finishes.  Recovery
 * itself holds interruption, so an undo always finishes.  Before its own commands,
 * recovery ends a command a dead run left running (hookrec.h). */
#ifndef HOTFIX_TXN_H
#define HOTFIX_TXN_H

#include <stddef.h>

#include "err.h"
#include "hook.h"
#include "inuse.h"
#include "journal.h"
#include "plan.h"
#include "site.h"
#include "state.h"

/* What recovery found and did. */
struct hf_recovery {
	int pending;   /* something was in flight (journal or residue) */
	int journal;   /* a journal was found (else only residue was cleaned) */
	enum hf_journal_op op;
	char id[65];
	int finished;  /* 1: the commit had happened, clean-up finished; 0: undone */
	size_t restored; /* files put back (undo) */
	int damaged;     /* (readers) recovery refused -- e.g. a damaged journal -- and the
			  * reader goes on, read-only; damage says why */
	int deferred;    /* (readers, with damaged) recovery would run the site's stop and
			  * start commands, which a reader never does: nothing was touched,
			  * and damage names the command that recovers */
	char damage[HF_NOTE_MAX];
	char services[HF_NOTE_MAX]; /* what recovery did with the site's services, or "" */
	int recorded;    /* (finished) recovery appended the committed record to the log */
	char unrecorded[1200]; /* (finished) that record could not be appended: why (the
				* journal is kept until it is; a command fails), or "" */
	char hook[HF_NOTE_MAX]; /* what recovery did about a command a dead run left running
				 * (hookrec.h), or "" */
};

/* The outcome of apply or rollback. */
struct hf_txn_result {
	size_t changed;  /* files replaced; 0 with success = nothing to do */
	char step[16];   /* on failure: the step that failed */
	char file[HF_SITE_REL_MAX]; /* on failure: the target it failed on, "" when not one
				     * file's */
	char log[HF_STATE_NAME_MAX]; /* the site's log of this hotfix (SITE/.hotfix/log/ID.log),
				      * or "" */
	int undone;      /* on failure: the site was put back as before */
	int signal;      /* interrupted (-HF_E_INTR) by this signal (intr.h), or 0 */
	struct hf_recovery rec; /* what the in-process recovery did, on failure */
	char warning[HF_NOTE_MAX]; /* success, but a step after the commit failed: why */
	int restarted;          /* the site's services were stopped and started */
	int health;             /* a health command ran and passed */
	char output[HF_HOOK_OUT_MAX + 1]; /* failed at stop, start or health: the
					   * command's last output */
	char receipt[64];       /* the signed receipt written (.hotfix/receipts/N.p7s), or "" */
	struct hf_inuse_target *replaced; /* the inodes the swap replaced, with their
					   * paths (for the in-use report) */
	size_t nreplaced;
};

/* Free what a result holds (replaced); the result may be reused after. */
void hf_txn_result_free(struct hf_txn_result *res);

/* Lock the site (readers shared, writers exclusive) and recover whatever is pending
 * first -- a reader upgrades its lock for that.  rec says what was recovered.  When
 * recovery refuses (a damaged journal, a file matching neither side), a writer gets the
 * error; a reader gets 0 with rec->damaged set, so that check, audit and list can still
 * show the files as they are.  A reader never runs a site's command: when recovery
 * would (.hotfix/services is there and the site names stop and start commands), it
 * recovers nothing and gets 0 with rec->damaged and rec->deferred set, rec->damage
 * saying to run `hotfix recover --site DIR`. */
int hf_txn_open(const struct hf_site *site, enum hf_lock_mode mode, struct hf_state **st,
		struct hf_recovery *rec, struct hf_err *err) HF_MUST_CHECK;

/* Finish or undo an interrupted transaction (exclusive lock held).  Errors:
 * -HF_E_MALFORMED (journal unreadable or corrupt: nothing is touched),
 * -HF_E_CONFLICT (a file or the registry matches neither before nor after), -HF_E_IO,
 * -HF_E_BUSY (a command a dead run left running would not end: nothing else is done). */
int hf_txn_recover(struct hf_state *st, struct hf_recovery *rec, struct hf_err *err) HF_MUST_CHECK;

/* Apply plan (made under this lock).  Each file to replace is hashed here, and must still
 * be the file the plan inspected (its hash, or without one its inode, size and times);
 * that hash is written into the plan's item for the reports.  Nothing to install
 * -> 0 with res->changed 0.  Errors: -HF_E_CONFLICT (before anything is touched: a
 * file in conflict, or the hotfix is already recorded), -HF_E_HASH/-HF_E_SIZE/
 * -HF_E_MALFORMED (payload fails verification; nothing changed), -HF_E_TXN (failed at
 * res->step; res->undone says whether the site is back as before), -HF_E_INTR
 * (interrupted by res->signal: undone, or not begun when res->step is ""). */
int hf_txn_apply(struct hf_state *st, struct hf_plan *plan, struct hf_txn_result *res,
		 struct hf_err *err) HF_MUST_CHECK;

/* Roll back hotfix id.  Errors: -HF_E_NOTAPPLICABLE (not installed here),
 * -HF_E_CONFLICT (files changed since, or a backup missing or damaged; nothing is
 * touched), -HF_E_TXN and -HF_E_INTR as for apply. */
int hf_txn_rollback(struct hf_state *st, const char *id, struct hf_txn_result *res,
		    struct hf_err *err) HF_MUST_CHECK;

#endif
