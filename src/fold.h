/* fold: names compared as Windows compares them -- without regard to case -- and the
 * lookup of one name in one directory under that rule.
 *
 * Owns nothing beyond the call: no allocation, no descriptor kept.  Names are UTF-8 and
 * fold by Unicode simple case folding (foldtab.h, CaseFolding.txt status C and S, made by
 * scripts/gen-foldtab): one code point to one, so "BASESVR.DLL" and "basesvr.dll",
 * U+00C9 and U+00E9, and U+212A KELVIN SIGN and "k" match, but U+00DF and "ss" do not.
 * A byte that is not part of a valid UTF-8 sequence (shortest form, no surrogate, at most
 * U+10FFFF) matches only itself.  Folding may change a name's length in bytes.
 * A lookup reads the directory with readdir (at most HF_FOLD_SCAN_MAX entries) and never
 * opens, follows or stats an entry: what the spelling found names is the caller's to open
 * (with O_NOFOLLOW). */
#ifndef HOTFIX_FOLD_H
#define HOTFIX_FOLD_H

#include <limits.h>

#define HF_FOLD_SCAN_MAX 65536 /* entries of one directory read by a lookup */

/* 1 if a and b are the same name once folded. */
int hf_fold_eq(const char *a, const char *b);

/* 1 if name may have another spelling: it has an ASCII letter or a non-ASCII byte. */
int hf_fold_has_case(const char *name);

enum hf_fold_result {
	HF_FOLD_MISSING = 0, /* no entry of the directory folds to name */
	HF_FOLD_ONE = 1,     /* exactly one: its spelling is in found */
	HF_FOLD_TWO = 2,     /* two or more (a conflict): the first two in strcmp order are in
			      * found and other -- the same two whatever order readdir gives */
};

/* Look name (one component, no '/') up in the directory dirfd (any descriptor openat
 * accepts as a directory, O_PATH too).  A name without a letter or non-ASCII byte is
 * looked up exactly (fstatat, no link followed) and never reads the directory; so is any
 * name in a directory this process may search but not read (EACCES), as before folding.  Returns an enum
 * hf_fold_result, or -errno (the directory cannot be opened or read; -EFBIG: more than
 * HF_FOLD_SCAN_MAX entries). */
int hf_fold_lookup(int dirfd, const char *name, char found[NAME_MAX + 1],
		   char other[NAME_MAX + 1]);

#endif
