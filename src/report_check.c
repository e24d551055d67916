/* report_check: what `check` prints, as text and JSON (urn:hotfix:check:1,
 * urn:hotfix:matrix:1). */
#include "report_check.h"

#include <string.h>

#include "json.h"
#include "outcome.h"
#include "version.h"

const char *hf_check_result_word(const struct hf_check_result *r)
{
	return hf_outcome_word(hf_outcome_check(r->code, r->plan, r->rehearsal));
}

static void signature_line(FILE *out, const struct hf_manifest *m)
{
	if (m->signature_skipped)
		fprintf(out, "  signature: NOT CHECKED (--insecure-skip-signature)\n");
	else
		fprintf(out, "  signature: verified, signed by %s\n", m->signer);
}

static void matrix_flags(FILE *out, const struct hf_matrix *mx);
static json_t *matrix_json(const struct hf_matrix *mx);

/* 1 if the matrix has one manifest (the others are installed hotfixes). */
static int one_manifest(const struct hf_matrix *mx)
{
	size_t n = 0;

	for (size_t k = 0; k < mx->nsrc; k++)
		n += !mx->src[k].installed;
	return n == 1;
}

/* The in-use report: before (check: files the hotfix would replace) or after a swap. */
void hf_report_inuse_text(FILE *out, const struct hf_inuse *u, int before)
{
	if (!u || !u->scanned)
		return;
	if (u->n == 0 && !u->more)
		fprintf(out, before ? "  in use: no process maps or holds open a file to be "
				      "replaced\n"
				    : "  in use: no process still uses a replaced file\n");
	else if (before)
		fprintf(out, "  in use: %zu process/file pair(s) map or hold open a file to be "
			     "replaced; they keep the old code until restarted:\n",
			u->n + u->more);
	else
		fprintf(out, "  still in use: %zu process/file pair(s) still run the old files; "
			     "restart them to load the new ones:\n",
			u->n + u->more);
	for (size_t i = 0; i < u->n; i++)
		fprintf(out, "    pid %-7ld %-16s %s (%s%s%s)\n", (long)u->hits[i].pid,
			u->hits[i].comm, u->hits[i].path, u->hits[i].mapped ? "mapped" : "",
			u->hits[i].mapped && u->hits[i].open ? ", " : "",
			u->hits[i].open ? "open" : "");
	if (u->more)
		fprintf(out, "    ... and %zu more\n", u->more);
	if (u->unreadable)
		fprintf(out, "    (%zu process(es) could not be inspected; run as root to see "
			     "all)\n", u->unreadable);
}

json_t *hf_report_inuse_json(const struct hf_inuse *u)
{
	json_t *a;

	if (!u || !u->scanned)
		return json_null();
	a = json_array();
	for (size_t i = 0; i < u->n; i++)
		json_array_append_new(a, json_pack("{s:I, s:o, s:s, s:b, s:b}", "pid",
						   (json_int_t)u->hits[i].pid, "command",
						   hf_json_any_text(u->hits[i].comm), "file",
						   u->hits[i].path, "mapped", u->hits[i].mapped,
						   "open", u->hits[i].open));
	return a;
}

