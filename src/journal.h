/* journal: the record of a transaction in flight (SITE/.hotfix/journal).
 *
 * Read by: recovery (txn.h: hf_txn_recover, and every writer before it starts), to
 * finish or undo the transaction; deleted at the commit.  For the tool, not for people.
 *
 * Owns: struct hf_journal (free with hf_journal_free) and its on-disk form, a small
 * versioned text file written once, atomically (journal.tmp, fsync, rename, fsync) and
 * fsync'd before the first change to the site:
 *
 *   hotfix-journal 1
 *   op apply                          (or rollback)
 *   id KB936465
 *   revision 1
 *   registry-before <sha256 | ->      installed.xml before the transaction (- = none)
 *   registry-after <sha256>           installed.xml as the commit writes it
 *   files N
 *   file <from-version> <from-sha256> <to-version> <to-sha256> <path>   (N lines)
 *   sha256 <sha256 of every byte above this line>
 *
 * Each file goes from the content `from` to the content `to`.  Where the transaction
 * stands is never written down: recovery reads it off the site (see txn.h).  Any
 * deviation -- version, field, count, checksum -- is -HF_E_MALFORMED: a journal is never
 * trusted in part. */
#ifndef HOTFIX_JOURNAL_H
#define HOTFIX_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "version.h"

#define HF_JOURNAL_MAX (1024 * 1024)
#define HF_JOURNAL_FILES_MAX 4096

enum hf_journal_op { HF_JOURNAL_APPLY, HF_JOURNAL_ROLLBACK };

struct hf_jfile {
	char *path;
	struct hf_version from_version, to_version;
	uint8_t from[HF_SHA256_LEN], to[HF_SHA256_LEN];
};

struct hf_journal {
	enum hf_journal_op op;
	char id[65];
	unsigned long revision;
	int has_before; /* installed.xml existed before */
	uint8_t before[HF_SHA256_LEN], after[HF_SHA256_LEN];
	size_t n;
	struct hf_jfile *files;
};

const char *hf_journal_op_name(enum hf_journal_op op);

/* The on-disk form of j in a new buffer (free() it). */
int hf_journal_format(const struct hf_journal *j, char **buf, size_t *len,
		      struct hf_err *err) HF_MUST_CHECK;

/* Parse and check a journal; name is for messages. */
int hf_journal_parse(const uint8_t *buf, size_t len, const char *name, struct hf_journal **out,
		     struct hf_err *err) HF_MUST_CHECK;

/* Write j as dirfd/journal, durably.  display names the directory in messages. */
int hf_journal_write(int dirfd, const struct hf_journal *j, const char *display,
		     struct hf_err *err) HF_MUST_CHECK;

/* Read dirfd/journal: *out is NULL (and 0 returned) when there is none. */
int hf_journal_read(int dirfd, const char *display, struct hf_journal **out,
		    struct hf_err *err) HF_MUST_CHECK;

/* Remove dirfd/journal (and journal.tmp), and fsync dirfd when durable; missing is fine. */
int hf_journal_remove(int dirfd, int durable, const char *display,
		      struct hf_err *err) HF_MUST_CHECK;

void hf_journal_free(struct hf_journal *j);

#endif
