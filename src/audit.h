/* audit: which installed files of which sites are at the versions manifests require.
 *
 * Owns: struct hf_audit and its records (hf_audit_free); records point into the
 * manifests and sites audited, which must outlive the audit.  Audit only reads, and it
 * keeps going past a bad site or file: every problem becomes a record.  Callers add
 * all manifests of one site before the next site, so a site's records are contiguous. */
#ifndef HOTFIX_AUDIT_H
#define HOTFIX_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "manifest.h"
#include "site.h"
#include "version.h"

enum hf_verdict {
	HF_V_OK,            /* the expected version (and hash, when verified) */
	HF_V_NEWER,         /* newer than expected: compliant */
	HF_V_OUTDATED,      /* older than expected */
	HF_V_MISSING,       /* not there */
	HF_V_UNREADABLE,    /* not a regular file, or no version resource */
	HF_V_MODIFIED,      /* expected version, other SHA-256 (only with hashes) */
	HF_V_NOTAPPLICABLE, /* the manifest has no file set for the site (one record) */
};

struct hf_audit_record {
	const struct hf_site *site;
	const struct hf_manifest *manifest;
	const struct hf_mfile *file; /* NULL for HF_V_NOTAPPLICABLE */
	int present, has_version, hashed;
	struct hf_version installed;
	uint64_t size;
	uint8_t sha256[HF_SHA256_LEN];
	enum hf_verdict verdict;
	char note[512];
	int drift;           /* differs from the parent site's file (same service pack) */
	char drift_note[96]; /* what the parent has */
};

struct hf_audit {
	size_t n, cap;
	struct hf_audit_record *recs;
	int verify_hashes;
};

/* Add the records of one manifest on one site.  Errors only for I/O and memory. */
int hf_audit_site(struct hf_audit *a, const struct hf_manifest *m, const struct hf_site *site,
		  struct hf_err *err) HF_MUST_CHECK;

void hf_audit_free(struct hf_audit *a); /* frees the records, not a itself */

const char *hf_verdict_name(enum hf_verdict v);

/* 1 if the verdict counts as compliant (ok, newer, not applicable). */
int hf_verdict_compliant(enum hf_verdict v);

/* 1 if every record of the audit (or of one site, when site != NULL) is compliant. */
int hf_audit_compliant(const struct hf_audit *a, const struct hf_site *site);

/* 1 if every record of site is not-applicable (or it has none). */
int hf_audit_not_applicable(const struct hf_audit *a, const struct hf_site *site);

/* Drift: flag each file of child (a site with the same service pack as parent) whose
 * installed version -- and SHA-256, when both were hashed -- differs from the parent's
 * for the same manifest and path.  Returns the number of files flagged. */
size_t hf_audit_drift(struct hf_audit *a, const struct hf_site *child,
		      const struct hf_site *parent);

/* 1 if a file of site (or of any site, when NULL) drifts. */
int hf_audit_has_drift(const struct hf_audit *a, const struct hf_site *site);

#endif
