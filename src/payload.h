/* payload: the archive that carries a hotfix's new files (CAB, tar or zip, through
 * libarchive).
 *
 * Owns: checks of the payload file against its manifest (exact size and SHA-256) and the
 * extraction of the entries a plan needs.  Extraction first checks the archive's size
 * and SHA-256 -- libarchive never parses a byte that is not the signed payload -- then
 * reads it through the same descriptor, hashing again every byte libarchive consumes (a
 * file changed in between fails the second check); each wanted entry is
 * written to a descriptor the caller opened, hashed and counted while it is written, and
 * never beyond the size the manifest gives it.  Nothing is written anywhere else: entry
 * names only select, they never become paths; entries the manifest does not name are
 * skipped unread into any file.  A wanted entry must be a plain regular file (not a
 * symlink, hard link, device or directory), appear once, and not share its name with
 * another entry when case is ignored.
 *
 * Caps, whatever the manifest says: at most HF_PAYLOAD_ENTRIES_MAX entries; entry names of
 * at most HF_PAYLOAD_NAME_MAX bytes and HF_PAYLOAD_DEPTH_MAX levels; and all entries
 * together, wanted or not, may expand to at most HF_PAYLOAD_EXPAND_BASE plus
 * HF_PAYLOAD_EXPAND_RATIO times the payload's signed size (a declared size past the cap
 * is refused before it is inflated; the bytes actually produced are counted as they come,
 * so an entry that lies about its size is stopped too). */
#ifndef HOTFIX_PAYLOAD_H
#define HOTFIX_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"

#define HF_PAYLOAD_ENTRIES_MAX 100000
#define HF_PAYLOAD_NAME_MAX 1024
#define HF_PAYLOAD_DEPTH_MAX 64
#define HF_PAYLOAD_EXPAND_BASE (64 << 20) /* bytes */
#define HF_PAYLOAD_EXPAND_RATIO 256

struct hf_progress;

/* Verify the payload named by the manifest, telling pr (progress.h; may be NULL) the
 * bytes hashed ("verifying payload").  Errors: -HF_E_IO (missing, unreadable),
 * -HF_E_SIZE, -HF_E_HASH; the message prints both values compared. */
int hf_payload_verify(const struct hf_manifest *m, const struct hf_progress *pr,
		      struct hf_err *err) HF_MUST_CHECK;

/* Cheap first check, before a transaction starts: the payload is there, a regular file
 * of the manifest's size (its SHA-256 is checked when it is read).  Errors: -HF_E_IO,
 * -HF_E_SIZE. */
int hf_payload_present(const struct hf_manifest *m, struct hf_err *err) HF_MUST_CHECK;

/* One entry wanted from the payload. */
struct hf_payload_want {
	const char *source;    /* entry name in the archive ("SP3/i386/Basesvr.dll") */
	uint64_t size;         /* expected size */
	const uint8_t *sha256; /* expected SHA-256 */
	int fd;                /* where its bytes go (writes go through module fsop) */
	int done;              /* set once written and verified */
};

/* Read the payload once, verify it, and write each wanted entry to its fd, telling pr
 * (may be NULL) the bytes of each pass: "verifying payload", then "staging payload".
 * Errors: -HF_E_IO (unreadable, or a write failed), -HF_E_SIZE, -HF_E_HASH,
 * -HF_E_MALFORMED (not an archive libarchive reads, an entry missing, duplicated or
 * not a regular file), -HF_E_INTR (a signal was caught, intr.h: checked as each block
 * is written). */
int hf_payload_extract(const struct hf_manifest *m, struct hf_payload_want *want, size_t n,
		       const struct hf_progress *pr, struct hf_err *err) HF_MUST_CHECK;

#endif
