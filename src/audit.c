/* audit: turn plans into per-file verdicts. */
#include "audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"

const char *hf_verdict_name(enum hf_verdict v)
{
	static const char *const names[] = { "ok",         "newer",    "outdated",
					     "missing",    "unreadable", "modified",
					     "not-applicable", "unknown", "signature" };

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

const char *hf_astate_name(enum hf_astate s)
{
	static const char *const names[HF_ASTATES] = { "installed", "required", "not-applicable",
						       "unknown" };

	return (unsigned)s < HF_ASTATES ? names[s] : "?";
}

/* How much a state weighs when a manifest's files are combined: unknown over required
 * over installed over not applicable. */
static int rank(enum hf_astate s)
{
	static const int r[HF_ASTATES] = { 1, 2, 0, 3 };

	return (unsigned)s < HF_ASTATES ? r[s] : 3;
}

enum hf_astate hf_astate_add(enum hf_astate so_far, enum hf_verdict v)
{
	enum hf_astate one = v == HF_V_UNKNOWN	     ? HF_AS_UNKNOWN
			     : v == HF_V_NOTAPPLICABLE ? HF_AS_NOTAPPLICABLE
			     : hf_verdict_compliant(v) ? HF_AS_INSTALLED
						       : HF_AS_REQUIRED;

	return rank(one) > rank(so_far) ? one : so_far;
}

int hf_verdict_compliant(enum hf_verdict v)
{
	return v == HF_V_OK || v == HF_V_NEWER || v == HF_V_NOTAPPLICABLE;
}

static size_t slot_of(const struct hf_site *site, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)site * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (cap - 1);
}

/* The span of site, or NULL. */
static const struct hf_audit_span *span_of(const struct hf_audit *a, const struct hf_site *site)
{
	if (!a->tablecap)
		return NULL;
	for (size_t i = slot_of(site, a->tablecap);; i = (i + 1) & (a->tablecap - 1)) {
		size_t k = a->table[i];

		if (!k)
			return NULL;
		if (a->spans[k - 1].site == site)
			return &a->spans[k - 1];
	}
}

static void table_put(size_t *table, size_t cap, const struct hf_audit_span *spans, size_t k)
{
	size_t i = slot_of(spans[k].site, cap);

	while (table[i])
		i = (i + 1) & (cap - 1);
	table[i] = k + 1;
}

/* Start a span for site at record a->n.  -1: out of memory. */
static int new_span(struct hf_audit *a, const struct hf_site *site)
{
	if (a->nspans == a->spancap) {
		size_t cap = a->spancap ? a->spancap * 2 : 16;
		struct hf_audit_span *sp = realloc(a->spans, cap * sizeof(*sp));

		if (!sp)
			return -1;
		a->spans = sp;
		a->spancap = cap;
	}
	if (2 * (a->nspans + 1) > a->tablecap) {
		size_t cap = a->tablecap ? a->tablecap * 2 : 64;
		size_t *t = calloc(cap, sizeof(*t));

		if (!t)
			return -1;
		for (size_t k = 0; k < a->nspans; k++)
			table_put(t, cap, a->spans, k);
		free(a->table);
		a->table = t;
		a->tablecap = cap;
	}
	a->spans[a->nspans] = (struct hf_audit_span){ site, a->n, a->n };
	table_put(a->table, a->tablecap, a->spans, a->nspans);
	a->nspans++;
	return 0;
}

/* A new record for site, zeroed but for its site. */
static struct hf_audit_record *push(struct hf_audit *a, const struct hf_site *site)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct hf_audit_record *r = realloc(a->recs, cap * sizeof(*r));

		if (!r)
			return NULL;
		a->recs = r;
		a->cap = cap;
	}
	if (!a->nspans || a->spans[a->nspans - 1].site != site) {
		if (span_of(a, site))
			a->scattered = 1;
		else if (new_span(a, site))
			return NULL;
	}
	if (!a->scattered)
		a->spans[a->nspans - 1].end = a->n + 1;
	memset(&a->recs[a->n], 0, sizeof(a->recs[0]));
	a->recs[a->n].site = site;
	a->indexed++;
	return &a->recs[a->n++];
}

