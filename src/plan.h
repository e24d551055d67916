/* plan: what applying a manifest would do to each file of one site, and why.
 *
 * Owns: struct hf_plan (free with hf_plan_free); it points into the manifest and the
 * site it was made from, which must outlive it.  Decisions come from the files' real
 * state -- the version resource and, where it matters, the SHA-256 -- never from
 * timestamps:
 *   installed older than the manifest  -> install
 *   equal version, same SHA-256        -> current (nothing to do)
 *   equal version, other SHA-256       -> conflict (modified file; refuse)
 *   installed newer                    -> newer (leave it; never downgrade)
 *   missing, not a regular file, unreadable version -> conflict
 *   two names of one directory that fold to the file's (site.h) -> conflict
 * Each item carries the file's path as the site spells it (site.h): what apply journals,
 * swaps, backs up and records, and what every report names. */
#ifndef HOTFIX_PLAN_H
#define HOTFIX_PLAN_H

#include <stddef.h>
#include <sys/stat.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "manifest.h"
#include "site.h"
#include "version.h"

enum hf_action { HF_ACT_INSTALL, HF_ACT_CURRENT, HF_ACT_NEWER, HF_ACT_CONFLICT };

/* When to compute the SHA-256 of installed files. */
enum hf_hash_mode {
	HF_HASH_EQUAL, /* only when the version equals the manifest's (needed to decide) */
	HF_HASH_NONE,  /* never: an equal version counts as current (audit without hashes) */
	HF_HASH_ALL,   /* every present file (audit --verify-hashes) */
};

struct hf_plan_item {
	const struct hf_mfile *file;
	char path[HF_SITE_REL_MAX]; /* file->path as the site spells it (file->path's length) */
	enum hf_action action;
	int ambiguous;     /* two entries of one directory fold to a component of the path */
	int present;       /* the file exists and is a regular file */
	int unread;        /* the file could not be read -- open (but for ENOENT, ELOOP,
			    * ENOTDIR: those say what is there), fstat, read or hash failed;
			    * reason gives the errno text.  What it holds is not known. */
	int has_version;   /* a version resource was read */
	struct hf_version installed;
	uint64_t size;     /* of the installed file, when present */
	struct stat st;    /* of the installed file as inspected, when present: whoever acts
			    * on the plan later can tell whether the file changed since */
	int hashed;        /* sha256 below is valid */
	uint8_t sha256[HF_SHA256_LEN];
	char reason[512];  /* one line: why this action */
};

struct hf_plan {
	const struct hf_manifest *manifest;
	const struct hf_site *site;
	const struct hf_fileset *fileset;
	size_t n;
	struct hf_plan_item *items;
	size_t count[4]; /* per enum hf_action */
};

/* 0 if the manifest is for the site's product and has a file set for its service pack;
 * else -HF_E_NOTAPPLICABLE with a message naming the service packs that are. */
int hf_plan_applicable(const struct hf_manifest *m, const struct hf_site *site,
		       struct hf_err *err) HF_MUST_CHECK;

/* Inspect the site's files and decide.  Conflicts are not errors here: they are in the
 * plan (count[HF_ACT_CONFLICT]).  Errors: -HF_E_NOTAPPLICABLE, -HF_E_NOMEM, -HF_E_IO
 * (an I/O error while reading a present file). */
int hf_plan_make(const struct hf_manifest *m, const struct hf_site *site,
		 enum hf_hash_mode hash, struct hf_plan **out, struct hf_err *err) HF_MUST_CHECK;

/* hf_plan_make for a report (audit): a file that cannot be read is not an error but an
 * item with unread set (action conflict), so that every other file is still inspected.
 * Errors: -HF_E_NOTAPPLICABLE, -HF_E_NOMEM. */
int hf_plan_survey(const struct hf_manifest *m, const struct hf_site *site,
		   enum hf_hash_mode hash, struct hf_plan **out, struct hf_err *err) HF_MUST_CHECK;

void hf_plan_free(struct hf_plan *plan);

const char *hf_action_name(enum hf_action a);

#endif
