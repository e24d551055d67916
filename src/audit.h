/* audit: which installed files of which sites are at the versions manifests require.
 *
 * Owns: struct hf_audit and its records (hf_audit_free); records point into the
 * manifests and sites audited, which must outlive the audit.  Audit only reads, and it
 * keeps going past a bad site or file: every problem becomes a record.  Callers add
 * all manifests of one site before the next site, so a site's records are contiguous,
 * and a manifest's records on a site too.
 *
 * An audit never reports what it did not see.  Each site x manifest gets one of four
 * states, as in SCCM: installed, required, not applicable, unknown.  Unknown is a file
 * that could not be read (verdict unknown), or a site that could not be audited at all
 * -- busy, damaged, unreadable: one record per manifest, without a file (hf_audit_unknown).
 * Unknown is never compliant: an audit with anything unknown is incomplete.
 *
 * With pe_trust (audit --verify-signatures), each file ok or newer is opened again and its
 * Authenticode signature verified (authenticode.h): one that is not valid is verdict
 * `signature` (not compliant, the note says the status and why); one that cannot be read
 * is unknown. */
#ifndef HOTFIX_AUDIT_H
#define HOTFIX_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "authenticode.h"
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
	HF_V_UNREADABLE,    /* read, but not a regular file, or no version resource */
	HF_V_MODIFIED,      /* expected version, other SHA-256 (only with hashes) */
	HF_V_NOTAPPLICABLE, /* the manifest has no file set for the site (one record) */
	HF_V_UNKNOWN,       /* could not be read (note: the errno text), or two names fold to
			     * its path (site.h: which is meant is not known); without a file: the
			     * site could not be audited (note: busy, damaged, unreadable) */
	HF_V_SIGNATURE,     /* (--verify-signatures) ok or newer, but its Authenticode
			     * signature is not valid (authenticode holds the status) */
};

/* The state of one manifest on one site. */
enum hf_astate {
	HF_AS_INSTALLED,     /* every file ok or newer */
	HF_AS_REQUIRED,      /* some file outdated, missing, unreadable or modified; none
			      * unknown */
	HF_AS_NOTAPPLICABLE, /* no file set for the site */
	HF_AS_UNKNOWN,       /* some file, or the whole site, could not be seen */
};
#define HF_ASTATES 4

/* A site whose identity is not known (site.xml could not be read) has code "". */
#define HF_SITE_UNSEEN(s) ((s)->code[0] == '\0')

struct hf_audit_record {
	const struct hf_site *site;
	const struct hf_manifest *manifest;
	const struct hf_mfile *file; /* NULL for HF_V_NOTAPPLICABLE */
	char path[HF_SITE_REL_MAX];  /* file->path as the site spells it (plan.h); "": as
				      * the manifest does -- read it with hf_audit_path */
	int present, has_version, hashed;
	struct hf_version installed;
	uint64_t size;
	uint8_t sha256[HF_SHA256_LEN];
	enum hf_verdict verdict;
	enum hf_astate state; /* of the manifest on the site (the same on all its records) */
	char note[512];
	char authenticode[12]; /* (pe_trust set) the file's Authenticode status
				* (hf_ac_status_word), "unknown" when it could not be read;
				* "" when not verified: only a file ok or newer is */
	int drift;           /* differs from the parent site's file (same service pack) */
	char drift_note[96]; /* what the parent has */
};

/* The record's file as the site spells it (the manifest's spelling when the site's is not
 * known); NULL for a record without a file. */
const char *hf_audit_path(const struct hf_audit_record *r);

/* Where one site's records are: recs[first .. end). */
struct hf_audit_span {
	const struct hf_site *site;
	size_t first, end;
};

struct hf_audit {
	size_t n, cap;
	struct hf_audit_record *recs;
	int verify_hashes;
	struct hf_ac_trust *pe_trust; /* audit --verify-signatures: the anchors each installed
				       * file (ok or newer) is verified against, set before the
				       * walk; NULL: signatures are not looked at */
	/* the index of the sites' records, so that a question about one site reads only its
	 * records (an audit of 10,000 sites asks 10,000 of them): spans in the order of the
	 * sites, and an open-addressed table of span numbers + 1 (0: free) keyed by site */
	struct hf_audit_span *spans;
	size_t nspans, spancap;
	size_t *table, tablecap; /* tablecap: 0 or a power of two >= 2 * nspans */
	size_t indexed;          /* records added here; others (a test's): no index */
	int scattered;           /* a site's records came in two runs: every question
				  * reads all records (the contract above was broken) */
};

