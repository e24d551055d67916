/* matrix: several hotfixes against one site -- which files each touches, which files two
 * of them own, which would go down in version, which hotfix a newer one supersedes.
 *
 * Owns: struct hf_matrix (free with hf_matrix_free).  The sources are the hotfixes the
 * site's registry lists (installed), then the manifests given, in that order (a manifest
 * whose id is installed stands for it: the installed entry is left out).  Each source's
 * files are its file set for the site's service pack (a manifest with none touches
 * nothing here) or, installed, the files it replaced.  From them:
 *   overlap     a file two or more sources own;
 *   downgrade   applying the manifests in the order given, one that carries a lower
 *               version of a file than the site has by then (the installed file, or an
 *               earlier manifest's) -- apply never downgrades: it would leave the file;
 *   superseded  every file of A is in B at the same or a higher version, one of them
 *               higher: B replaces A (for an installed A, A can be rolled back after B).
 * Decided from versions only, as the plan decides (doc/DESIGN.md "How data flows"). */
#ifndef HOTFIX_MATRIX_H
#define HOTFIX_MATRIX_H

#include <stddef.h>

#include "err.h"
#include "manifest.h"
#include "plan.h"
#include "registry.h"
#include "version.h"

#define HF_MATRIX_NONE ((size_t)-1)

struct hf_matrix_source {
	const char *id;     /* borrowed from the registry or the manifest */
	unsigned long revision;
	int installed;      /* from the registry; else a manifest */
	int applicable;     /* a manifest with a file set for the site's service pack */
};

struct hf_matrix_file {
	char *path;
	int has_current;              /* the site's file has a version resource */
	struct hf_version current;    /* ... its version, as the plan read it */
	unsigned char *has;           /* per source: it touches this file */
	struct hf_version *v;         /* per source: the version it brings */
	size_t owners;                /* how many sources touch it */
};

struct hf_matrix_down {
	size_t file, src;
	struct hf_version above; /* the version there by then */
	size_t above_src;        /* whose: a source, or HF_MATRIX_NONE (the site's file) */
};

struct hf_matrix_sup {
	size_t src, by;
};

struct hf_matrix {
	size_t nsrc, nfiles, noverlap, ndown, nsup;
	struct hf_matrix_source *src;
	struct hf_matrix_file *files; /* in the order first seen */
	struct hf_matrix_down *down;
	struct hf_matrix_sup *sup;
};

/* Build the matrix of the installed registry inst and the nm manifests ms (plans[i] is
 * ms[i]'s plan on the site, or NULL when it is not applicable); inst, ms and plans must
 * outlive it.  Errors: -HF_E_NOMEM. */
int hf_matrix_build(const struct hf_registry *inst, const struct hf_manifest *const *ms,
		    const struct hf_plan *const *plans, size_t nm, struct hf_matrix *out,
		    struct hf_err *err) HF_MUST_CHECK;

void hf_matrix_free(struct hf_matrix *mx);

#endif
