/* manifest: a hotfix manifest, read once, verified, parsed and validated.
 *
 * Owns: struct hf_manifest and everything it points to; free with hf_manifest_free().
 * hf_manifest_load() reads MANIFEST and MANIFEST.p7s into memory once, verifies the
 * signature over exactly those bytes (module sig), and only then parses that same
 * buffer (module xml) -- the bytes verified are the bytes used. */
#ifndef HOTFIX_MANIFEST_H
#define HOTFIX_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "version.h"

#define HF_MANIFEST_MAX (1024 * 1024) /* bytes */
#define HF_SIGNATURE_MAX (64 * 1024)  /* bytes */
/* The caps of manifest.xsd (maxOccurs), checked first so that the error names them. */
#define HF_MANIFEST_SETS_MAX 32   /* file sets per manifest */
#define HF_FILESET_FILES_MAX 256 /* files per file set */

struct hf_mfile {
	char *path;   /* target, relative to the site root ("bin/i386/Distmgr.dll") */
	char *source; /* entry name in the payload archive */
	struct hf_version version;
	uint64_t size;
	uint8_t sha256[HF_SHA256_LEN];
	char *date; /* may be NULL */
};

struct hf_fileset {
	unsigned servicepack;
	char *platform;
	size_t nfiles;
	struct hf_mfile *files;
};

struct hf_manifest {
	char *path; /* as given on the command line */
	char *id;
	unsigned long revision;
	char *title;
	char *product_name, *product_version;
	int restart_required;
	int authenticode_required; /* <authenticode required="true"/>: every payload file
				    * must be Authenticode-valid when staged (txn, check) */
	char *payload_href; /* as written */
	char *payload_path; /* resolved against the manifest's directory */
	uint64_t payload_size;
	uint8_t payload_sha256[HF_SHA256_LEN];
	size_t nsets;
	struct hf_fileset *sets;
	uint8_t sha256[HF_SHA256_LEN]; /* of the manifest bytes */
	int signature_skipped;         /* --insecure-skip-signature was used */
	int64_t expires;               /* seconds since the epoch, 0 when it never expires */
	char expires_text[24];         /* as written */
	char signer[256];              /* subject of the signer ("" when skipped) */
};

struct hf_trust {
	const char *trust_path; /* PEM file of trusted CAs */
	int skip_signature;     /* --insecure-skip-signature */
	int allow_expired;      /* --allow-expired */
};

/* Read, verify and parse the manifest at path.  Errors: -HF_E_IO (unreadable),
 * -HF_E_SIGNATURE, -HF_E_SCHEMA, -HF_E_MALFORMED (also two paths of a file set that
 * differ only in case: on Windows they are the same file), -HF_E_SIZE (over a limit
 * above, named in the message), -HF_E_STALE (past its `expires`, unless
 * trust->allow_expired). */
int hf_manifest_load(const char *path, const struct hf_trust *trust, struct hf_manifest **out,
		     struct hf_err *err) HF_MUST_CHECK;

/* Parse and validate an in-memory manifest without any signature check (tests, fuzzing).
 * name is used for messages and to resolve the payload path. */
int hf_manifest_parse(const uint8_t *buf, size_t len, const char *name,
		      struct hf_manifest **out, struct hf_err *err) HF_MUST_CHECK;

void hf_manifest_free(struct hf_manifest *m);

/* The file set for a service pack, or NULL. */
const struct hf_fileset *hf_manifest_fileset(const struct hf_manifest *m, unsigned servicepack);

/* "2, 3": the service packs that have file sets, ascending, into buf. */
char *hf_manifest_servicepacks(const struct hf_manifest *m, char *buf, size_t len);

#endif
