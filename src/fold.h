/* fold: names compared as Windows compares them -- without regard to case -- and the
 * lookup of one name in one directory under that rule.
 *
 * Owns nothing beyond the call: no allocation, no descriptor kept.  Folding is ASCII only:
 * 'A'..'Z' fold to 'a'..'z'; every other byte (UTF-8 sequences included) compares exactly,
 * so two names that differ only in the case of a non-ASCII letter are different names.
 * A lookup reads the directory with readdir (at most HF_FOLD_SCAN_MAX entries) and never
 * opens, follows or stats an entry: what the spelling found names is the caller's to open
 * (with O_NOFOLLOW). */
#ifndef HOTFIX_FOLD_H
#define HOTFIX_FOLD_H

#include <limits.h>

#define HF_FOLD_SCAN_MAX (1024 * 1024) /* entries of one directory read by a lookup */

/* 1 if a and b are the same name when ASCII letters are folded to lower case. */
int hf_fold_eq(const char *a, const char *b);

/* 1 if name has a byte that folding changes or that another byte folds to (an ASCII
 * letter): only such a name can have another spelling. */
int hf_fold_has_case(const char *name);

enum hf_fold_result {
	HF_FOLD_MISSING = 0, /* no entry of the directory folds to name */
	HF_FOLD_ONE = 1,     /* exactly one: its spelling is in found */
	HF_FOLD_TWO = 2,     /* two or more (a conflict): the first two in strcmp order are in
			      * found and other -- the same two whatever order readdir gives */
};

/* Look name (one component, no '/') up in the directory dirfd (any descriptor openat
 * accepts as a directory, O_PATH too).  A name without an ASCII letter is looked up
 * exactly (fstatat, no link followed) and never reads the directory.  Returns an enum
 * hf_fold_result, or -errno (the directory cannot be opened or read; -EFBIG: more than
 * HF_FOLD_SCAN_MAX entries). */
int hf_fold_lookup(int dirfd, const char *name, char found[NAME_MAX + 1],
		   char other[NAME_MAX + 1]);

#endif
