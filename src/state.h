/* state: a site's .hotfix directory -- the installer's own files -- and its lock.
 *
 * Owns: struct hf_state (free with hf_state_close, which releases the lock), holding an
 * O_RDONLY descriptor of SITE/.hotfix and the flock()ed descriptor of SITE/.hotfix/lock.
 * Writers (apply, rollback, recover) take the lock exclusively and create .hotfix if it
 * is missing; readers (check, audit, list) take it shared and create nothing -- a site
 * without .hotfix has no state to protect.  Nobody ever waits: a lock held by another
 * process is -HF_E_BUSY at once, naming the holder's pid and command.  .hotfix decides
 * what root does, so it is trusted, by readers and writers alike, only if it is a
 * directory owned by root (or the effective user) and writable by its owner only.
 * A user who may not open or create them (not root, not the site's owner) gets one
 * error, -HF_E_ACCESS: "SITE: cannot take the site's lock: permission denied", with a
 * hint naming the owner (of .hotfix, else of the site root) to run as. */
#ifndef HOTFIX_STATE_H
#define HOTFIX_STATE_H

#include "err.h"
#include "site.h"

#define HF_STATE_DIR ".hotfix"
#define HF_STATE_LOCK "lock"
#define HF_STATE_JOURNAL "journal"
#define HF_STATE_REGISTRY "installed.xml"
#define HF_STATE_STAGING "staging"
#define HF_STATE_BACKUP "backup"
#define HF_STATE_LOG "log"
#define HF_STATE_SERVICES "services" /* present while a transaction has stopped services */
/* A path relative to .hotfix that holds a file set's path: HF_STATE_BACKUP/ID/PATH (an id
 * of at most 64 bytes, a path of at most HF_NAME_PATH_MAX) -- the buffers that hold one. */
#define HF_STATE_REL_MAX 1200

enum hf_lock_mode { HF_LOCK_SHARED, HF_LOCK_EXCLUSIVE };

struct hf_receipt_key;
struct hf_progress;
struct hf_ac_trust;

struct hf_state {
	const struct hf_site *site;
	const struct hf_receipt_key *receipt; /* sign each transaction's log record
					       * (txlog.h); NULL: no receipts */
	const struct hf_progress *progress;   /* told how staging goes (progress.h,
					       * payload.h); NULL: nobody */
	struct hf_ac_trust *pe_trust;         /* the anchors a manifest's Authenticode
					       * policy is verified against when staging
					       * (authenticode.h); NULL: none loaded */
	int dirfd;  /* SITE/.hotfix, or -1 when a reader found none */
	int lockfd; /* -1 when not locked */
	enum hf_lock_mode mode;
};

/* Open and lock the site's state.  Errors: -HF_E_BUSY, -HF_E_IO, -HF_E_ACCESS (.hotfix or
 * its lock cannot be created or opened for want of permission, or .hotfix belongs to
 * another user who is not root), -HF_E_UNSAFE (.hotfix owned or writable by someone
 * else: the message names its owner and mode). */
int hf_state_open(const struct hf_site *site, enum hf_lock_mode mode, struct hf_state **out,
		  struct hf_err *err) HF_MUST_CHECK;

/* Could this process take the site's lock as a writer (apply, rollback, recover)?  Root
 * can; another user only when it may write .hotfix and its lock (or, before .hotfix
 * exists, the site root).  Changes nothing: check asks it, to refuse what apply would.
 * Errors: -HF_E_ACCESS, as hf_state_open would say it. */
int hf_state_writable(const struct hf_site *site, struct hf_err *err) HF_MUST_CHECK;

/* Turn a shared lock into an exclusive one (a reader that must recover first); creates
 * only the lock file, if .hotfix exists without one.  Errors: -HF_E_BUSY, -HF_E_IO,
 * -HF_E_ACCESS. */
int hf_state_upgrade(struct hf_state *st, struct hf_err *err) HF_MUST_CHECK;

/* 1 if a transaction was interrupted: a journal, or residue of one (journal.tmp,
 * staging/, installed.xml.tmp, services) -- the site must be recovered before anything else. */
int hf_state_pending(const struct hf_state *st);

/* Open (creating if needed) a subdirectory of .hotfix; O_RDONLY directory fd in *fd. */
int hf_state_subdir(const struct hf_state *st, const char *name, int *fd,
		    struct hf_err *err) HF_MUST_CHECK;

void hf_state_close(struct hf_state *st);

/* Describe who holds the lock on the file open as fd ("pid 1234 (hotfix apply ...)")
 * from /proc/locks; "" if nobody can be named. */
void hf_lock_holder(int fd, char *buf, size_t len);

#endif