void hf_report_check_text(FILE *out, const struct hf_check_result *r)
{
	const struct hf_manifest *m = r->manifest;
	const struct hf_plan *p = r->plan;
	char a[HF_VERSION_STRLEN], b[HF_VERSION_STRLEN];

	if (!r->site) {
		fprintf(out, "%s revision %lu: site %s: %s\n", m->id, m->revision, r->site_root,
			r->message ? r->message : "cannot open the site");
		return;
	}
	fprintf(out, "%s revision %lu on site %s (%s, %s %s SP%u) at %s\n", m->id, m->revision,
		r->site->code, hf_site_type_name(r->site->type), r->site->product_name,
		r->site->product_version, r->site->servicepack, r->site->root);
	signature_line(out, m);
	if (!p) {
		fprintf(out, "  result: %s: %s\n", hf_check_result_word(r),
			r->message ? r->message : "");
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct hf_plan_item *it = &p->items[i];

		fprintf(out, "  %-9s %-28s %-15s -> %-15s %s\n", hf_action_name(it->action),
			it->path, it->has_version ? hf_version_format(&it->installed, a) : "-",
			hf_version_format(&it->file->version, b), it->reason);
		if (r->verbose) {
			char h1[HF_SHA256_HEX], h2[HF_SHA256_HEX];

			if (it->present)
				fprintf(out, "            installed: %llu bytes, sha256 %s\n",
					(unsigned long long)it->size,
					it->hashed ? hf_sha256_hex(it->sha256, h1)
						   : "(not computed: the version decides)");
			fprintf(out, "            hotfix:    %llu bytes, sha256 %s, from %s\n",
				(unsigned long long)it->file->size,
				hf_sha256_hex(it->file->sha256, h2), it->file->source);
		}
	}
	if (r->payload_checked)
		fprintf(out, "  payload: %s: size and SHA-256 match the manifest\n",
			m->payload_href);
	if (r->rehearsal && r->rehearsal->ok)
		fprintf(out, "  rollback rehearsal: ok: %llu MiB free for %llu KiB of staging (+%llu KiB "
			     "if backups must be copied); %zu earlier backup file(s) intact; "
			     "writable; lock free\n",
			(unsigned long long)(r->rehearsal->free_bytes >> 20),
			(unsigned long long)(r->rehearsal->staging_bytes >> 10),
			(unsigned long long)(r->rehearsal->backup_bytes >> 10),
			r->rehearsal->backups_checked);
	else if (r->rehearsal)
		fprintf(out, "  rollback rehearsal: FAILED: %s\n", r->rehearsal->problems);
	if (r->rehearsal && r->rehearsal->attrs_unknown)
		fprintf(out, "  rollback rehearsal: whether %zu file(s) or directories are immutable or "
			     "append-only: cannot tell on this file system\n",
			r->rehearsal->attrs_unknown);
	hf_report_inuse_text(out, r->inuse, 1);
	if (r->matrix && r->site && one_manifest(r->matrix) &&
	    (r->matrix->noverlap || r->matrix->ndown || r->matrix->nsup)) {
		fprintf(out, "  against the hotfixes installed:\n");
		matrix_flags(out, r->matrix);
	}
	fprintf(out,
		"  result: %s: %zu to install, %zu current, %zu newer, %zu conflicts; restart "
		"required: %s\n",
		hf_check_result_word(r), p->count[HF_ACT_INSTALL], p->count[HF_ACT_CURRENT],
		p->count[HF_ACT_NEWER], p->count[HF_ACT_CONFLICT],
		m->restart_required ? "yes" : "no");
	if (r->code != HF_OK && r->code != HF_E_CONFLICT && r->message)
		fprintf(out, "  error: %s\n", r->message);
}

json_t *hf_report_manifest_json(const struct hf_manifest *m)
{
	char hex[HF_SHA256_HEX];

	return json_pack("{s:s, s:I, s:s, s:s, s:b, s:{s:b, s:s?}}", "hotfix", m->id,
			 "revision", (json_int_t)m->revision, "manifest", m->path,
			 "manifest_sha256", hf_sha256_hex(m->sha256, hex), "restart_required",
			 m->restart_required, "signature", "verified", !m->signature_skipped,
			 "signer", m->signature_skipped ? NULL : m->signer);
}

