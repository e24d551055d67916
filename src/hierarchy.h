/* hierarchy: the sites of one product installation and their parent links.
 *
 * Owns: struct hf_hierarchy (free with hf_hierarchy_free) and every site it opened.  The
 * hierarchy file only says where the sites are (roots relative to the file); the tree
 * comes from each site's site.xml, as in SMS.  hf_hierarchy_load() validates the whole
 * tree before anything else happens and names every violation: exactly one central
 * site, every parent present, no cycle, no duplicate code, no child under a secondary
 * site (codes are 3 alphanumeric characters: site.xsd), no parent in a later ring than
 * its child.
 *
 * Rings (a staged rollout): the file may give a site a ring (<site ring="N"/>, N from 0
 * to HF_RING_MAX, the bound hierarchy.xsd states too); a site without one is in the
 * last ring, one past the highest given -- with none given, every site is in ring 0, one
 * ring, as before rings existed.  A run goes ring by ring (runner.h); the order inside a
 * ring is the tree's (hf_hierarchy_by_ring). */
#ifndef HOTFIX_HIERARCHY_H
#define HOTFIX_HIERARCHY_H

#include <stddef.h>

#include "err.h"
#include "site.h"

#define HF_HIERARCHY_MAX (8 * 1024 * 1024) /* bytes of the file */
#define HF_NO_PARENT ((size_t)-1)
#define HF_RING_MAX 99 /* the highest ring a file may give (hierarchy.xsd says the same) */

struct hf_hsite {
	struct hf_site *site;
	size_t parent;     /* index, HF_NO_PARENT for the central site */
	size_t *children;  /* indexes */
	size_t nchildren;
	unsigned depth;    /* 0 for the central site */
	unsigned ring;     /* its ring: the file's, else the last ring (h->nrings - 1) */
	int ring_given;    /* the file gave it */
	char *unseen;      /* hf_hierarchy_load_partial only: why the site could not be
			    * opened; site is then a stand-in holding only root (code "",
			    * HF_SITE_UNSEEN in audit.h), and NULL otherwise */
};

struct hf_hierarchy {
	char *path;
	size_t n;
	struct hf_hsite *sites; /* in the file's order */
	size_t central;         /* HF_NO_PARENT only in a partial load that has none */
	size_t *order;          /* every index, parents before children (breadth first) */
	unsigned nrings;        /* 1 + the highest ring (1 when the file gives none) */
};

/* Load and validate.  Errors: -HF_E_IO (file or a site unreadable), -HF_E_SCHEMA,
 * -HF_E_MALFORMED (the tree is invalid: the message lists the violations). */
int hf_hierarchy_load(const char *path, struct hf_hierarchy **out,
		      struct hf_err *err) HF_MUST_CHECK;

/* The same for a report that must go on past a site it cannot read (audit): a site whose
 * site.xml cannot be read (-HF_E_IO from hf_site_open) is kept, with unseen set.  The
 * tree rules that need what it would have said are not applied: a parent that is not in
 * the hierarchy, or no central site, is not a violation while some site is unseen; such
 * an orphan has no parent and comes, with its subtree, after the central site's tree in
 * order.  A site.xml that was read and is invalid is still an error. */
int hf_hierarchy_load_partial(const char *path, struct hf_hierarchy **out,
			      struct hf_err *err) HF_MUST_CHECK;

void hf_hierarchy_free(struct hf_hierarchy *h);

/* The n = h->n indexes of in[] (an order: h->order, or the file's), ring by ring -- ring 0
 * first -- each ring's sites in their order in in[] (a stable sort, linear), into out[].
 * From h->order: every ring parents first, and since no parent is in a later ring than
 * its child, parents still before children; read backwards, the rings in reverse,
 * children first (rollback). */
void hf_hierarchy_by_ring(const struct hf_hierarchy *h, const size_t *in, size_t *out);

#endif
