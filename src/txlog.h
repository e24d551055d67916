/* txlog: the site's transaction log, hash-chained -- SITE/.hotfix/txlog -- and the signed
 * receipts of its records -- SITE/.hotfix/receipts/.
 *
 * Read by: auditors -- `audit --verify-log` (auditor.c) proves the site's history was
 * not edited -- and by txn, only to chain the next record and to tell whether an owed
 * record is already there.
 *
 * Owns: the log's on-disk form, appending to it, and verifying it.  One record per
 * transaction outcome (committed or undone, by the command or by recovery), one line
 * each:
 *
 *   HASH v1 seq=N prev=PREV time=T site=CODE op=OP id=ID revision=R result=RESULT
 *        step=STEP by=BY before=B registry=REG files=K [file=PATH from=V/SHA to=V/SHA]...
 *
 * HASH is the SHA-256 (hex) of everything after "HASH " up to the newline; PREV the HASH
 * of the record before (64 zeros for the first); N counts from 1.  REG is the SHA-256 of
 * installed.xml after the outcome ("-": none), B before it; each record's B must be the
 * REG of the record before it (not checked for the first: a site may have had hotfixes
 * before its log), so a change of installed.xml no record made stays visible at the
 * next record, whatever comes after.  An edited record fails its HASH, a
 * removed or reordered one the PREV and N of the next; a record cut from the end leaves
 * the last REG unequal to installed.xml whenever the cut record changed it (a cut
 * undone attempt, which changed nothing, can only be shown by a receipt).
 *
 * The log is part of the transaction: space for the record is reserved before the commit
 * (hf_txlog_reserve).  A committed record that still cannot be appended is owed: the
 * transaction keeps its journal until recovery appends it (txn.h).  Nothing else records
 * a change of installed.xml: one no record describes is a problem for verification.
 *
 * A receipt is a record line, whole, in receipts/SEQ.txt (SEQ as 8 digits), with a
 * detached CMS signature (DER) of those bytes in receipts/SEQ.p7s, made with the site's
 * key (`--receipt-key`).  Whoever holds the receipts -- the central site -- can prove
 * what each site reported, against the site's certificate's CA. */
#ifndef HOTFIX_TXLOG_H
#define HOTFIX_TXLOG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "journal.h"

#define HF_TXLOG_FILE "txlog"
#define HF_TXLOG_RECEIPTS "receipts"
#define HF_TXLOG_LINE_MAX (4 * 1024 * 1024)
#define HF_TXLOG_MAX (256 * 1024 * 1024) /* the whole log, when verified */
#define HF_TXLOG_RECEIPTS_MAX 100000

/* One outcome to record. */
struct hf_txrec {
	const char *site;    /* code */
	const char *op;      /* apply, rollback */
	const char *id;
	unsigned long revision;
	const char *result;  /* committed, undone */
	const char *step;    /* the failed step, or NULL */
	const char *by;      /* "command" or "recovery" */
	int has_before;      /* installed.xml before the outcome (an undone one: as after) */
	uint8_t before[HF_SHA256_LEN];
	int has_registry;    /* ... and after it */
	uint8_t registry[HF_SHA256_LEN];
	const struct hf_jfile *files; /* from -> to */
	size_t nfiles;
};

/* A signing key for receipts: PEM files (cert may be NULL when key holds both). */
struct hf_receipt_key {
	const char *key, *cert;
};

/* Append rec to dirfd/txlog (created 0644 if missing) and fsync it.  With key, also write
 * and sign the receipt; *receipt (len bytes, may be NULL) gets its path relative to
 * dirfd, or "".  display names dirfd in messages.  Errors: -HF_E_IO, -HF_E_MALFORMED
 * (the log's last line is damaged: nothing is appended), -HF_E_SIGNATURE (the key). */
int hf_txlog_append(int dirfd, const char *display, const struct hf_txrec *rec,
		    const struct hf_receipt_key *key, char *receipt, size_t len,
		    struct hf_err *err) HF_MUST_CHECK;

/* Before the commit: allocate (fallocate FALLOC_FL_KEEP_SIZE, the size unchanged) room at
 * the end of dirfd/txlog for the longest record rec can be, so that appending it after the
 * commit needs no new block and cannot fail for want of space.  *reserved is 0 when the
 * file system cannot reserve (EOPNOTSUPP): that is no error (a record that then cannot
 * be appended is owed, and the journal kept until it is: txn.h).  Errors: -HF_E_IO (e.g. ENOSPC: the transaction must not commit). */
int hf_txlog_reserve(int dirfd, const char *display, const struct hf_txrec *rec, int *reserved,
		     struct hf_err *err) HF_MUST_CHECK;

/* The last record's registry hash: *found 0 when the log is empty or missing; *same 1
 * when it is `reg` (present) or "-" (absent).  For recovery, which must not record an
 * outcome twice. */
int hf_txlog_last_registry(int dirfd, const char *display, int present,
			   const uint8_t reg[HF_SHA256_LEN], int *found, int *same,
			   struct hf_err *err) HF_MUST_CHECK;

/* What verification found. */
struct hf_txlog_check {
	size_t records;
	char head[HF_SHA256_HEX];   /* the last record's hash, or "" */
	int registry_checked;       /* the last record was compared with installed.xml */
	size_t receipts, receipts_ok;
	size_t problems;
	char problem[2048];         /* the first problems, "; "-separated */
};

/* Verify dirfd/txlog: every hash, every link, every seq; the last record's registry
 * against the registry as it is (present/reg); each receipt against the log and,
 * with trust, its signature.  Problems are counted in out (0: intact); errors only for
 * what could not be read at all (-HF_E_IO). */
int hf_txlog_verify(int dirfd, const char *display, int present,
		    const uint8_t reg[HF_SHA256_LEN], const char *trust,
		    struct hf_txlog_check *out, struct hf_err *err) HF_MUST_CHECK;

#endif