/* The records a question about site (NULL: every site) must read: [*lo, *hi).  The
 * caller still tests each record's site. */
static void range_of(const struct hf_audit *a, const struct hf_site *site, size_t *lo,
		     size_t *hi)
{
	const struct hf_audit_span *sp;

	*lo = 0;
	*hi = a->n;
	if (!site || a->scattered || a->indexed != a->n) /* records not added by push */
		return;
	sp = span_of(a, site);
	*lo = sp ? sp->first : 0;
	*hi = sp ? sp->end : 0;
}

int hf_audit_compliant(const struct hf_audit *a, const struct hf_site *site)
{
	size_t lo, hi;

	range_of(a, site, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if ((!site || a->recs[i].site == site) && !hf_verdict_compliant(a->recs[i].verdict))
			return 0;
	return 1;
}

/* The state of the manifest whose records on one site start at first (to the end). */
static void set_state(struct hf_audit *a, size_t first)
{
	enum hf_astate st = HF_AS_NOTAPPLICABLE;

	for (size_t i = first; i < a->n; i++)
		st = hf_astate_add(st, a->recs[i].verdict);
	for (size_t i = first; i < a->n; i++)
		a->recs[i].state = st;
}

const char *hf_audit_path(const struct hf_audit_record *r)
{
	return !r->file ? NULL : r->path[0] ? r->path : r->file->path;
}

static enum hf_verdict verdict_of(const struct hf_plan_item *it)
{
	if (it->unread || it->ambiguous) /* which of two spellings is meant: not known */
		return HF_V_UNKNOWN;
	switch (it->action) {
	case HF_ACT_INSTALL:
		return HF_V_OUTDATED;
	case HF_ACT_CURRENT:
		return HF_V_OK;
	case HF_ACT_NEWER:
		return HF_V_NEWER;
	case HF_ACT_CONFLICT:
		break;
	}
	if (!it->present)
		return HF_V_MISSING;
	if (!it->has_version)
		return HF_V_UNREADABLE;
	return HF_V_MODIFIED;
}

/* --verify-signatures: the Authenticode status of a file that is ok or newer; one not valid
 * is verdict signature, one that cannot be read unknown (the note says why). */
static void verify_signature(struct hf_audit *a, const struct hf_site *site,
			     struct hf_audit_record *rec)
{
	struct hf_ac_result *res = NULL;
	struct hf_err err;
	struct stat st;
	int fd = -1, sys_errno = 0;
	const char *why;

	if (rec->verdict != HF_V_OK && rec->verdict != HF_V_NEWER)
		return;
	res = malloc(sizeof(*res));
	if (!res) {
		hf_err_set(&err, HF_E_NOMEM, "out of memory");
		goto unknown;
	}
	if (hf_site_open_file(site, rec->path, &fd, NULL, &sys_errno, &err) != 0)
		goto unknown;
	if (fstat(fd, &st) != 0) {
		hf_err_set(&err, HF_E_IO, "fstat: %s", strerror(errno));
		goto unknown;
	}
	if (hf_ac_verify_fd(a->pe_trust, fd, (uint64_t)st.st_size, 0, res, &err) != 0)
		goto unknown;
	snprintf(rec->authenticode, sizeof(rec->authenticode), "%s",
		 hf_ac_status_word(res->status));
	if (res->status != HF_AC_VALID) {
		why = hf_ac_reason(res);
		rec->verdict = HF_V_SIGNATURE;
		snprintf(rec->note, sizeof(rec->note), "Authenticode %s%s%.400s",
			 hf_ac_status_word(res->status), why[0] ? ": " : "", why);
	}
	goto out;
unknown:
	snprintf(rec->authenticode, sizeof(rec->authenticode), "unknown");
	rec->verdict = HF_V_UNKNOWN;
	snprintf(rec->note, sizeof(rec->note), "Authenticode signature not verified: %.440s",
		 err.msg);
out:
	if (fd >= 0)
		close(fd);
	free(res);
}

int hf_audit_site(struct hf_audit *a, const struct hf_manifest *m, const struct hf_site *site,
		  struct hf_err *err)
{
	struct hf_plan *plan = NULL;
	struct hf_err why;
	struct hf_audit_record *rec;
	size_t first;
	int r = hf_plan_applicable(m, site, &why);

	if (r) {
		rec = push(a, site);
		if (!rec)
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
		rec->manifest = m;
		rec->verdict = HF_V_NOTAPPLICABLE;
		rec->state = HF_AS_NOTAPPLICABLE;
		snprintf(rec->note, sizeof(rec->note), "%.500s", why.msg);
		return 0;
	}
	r = hf_plan_survey(m, site, a->verify_hashes ? HF_HASH_ALL : HF_HASH_NONE, &plan, err);
	if (r)
		return r;
	first = a->n;
	for (size_t i = 0; i < plan->n; i++) {
		const struct hf_plan_item *it = &plan->items[i];

		rec = push(a, site);
		if (!rec) {
			hf_plan_free(plan);
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
		}
		rec->manifest = m;
		rec->file = it->file;
		memcpy(rec->path, it->path, sizeof(rec->path));
		rec->present = it->present;
		rec->has_version = it->has_version;
		rec->hashed = it->hashed;
		rec->installed = it->installed;
		rec->size = it->size;
		memcpy(rec->sha256, it->sha256, HF_SHA256_LEN);
		rec->verdict = verdict_of(it);
		memcpy(rec->note, it->reason, sizeof(rec->note));
		if (a->pe_trust)
			verify_signature(a, site, rec);
	}
	hf_plan_free(plan);
	set_state(a, first);
	return 0;
}

int hf_audit_unknown(struct hf_audit *a, const struct hf_manifest *m, const struct hf_site *site,
		     const char *why, struct hf_err *err)
{
	struct hf_audit_record *rec = push(a, site);

	if (!rec)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	rec->manifest = m;
	rec->verdict = HF_V_UNKNOWN;
	rec->state = HF_AS_UNKNOWN;
	snprintf(rec->note, sizeof(rec->note), "%.500s", why);
	return 0;
}

void hf_audit_free(struct hf_audit *a)
{
	if (!a)
		return;
	free(a->recs);
	free(a->spans);
	free(a->table);
	a->recs = NULL;
	a->spans = NULL;
	a->table = NULL;
	a->n = a->cap = a->nspans = a->spancap = a->tablecap = a->indexed = 0;
	a->scattered = 0;
}

int hf_audit_complete(const struct hf_audit *a, const struct hf_site *site)
{
	size_t lo, hi;

	range_of(a, site, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if ((!site || a->recs[i].site == site) && a->recs[i].state == HF_AS_UNKNOWN)
			return 0;
	return 1;
}

/* Record i is the first of its site x manifest. */
static int starts_pair(const struct hf_audit *a, size_t i)
{
	return i == 0 || a->recs[i - 1].site != a->recs[i].site ||
	       a->recs[i - 1].manifest != a->recs[i].manifest;
}

void hf_audit_totals(const struct hf_audit *a, const struct hf_site *site,
		     size_t totals[HF_ASTATES])
{
	size_t lo, hi;
	for (size_t k = 0; k < HF_ASTATES; k++)
		totals[k] = 0;
	range_of(a, site, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if ((!site || a->recs[i].site == site) && starts_pair(a, i) &&
		    (unsigned)a->recs[i].state < HF_ASTATES)
			totals[a->recs[i].state]++;
}

const char *hf_compliance_name(enum hf_compliance c)
{
	static const char *const names[HF_COMPLIANCES] = {
		[HF_C_COMPLIANT] = "compliant",
		[HF_C_NOT_COMPLIANT] = "not compliant",
		[HF_C_NOT_APPLICABLE] = "not applicable",
		[HF_C_UNKNOWN] = "unknown",
		[HF_C_INCOMPLETE] = "incomplete",
	};

	return (unsigned)c < HF_COMPLIANCES ? names[c] : "?";
}

enum hf_compliance hf_site_compliance(const struct hf_audit *a, const struct hf_site *site)
{
	if (!hf_audit_complete(a, site))
		return HF_C_UNKNOWN;
	if (hf_audit_not_applicable(a, site))
		return HF_C_NOT_APPLICABLE;
	return hf_audit_compliant(a, site) ? HF_C_COMPLIANT : HF_C_NOT_COMPLIANT;
}

enum hf_compliance hf_audit_compliance(const struct hf_audit *a)
{
	if (!hf_audit_complete(a, NULL))
		return HF_C_INCOMPLETE;
	return hf_audit_compliant(a, NULL) ? HF_C_COMPLIANT : HF_C_NOT_COMPLIANT;
}

const char *hf_site_verdict(const struct hf_audit *a, const struct hf_site *site)
{
	return hf_compliance_name(hf_site_compliance(a, site));
}

const char *hf_audit_verdict(const struct hf_audit *a)
{
	return hf_compliance_name(hf_audit_compliance(a));
}

int hf_audit_not_applicable(const struct hf_audit *a, const struct hf_site *site)
{
	size_t lo, hi;

	range_of(a, site, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if (a->recs[i].site == site && a->recs[i].verdict != HF_V_NOTAPPLICABLE)
			return 0;
	return 1;
}

static const struct hf_audit_record *find_rec(const struct hf_audit *a,
					      const struct hf_site *site,
					      const struct hf_audit_record *like)
{
	size_t lo, hi;

	range_of(a, site, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const struct hf_audit_record *r = &a->recs[i];

		if (r->site == site && r->file && r->manifest == like->manifest &&
		    !strcmp(r->file->path, like->file->path))
			return r;
	}
	return NULL;
}

size_t hf_audit_drift(struct hf_audit *a, const struct hf_site *child,
		      const struct hf_site *parent)
{
	size_t lo, hi;
	char v[HF_VERSION_STRLEN];
	size_t flagged = 0;

	if (child->servicepack != parent->servicepack)
		return 0;
	range_of(a, child, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		struct hf_audit_record *r = &a->recs[i];
		const struct hf_audit_record *p;
		int differs;

		if (r->site != child || !r->file || r->verdict == HF_V_UNKNOWN)
			continue;
		p = find_rec(a, parent, r);
		if (!p || p->verdict == HF_V_UNKNOWN)
			continue; /* what is not known does not differ */
		differs = r->present != p->present || r->has_version != p->has_version ||
			  (r->has_version && hf_version_cmp(&r->installed, &p->installed) != 0) ||
			  (r->hashed && p->hashed && memcmp(r->sha256, p->sha256, HF_SHA256_LEN));
		if (!differs)
			continue;
		r->drift = 1;
		flagged++;
		if (!p->present)
			snprintf(r->drift_note, sizeof(r->drift_note), "parent %s: missing",
				 parent->code);
		else if (p->has_version && r->has_version &&
			 hf_version_cmp(&r->installed, &p->installed) == 0)
			snprintf(r->drift_note, sizeof(r->drift_note),
				 "parent %s: same version, other SHA-256", parent->code);
		else
			snprintf(r->drift_note, sizeof(r->drift_note), "parent %s: %s", parent->code,
				 p->has_version ? hf_version_format(&p->installed, v) : "no version");
	}
	return flagged;
}

int hf_audit_has_drift(const struct hf_audit *a, const struct hf_site *site)
{
	size_t lo, hi;

	range_of(a, site, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if ((!site || a->recs[i].site == site) && a->recs[i].drift)
			return 1;
	return 0;
}