/* Add the records of one manifest on one site.  Errors only for I/O and memory. */
int hf_audit_site(struct hf_audit *a, const struct hf_manifest *m, const struct hf_site *site,
		  struct hf_err *err) HF_MUST_CHECK;

/* Add one record saying that m could not be audited on site, and why (note): the site
 * is busy, damaged or unreadable.  Errors: -HF_E_NOMEM. */
int hf_audit_unknown(struct hf_audit *a, const struct hf_manifest *m, const struct hf_site *site,
		     const char *why, struct hf_err *err) HF_MUST_CHECK;

void hf_audit_free(struct hf_audit *a); /* frees the records, not a itself */

const char *hf_verdict_name(enum hf_verdict v);

/* "installed", "required", "not-applicable", "unknown". */
const char *hf_astate_name(enum hf_astate s);

/* The state of a manifest on a site, its files' verdicts taken one by one: start from
 * HF_AS_NOTAPPLICABLE; unknown wins over required, required over installed, installed
 * over not applicable. */
enum hf_astate hf_astate_add(enum hf_astate so_far, enum hf_verdict v);

/* 1 if the verdict counts as compliant (ok, newer, not applicable). */
int hf_verdict_compliant(enum hf_verdict v);

/* 1 if every record of the audit (or of one site, when site != NULL) is compliant --
 * never when anything is unknown. */
int hf_audit_compliant(const struct hf_audit *a, const struct hf_site *site);

/* 1 if nothing of the audit (or of one site) is unknown. */
int hf_audit_complete(const struct hf_audit *a, const struct hf_site *site);

/* Count the site x manifest pairs of the audit (or of one site) per state. */
void hf_audit_totals(const struct hf_audit *a, const struct hf_site *site,
		     size_t totals[HF_ASTATES]);

/* 1 if every record of site is not-applicable (or it has none). */
int hf_audit_not_applicable(const struct hf_audit *a, const struct hf_site *site);

/* The verdict on a site or on the whole audit.  Decided here; every report names it
 * through hf_compliance_name (the words of JSON, CSV, XML) or its own table of phrases
 * indexed by this enum (text headline, DOT colours). */
enum hf_compliance {
	HF_C_COMPLIANT,      /* every record compliant, nothing unknown */
	HF_C_NOT_COMPLIANT,  /* something required, nothing unknown */
	HF_C_NOT_APPLICABLE, /* a site only: every record not applicable */
	HF_C_UNKNOWN,        /* a site only: something could not be seen */
	HF_C_INCOMPLETE,     /* the audit only: something could not be seen */
};
#define HF_COMPLIANCES (HF_C_INCOMPLETE + 1)

/* "compliant", "not compliant", "not applicable", "unknown", "incomplete". */
const char *hf_compliance_name(enum hf_compliance c);

/* One site: unknown first (a site with anything unknown is never called anything else),
 * then not applicable, then compliant or not compliant. */
enum hf_compliance hf_site_compliance(const struct hf_audit *a, const struct hf_site *site);

/* The whole audit: incomplete (anything unknown), compliant or not compliant. */
enum hf_compliance hf_audit_compliance(const struct hf_audit *a);

/* The names of those two: hf_compliance_name(hf_site_compliance(a, site)), and of
 * hf_audit_compliance(a). */
const char *hf_site_verdict(const struct hf_audit *a, const struct hf_site *site);
const char *hf_audit_verdict(const struct hf_audit *a);

/* Drift: flag each file of child (a site with the same service pack as parent) whose
 * installed version -- and SHA-256, when both were hashed -- differs from the parent's
 * for the same manifest and path.  Returns the number of files flagged. */
size_t hf_audit_drift(struct hf_audit *a, const struct hf_site *child,
		      const struct hf_site *parent);

/* 1 if a file of site (or of any site, when NULL) drifts. */
int hf_audit_has_drift(const struct hf_audit *a, const struct hf_site *site);

#endif
