/* matrix: overlap, downgrade and supersession among hotfixes on one site (see matrix.h). */
#include "matrix.h"

#include <stdlib.h>
#include <string.h>

void hf_matrix_free(struct hf_matrix *mx)
{
	for (size_t i = 0; mx->files && i < mx->nfiles; i++) {
		free(mx->files[i].path);
		free(mx->files[i].has);
		free(mx->files[i].v);
	}
	free(mx->files);
	free(mx->src);
	free(mx->down);
	free(mx->sup);
	memset(mx, 0, sizeof(*mx));
}

/* The row of path, made when new (mx->files holds room for every file of every source).
 * NULL: out of memory. */
static struct hf_matrix_file *row(struct hf_matrix *mx, const char *path)
{
	struct hf_matrix_file nf;

	if (!path || !mx->files)
		return NULL;
	for (size_t i = 0; i < mx->nfiles; i++)
		if (mx->files[i].path && !strcmp(mx->files[i].path, path))
			return &mx->files[i];
	memset(&nf, 0, sizeof(nf));
	nf.path = strdup(path);
	nf.has = calloc(mx->nsrc, 1);
	nf.v = calloc(mx->nsrc, sizeof(*nf.v));
	if (!nf.path || !nf.has || !nf.v) {
		free(nf.path);
		free(nf.has);
		free(nf.v);
		return NULL;
	}
	mx->files[mx->nfiles] = nf;
	return &mx->files[mx->nfiles++];
}

static int touch(struct hf_matrix *mx, size_t s, const char *path, const struct hf_version *v)
{
	struct hf_matrix_file *f = row(mx, path);

	if (!f)
		return -1;
	if (!f->has[s])
		f->owners++;
	f->has[s] = 1;
	f->v[s] = *v;
	return 0;
}

/* A superseded by B: B has every file of A at >= its version, one of them higher. */
static int supersedes(const struct hf_matrix *mx, size_t b, size_t a)
{
	int files = 0, higher = 0;

	for (size_t i = 0; i < mx->nfiles; i++) {
		const struct hf_matrix_file *f = &mx->files[i];
		int c;

		if (!f->has || !f->has[a])
			continue;
		files++;
		if (!f->has[b])
			return 0;
		c = hf_version_cmp(&f->v[b], &f->v[a]);
		if (c < 0)
			return 0;
		higher |= c > 0;
	}
	return files > 0 && higher;
}

/* Each row's version on the site, as the first plan that inspected the file read it. */
static void site_versions(struct hf_matrix *mx, const struct hf_plan *const *plans, size_t nm)
{
	for (size_t i = 0; i < mx->nfiles; i++) {
		struct hf_matrix_file *f = &mx->files[i];

		for (size_t k = 0; k < nm && !f->has_current; k++)
			for (size_t j = 0; plans[k] && j < plans[k]->n; j++) {
				const struct hf_plan_item *it = &plans[k]->items[j];

				if (it->present && it->has_version &&
				    !strcmp(it->file->path, f->path)) {
					f->has_current = 1;
					f->current = it->installed;
					break;
				}
			}
	}
}

static int installed_as_manifest(const struct hf_registry_entry *h,
				 const struct hf_manifest *const *ms, size_t nm)
{
	for (size_t i = 0; i < nm; i++)
		if (!strcmp(ms[i]->id, h->id))
			return 1;
	return 0;
}

int hf_matrix_build(const struct hf_registry *inst, const struct hf_manifest *const *ms,
		    const struct hf_plan *const *plans, size_t nm, struct hf_matrix *mx,
		    struct hf_err *err)
{
	size_t ninst = inst ? inst->n : 0, s = 0, total = 0, *setter = NULL;
	struct hf_version *now = NULL;

	memset(mx, 0, sizeof(*mx));
	for (size_t i = 0; i < ninst; i++)
		total += inst->hotfixes[i].nfiles;
	for (size_t i = 0; i < nm; i++)
		total += plans[i] ? plans[i]->n : 0;
	mx->src = calloc(ninst + nm + 1, sizeof(*mx->src));
	mx->files = calloc(total + 1, sizeof(*mx->files));
	if (!mx->src || !mx->files)
		goto oom;
	for (size_t i = 0; i < ninst; i++)
		if (!installed_as_manifest(&inst->hotfixes[i], ms, nm))
			mx->src[mx->nsrc++] = (struct hf_matrix_source){
			    inst->hotfixes[i].id, inst->hotfixes[i].revision, 1, 1};
	for (size_t i = 0; i < nm; i++)
		mx->src[mx->nsrc++] =
		    (struct hf_matrix_source){ms[i]->id, ms[i]->revision, 0, plans[i] != NULL};
	/* the rows: installed hotfixes' files, then the manifests' */
	for (size_t i = 0; i < ninst; i++) {
		const struct hf_registry_entry *h = &inst->hotfixes[i];

		if (installed_as_manifest(h, ms, nm))
			continue;
		for (size_t k = 0; k < h->nfiles; k++)
			if (touch(mx, s, h->files[k].path, &h->files[k].new_version))
				goto oom;
		s++;
	}
	for (size_t i = 0; i < nm; i++, s++)
		for (size_t k = 0; plans[i] && k < plans[i]->n; k++)
			if (touch(mx, s, plans[i]->items[k].file->path,
				  &plans[i]->items[k].file->version))
				goto oom;
	site_versions(mx, plans, nm);
	for (size_t i = 0; i < mx->nfiles; i++)
		mx->noverlap += mx->files[i].owners > 1;
	/* downgrades: the manifests applied in order over the files as they are; now[i] is
	 * the version file i has by then, setter[i] 1 + the source that brought it (0: the
	 * site's own, valid when the row has_current) */
	setter = calloc(mx->nfiles + 1, sizeof(*setter));
	now = calloc(mx->nfiles + 1, sizeof(*now));
	mx->down = calloc(mx->nfiles * (nm ? nm : 1) + 1, sizeof(*mx->down));
	mx->sup = calloc(mx->nsrc * mx->nsrc + 1, sizeof(*mx->sup));
	if (!setter || !now || !mx->down || !mx->sup)
		goto oom;
	for (size_t i = 0; i < mx->nfiles; i++)
		now[i] = mx->files[i].current;
	for (size_t m = mx->nsrc - nm; m < mx->nsrc; m++) {
		for (size_t i = 0; i < mx->nfiles; i++) {
			struct hf_matrix_file *f = &mx->files[i];

			if (!f->has || !f->has[m])
				continue;
			if ((f->has_current || setter[i]) &&
			    hf_version_cmp(&f->v[m], &now[i]) < 0) {
				mx->down[mx->ndown++] = (struct hf_matrix_down){
				    i, m, now[i], setter[i] ? setter[i] - 1 : HF_MATRIX_NONE};
				continue;
			}
			now[i] = f->v[m];
			setter[i] = m + 1;
		}
	}
	for (size_t a = 0; a < mx->nsrc; a++)
		for (size_t b = 0; b < mx->nsrc; b++)
			if (a != b && supersedes(mx, b, a))
				mx->sup[mx->nsup++] = (struct hf_matrix_sup){a, b};
	free(now);
	free(setter);
	return 0;
oom:
	free(now);
	free(setter);
	hf_matrix_free(mx);
	return hf_err_set(err, HF_E_NOMEM, "out of memory");
}