json_t *hf_report_check_object(const struct hf_check_result *r)
{
	json_t *o = json_object(), *files = json_array();
	const struct hf_plan *p = r->plan;

	json_object_set_new(o, "root", json_string(r->site_root));
	if (r->site) {
		json_object_set_new(o, "site", json_string(r->site->code));
		json_object_set_new(o, "type", json_string(hf_site_type_name(r->site->type)));
		json_object_set_new(o, "servicepack", json_integer(r->site->servicepack));
	}
	json_object_set_new(o, "result", json_string(hf_check_result_word(r)));
	json_object_set_new(o, "error", r->code != HF_OK && r->message
						? json_string(r->message) : json_null());
	json_object_set_new(o, "error_code", json_string(hf_code_name(r->code)));
	json_object_set_new(o, "payload_verified", json_boolean(r->payload_checked));
	if (r->inuse)
		json_object_set_new(o, "in_use", hf_report_inuse_json(r->inuse));
	if (r->matrix)
		json_object_set_new(o, "matrix", matrix_json(r->matrix));
	if (r->rehearsal)
		json_object_set_new(
			o, "rollback_rehearsal",
			json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:b, s:s}", "ok", r->rehearsal->ok,
				  "free_bytes", (json_int_t)r->rehearsal->free_bytes,
				  "staging_bytes", (json_int_t)r->rehearsal->staging_bytes,
				  "backup_bytes", (json_int_t)r->rehearsal->backup_bytes,
				  "backups_checked", (json_int_t)r->rehearsal->backups_checked,
				  "backups_bad", (json_int_t)r->rehearsal->backups_bad, "writable",
				  r->rehearsal->writable, "problems", r->rehearsal->problems));
	for (size_t i = 0; p && i < p->n; i++) {
		const struct hf_plan_item *it = &p->items[i];

		json_array_append_new(
			files, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "path",
					 it->path, "action", hf_action_name(it->action),
					 "installed_version",
					 hf_json_version_or_null(it->has_version, &it->installed),
					 "target_version", hf_json_version_or_null(1, &it->file->version),
					 "size", it->present ? json_integer((json_int_t)it->size)
							     : json_null(),
					 "sha256", hf_json_hex_or_null(it->hashed, it->sha256), "reason",
					 it->reason));
	}
	json_object_set_new(o, "files", files);
	return o;
}

int hf_report_check_json(FILE *out, const struct hf_check_result *r, size_t n)
{
	json_t *doc, *sites = json_array();

	doc = n ? hf_report_manifest_json(r[0].manifest) : json_object();
	json_object_set_new(doc, "schema", json_string("urn:hotfix:check:1"));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(sites, hf_report_check_object(&r[i]));
	json_object_set_new(doc, "sites", sites);
	return hf_json_dump(out, doc);
}

/* The source's name with what it is, for the flags. */
static const char *src_name(const struct hf_matrix *mx, size_t i)
{
	return i == HF_MATRIX_NONE ? "the site's file" : mx->src[i].id;
}

static void matrix_flags(FILE *out, const struct hf_matrix *mx)
{
	char v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN];

	for (size_t i = 0; i < mx->nfiles; i++) {
		const struct hf_matrix_file *f = &mx->files[i];
		int first = 1;

		if (f->owners < 2)
			continue;
		fprintf(out, "  overlap     %s: owned by", f->path);
		for (size_t k = 0; k < mx->nsrc; k++)
			if (f->has[k]) {
				fprintf(out, "%s %s %s (%s)", first ? "" : ",", mx->src[k].id,
					hf_version_format(&f->v[k], v1),
					mx->src[k].installed ? "installed" : "manifest");
				first = 0;
			}
		fputc('\n', out);
	}
	for (size_t i = 0; i < mx->ndown; i++) {
		const struct hf_matrix_down *d = &mx->down[i];

		fprintf(out, "  downgrade   %s: %s brings %s, below %s (%s); apply leaves it\n",
			mx->files[d->file].path, mx->src[d->src].id,
			hf_version_format(&mx->files[d->file].v[d->src], v1),
			hf_version_format(&d->above, v2), src_name(mx, d->above_src));
	}
	for (size_t i = 0; i < mx->nsup; i++)
		fprintf(out, "  superseded  %s%s by %s%s: every file of it is there at the same "
			     "or a higher version\n",
			mx->src[mx->sup[i].src].id,
			mx->src[mx->sup[i].src].installed ? " (installed)" : "",
			mx->src[mx->sup[i].by].id,
			mx->src[mx->sup[i].by].installed ? " (installed)" : "");
	if (!mx->noverlap && !mx->ndown && !mx->nsup)
		fprintf(out, "  no file owned twice, no downgrade, nothing superseded\n");
}

void hf_report_matrix_text(FILE *out, const struct hf_site *site, const struct hf_matrix *mx)
{
	char v[HF_VERSION_STRLEN];

	fprintf(out, "\nhotfixes on %s (SP%u):", site->code, site->servicepack);
	for (size_t k = 0; k < mx->nsrc; k++)
		fprintf(out, "%s %s r%lu (%s)", k ? "," : "", mx->src[k].id, mx->src[k].revision,
			mx->src[k].installed	   ? "installed"
			: mx->src[k].applicable ? "manifest"
						 : "manifest, not applicable");
	fprintf(out, "\n  %-28s %-15s", "FILE", "SITE");
	for (size_t k = 0; k < mx->nsrc; k++)
		fprintf(out, " %-15s", mx->src[k].id);
	fputc('\n', out);
	for (size_t i = 0; i < mx->nfiles; i++) {
		const struct hf_matrix_file *f = &mx->files[i];

		fprintf(out, "  %-28s %-15s", f->path,
			f->has_current ? hf_version_format(&f->current, v) : "-");
		for (size_t k = 0; k < mx->nsrc; k++)
			fprintf(out, " %-15s", f->has[k] ? hf_version_format(&f->v[k], v) : "-");
		fputc('\n', out);
	}
	matrix_flags(out, mx);
}

static json_t *matrix_json(const struct hf_matrix *mx)
{
	json_t *src = json_array(), *files = json_array(), *ov = json_array(),
	       *down = json_array(), *sup = json_array();
	char v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN];

	for (size_t k = 0; k < mx->nsrc; k++)
		json_array_append_new(src, json_pack("{s:s, s:I, s:s, s:b}", "hotfix",
						     mx->src[k].id, "revision",
						     (json_int_t)mx->src[k].revision, "source",
						     mx->src[k].installed ? "installed" : "manifest",
						     "applicable", mx->src[k].applicable));
	for (size_t i = 0; i < mx->nfiles; i++) {
		const struct hf_matrix_file *f = &mx->files[i];
		json_t *vs = json_object(), *owners = json_array();

		for (size_t k = 0; k < mx->nsrc; k++)
			if (f->has[k]) {
				json_object_set_new(vs, mx->src[k].id,
						    json_string(hf_version_format(&f->v[k], v1)));
				json_array_append_new(owners, json_string(mx->src[k].id));
			}
		json_array_append_new(
		    files, json_pack("{s:s, s:o, s:o}", "path", f->path, "site_version",
				     f->has_current ? json_string(hf_version_format(&f->current, v1))
						    : json_null(),
				     "versions", vs));
		if (f->owners > 1)
			json_array_append_new(ov, json_pack("{s:s, s:o}", "path", f->path,
							    "hotfixes", owners));
		else
			json_decref(owners);
	}
	for (size_t i = 0; i < mx->ndown; i++) {
		const struct hf_matrix_down *d = &mx->down[i];

		json_array_append_new(
		    down, json_pack("{s:s, s:s, s:s, s:s, s:o}", "path", mx->files[d->file].path,
				    "hotfix", mx->src[d->src].id, "version",
				    hf_version_format(&mx->files[d->file].v[d->src], v1), "below",
				    hf_version_format(&d->above, v2), "below_of",
				    d->above_src == HF_MATRIX_NONE
					? json_null()
					: json_string(mx->src[d->above_src].id)));
	}
	for (size_t i = 0; i < mx->nsup; i++)
		json_array_append_new(sup, json_pack("{s:s, s:s}", "hotfix",
						     mx->src[mx->sup[i].src].id, "by",
						     mx->src[mx->sup[i].by].id));
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "hotfixes", src, "files", files, "overlaps",
			 ov, "downgrades", down, "superseded", sup);
}

int hf_report_checks_json(FILE *out, const struct hf_check_result *r, size_t n,
			  const struct hf_matrix *mx)
{
	json_t *checks = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = hf_report_check_object(&r[i]);

		json_object_set_new(o, "hotfix", json_string(r[i].manifest->id));
		json_object_set_new(o, "manifest", json_string(r[i].manifest->path));
		json_object_del(o, "matrix");
		json_array_append_new(checks, o);
	}
	return hf_json_dump(out, json_pack("{s:s, s:o, s:o}", "schema", "urn:hotfix:matrix:1", "checks",
				   checks, "matrix", mx ? matrix_json(mx) : json_null()));
}
