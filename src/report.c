/* report: text tables and JSON documents (jansson). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "areport.h"
#include "hash.h"
#include "intr.h"
#include "journal.h"
#include "service.h"
#include "version.h"

const char *hf_check_result_word(const struct hf_check_result *r)
{
	if (r->code == HF_E_NOTAPPLICABLE)
		return "not-applicable";
	if (r->code != HF_OK && r->code != HF_E_CONFLICT)
		return "error";
	if (!r->plan)
		return "error";
	if (r->plan->count[HF_ACT_CONFLICT])
		return "conflict";
	if (r->rehearsal && !r->rehearsal->ok)
		return "rehearsal-failed";
	if (r->plan->count[HF_ACT_INSTALL])
		return "install";
	return "current";
}

static void signature_line(FILE *out, const struct hf_manifest *m)
{
	if (m->signature_skipped)
		fprintf(out, "  signature: NOT CHECKED (--insecure-skip-signature)\n");
	else
		fprintf(out, "  signature: verified, signed by %s\n", m->signer);
}

/* A command's output as a JSON string: as it is when it is UTF-8, else with every byte
 * outside printable ASCII as '?'. */
static json_t *any_text(const char *text)
{
	json_t *j = json_string(text);
	char *copy;

	if (j)
		return j;
	copy = strdup(text);
	if (!copy)
		return json_null();
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x7f || ((unsigned char)*p < 0x20 && *p != '\n'))
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_null();
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
static void inuse_text(FILE *out, const struct hf_inuse *u, int before)
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

static json_t *inuse_json(const struct hf_inuse *u)
{
	json_t *a;

	if (!u || !u->scanned)
		return json_null();
	a = json_array();
	for (size_t i = 0; i < u->n; i++)
		json_array_append_new(a, json_pack("{s:I, s:o, s:s, s:b, s:b}", "pid",
						   (json_int_t)u->hits[i].pid, "command",
						   any_text(u->hits[i].comm), "file",
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
			it->file->path, it->has_version ? hf_version_format(&it->installed, a) : "-",
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
	inuse_text(out, r->inuse, 1);
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

static json_t *hex_or_null(int valid, const uint8_t d[HF_SHA256_LEN])
{
	char hex[HF_SHA256_HEX];

	return valid ? json_string(hf_sha256_hex(d, hex)) : json_null();
}

static json_t *version_or_null(int valid, const struct hf_version *v)
{
	char buf[HF_VERSION_STRLEN];

	return valid ? json_string(hf_version_format(v, buf)) : json_null();
}

static json_t *manifest_json(const struct hf_manifest *m)
{
	char hex[HF_SHA256_HEX];

	return json_pack("{s:s, s:I, s:s, s:s, s:b, s:{s:b, s:s?}}", "hotfix", m->id,
			 "revision", (json_int_t)m->revision, "manifest", m->path,
			 "manifest_sha256", hf_sha256_hex(m->sha256, hex), "restart_required",
			 m->restart_required, "signature", "verified", !m->signature_skipped,
			 "signer", m->signature_skipped ? NULL : m->signer);
}

static json_t *check_json(const struct hf_check_result *r)
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
		json_object_set_new(o, "in_use", inuse_json(r->inuse));
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
					 it->file->path, "action", hf_action_name(it->action),
					 "installed_version",
					 version_or_null(it->has_version, &it->installed),
					 "target_version", version_or_null(1, &it->file->version),
					 "size", it->present ? json_integer((json_int_t)it->size)
							     : json_null(),
					 "sha256", hex_or_null(it->hashed, it->sha256), "reason",
					 it->reason));
	}
	json_object_set_new(o, "files", files);
	return o;
}

static int dump(FILE *out, json_t *doc)
{
	int r = doc ? json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

	if (r == 0)
		fputc('\n', out);
	json_decref(doc);
	return r == 0 ? 0 : hf_err_set(NULL, HF_E_NOMEM, "JSON output failed");
}

int hf_report_check_json(FILE *out, const struct hf_check_result *r, size_t n)
{
	json_t *doc, *sites = json_array();

	doc = n ? manifest_json(r[0].manifest) : json_object();
	json_object_set_new(doc, "schema", json_string("urn:hotfix:check:1"));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(sites, check_json(&r[i]));
	json_object_set_new(doc, "sites", sites);
	return dump(out, doc);
}

void hf_report_recovery_text(FILE *out, const struct hf_site *site, const struct hf_recovery *rec)
{
	if (!rec->pending)
		return;
	if (rec->deferred)
		fprintf(out, "hotfix: WARNING: %s\nhotfix: WARNING: %s: what follows shows the "
			     "files as the interrupted transaction left them\n",
			rec->damage, site->code);
	else if (rec->damaged)
		fprintf(out, "hotfix: WARNING: %s: an interrupted transaction could not be recovered: "
			     "%s\nhotfix: WARNING: %s: what follows shows the files as they are; "
			     "apply, rollback and recover refuse until this is resolved\n",
			site->code, rec->damage, site->code);
	else if (!rec->journal)
		fprintf(out, "hotfix: %s: cleaned up after a transaction interrupted before it "
			     "changed anything\n", site->code);
	else if (rec->finished)
		fprintf(out, "hotfix: %s: the interrupted %s of %s had committed; finished it%s\n",
			site->code, hf_journal_op_name(rec->op), rec->id,
			rec->recorded ? " and appended its record to the transaction log" : "");
	else
		fprintf(out, "hotfix: %s: undid the interrupted %s of %s (%zu file(s) restored); "
			     "the site is as before it\n",
			site->code, hf_journal_op_name(rec->op), rec->id, rec->restored);
	if (rec->hook[0])
		fprintf(out, "hotfix: %s: %s\n", site->code, rec->hook);
	if (rec->services[0])
		fprintf(out, "hotfix: %s: %s\n", site->code, rec->services);
}

/* The failure of a transaction: step, file, whether undone, the failed command's output,
 * the log. */
static void txn_failure_text(FILE *out, const char *indent, const struct hf_txn_result *t)
{
	const char *undone = t->undone ? "undone: the site is as before"
				       : "NOT undone: run 'hotfix recover'";

	if (t->signal && !t->step[0])
		fprintf(out, "%sinterrupted by %s before it began; nothing was changed\n", indent,
			hf_intr_name(t->signal));
	else if (t->signal)
		fprintf(out, "%sinterrupted by %s at step '%s'; %s\n", indent,
			hf_intr_name(t->signal), t->step, undone);
	else if (!strcmp(t->step, "health"))
		fprintf(out, "%sfailed: health check; %s\n", indent, undone);
	else
		fprintf(out, "%sFAILED at step '%s'%s%s; %s\n", indent, t->step,
			t->file[0] ? " on " : "", t->file, undone);
	if (t->output[0]) {
		const char *p = t->output;

		fprintf(out, "%soutput of the %s command:\n", indent, t->step);
		while (*p) {
			size_t n = strcspn(p, "\n");

			fprintf(out, "%s  | %.*s\n", indent, (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	if (t->rec.hook[0])
		fprintf(out, "%scommand left running: %s\n", indent, t->rec.hook);
	if (t->rec.services[0])
		fprintf(out, "%sservices: %s\n", indent, t->rec.services);
	fprintf(out, "%slog: %s\n", indent, t->log[0] ? t->log : "(none)");
}

/* What happened to the site's services (a transaction that changed files). */
static void services_text(FILE *out, const struct hf_site *site, const struct hf_txn_result *t,
			  int restart_required)
{
	if (!site || t->step[0])
		return;
	if (t->restarted)
		fprintf(out, "  services: stopped before the swap and started after it\n");
	else if (restart_required)
		fprintf(out, "  services: NOT restarted -- the hotfix requires a restart and %s "
			     "names no stop/start commands; restart the services yourself\n",
			site->code);
	else if (!hf_svc_any(site))
		fprintf(out, "  services: none touched (the hotfix needs no restart, the site "
			     "names no service commands)\n");
	if (t->health)
		fprintf(out, "  health check: passed\n");
	if (t->receipt[0])
		fprintf(out, "  receipt: %s/.hotfix/%s (signed)\n", site->root, t->receipt);
}

const char *hf_apply_result_word(const struct hf_apply_result *r)
{
	if (r->check.code == HF_E_BUSY)
		return "busy";
	if (r->check.code == HF_E_TXN)
		return "failed";
	if (r->check.code == HF_E_INTR)
		return "interrupted";
	if (r->txn && r->check.code == HF_OK)
		return r->txn->changed ? "applied" : "current";
	return hf_check_result_word(&r->check);
}

void hf_report_apply_text(FILE *out, const struct hf_apply_result *r)
{
	const struct hf_txn_result *t = r->txn;
	const char *word = hf_apply_result_word(r);

	hf_report_check_text(out, &r->check);
	if (!t)
		return;
	if (!strcmp(word, "applied"))
		fprintf(out, "  applied: %zu file(s) replaced, originals kept for rollback; "
			     "restart required: %s\n",
			t->changed, r->check.manifest->restart_required ? "yes" : "no");
	else if (!strcmp(word, "current"))
		fprintf(out, "  nothing to do: every file is current or newer; nothing changed\n");
	else if (!strcmp(word, "failed") || !strcmp(word, "interrupted"))
		txn_failure_text(out, "  ", t);
	if (!strcmp(word, "applied") || !strcmp(word, "failed") || !strcmp(word, "interrupted"))
		services_text(out, r->check.site, t, r->check.manifest->restart_required);
	inuse_text(out, r->still, 0);
}

static json_t *txn_json(json_t *o, const struct hf_txn_result *t)
{
	json_object_set_new(o, "changed", json_integer(t ? (json_int_t)t->changed : 0));
	json_object_set_new(o, "failed_step", t && t->step[0] ? json_string(t->step) : json_null());
	json_object_set_new(o, "failed_file", t && t->step[0] && t->file[0] ? json_string(t->file)
									   : json_null());
	json_object_set_new(o, "undone", json_boolean(t && t->undone));
	json_object_set_new(o, "interrupted", t && t->signal ? json_string(hf_intr_name(t->signal))
							     : json_null());
	json_object_set_new(o, "log", t && t->log[0] ? json_string(t->log) : json_null());
	json_object_set_new(o, "receipt", t && t->receipt[0] ? json_string(t->receipt) : json_null());
	json_object_set_new(o, "services_restarted", json_boolean(t && t->restarted));
	json_object_set_new(o, "health_passed", json_boolean(t && t->health));
	json_object_set_new(o, "failed_output",
			    t && t->step[0] && t->output[0] ? any_text(t->output) : json_null());
	json_object_set_new(o, "services_recovery", t && t->rec.services[0]
							 ? json_string(t->rec.services)
							 : json_null());
	return o;
}

int hf_report_apply_json(FILE *out, const struct hf_apply_result *r)
{
	json_t *doc = manifest_json(r->check.manifest), *site = check_json(&r->check);

	json_object_set_new(doc, "schema", json_string("urn:hotfix:apply:1"));
	json_object_set_new(site, "result", json_string(hf_apply_result_word(r)));
	txn_json(site, r->txn);
	json_object_set_new(site, "still_in_use", inuse_json(r->still));
	json_object_set_new(doc, "sites", json_pack("[o]", site));
	return dump(out, doc);
}

const char *hf_rollback_result_word(const struct hf_rollback_result *r)
{
	switch (r->code) {
	case HF_OK:
		return "rolled-back";
	case HF_E_NOTAPPLICABLE:
		return "not-installed";
	case HF_E_CONFLICT:
		return "conflict";
	case HF_E_TXN:
		return "failed";
	case HF_E_INTR:
		return "interrupted";
	case HF_E_BUSY:
		return "busy";
	default:
		return "error";
	}
}

void hf_report_rollback_text(FILE *out, const struct hf_rollback_result *r)
{
	if (r->code == HF_OK)
	{
		fprintf(out, "%s: %s rolled back: %zu file(s) restored to the originals\n",
			r->site->code, r->id, r->txn->changed);
		services_text(out, r->site, r->txn, 0);
		inuse_text(out, r->still, 0);
	}
	else if (r->txn && (r->txn->step[0] || r->txn->signal)) {
		fprintf(out, "%s: %s: rollback %s\n", r->site ? r->site->code : r->site_root,
			r->id, r->txn->signal ? "interrupted" : "failed");
		txn_failure_text(out, "  ", r->txn);
	} else
		fprintf(out, "%s: %s: %s\n", r->site ? r->site->code : r->site_root, r->id,
			hf_rollback_result_word(r));
}

int hf_report_rollback_json(FILE *out, const struct hf_rollback_result *r)
{
	json_t *site = json_pack("{s:s, s:s?, s:s, s:o, s:s}", "root", r->site_root, "site",
				 r->site ? r->site->code : NULL, "result",
				 hf_rollback_result_word(r), "error",
				 r->message ? json_string(r->message) : json_null(), "error_code",
				 hf_code_name(r->code));

	txn_json(site, r->txn);
	json_object_set_new(site, "still_in_use", inuse_json(r->still));
	return dump(out, json_pack("{s:s, s:s, s:[o]}", "schema", "urn:hotfix:rollback:1",
				   "hotfix", r->id, "sites", site));
}

void hf_report_summary_text(FILE *out, const char *command, const struct hf_summary_row *rows,
			    size_t n, int status)
{
	fprintf(out, "\n%s summary (%zu sites)\n%-4s %-9s %-3s %-14s %5s %9s  %s\n", command, n,
		"SITE", "TYPE", "SP", "RESULT", "FILES", "SECONDS", "NOTE");
	for (size_t i = 0; i < n; i++) {
		const struct hf_summary_row *r = &rows[i];

		fprintf(out, "%-4s %-9s %-3u %-14s %5lu %9.2f  %s\n", r->site->code,
			hf_site_type_name(r->site->type), r->site->servicepack, r->result,
			r->changed, r->seconds, r->reason ? r->reason : "");
	}
	fprintf(out, "exit status %d\n", status);
}

static const char *run_schema(const char *command)
{
	if (!strcmp(command, "apply"))
		return "urn:hotfix:apply:1";
	if (!strcmp(command, "rollback"))
		return "urn:hotfix:rollback:1";
	if (!strcmp(command, "recover"))
		return "urn:hotfix:recover:1";
	return "urn:hotfix:check:1";
}

int hf_report_hierarchy_json(FILE *out, const char *command, const char *hierarchy,
			     const char *const *docs, const struct hf_summary_row *rows, size_t n,
			     int status)
{
	json_t *doc = NULL, *sites = json_array(), *summary = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct hf_summary_row *r = &rows[i];
		json_t *one = docs[i] ? json_loads(docs[i], 0, NULL) : NULL;
		json_t *site = one ? json_array_get(json_object_get(one, "sites"), 0) : NULL;

		if (one && !doc) {
			doc = json_deep_copy(one);
			json_object_del(doc, "sites");
		}
		if (site)
			json_array_append(sites, site);
		else
			json_array_append_new(sites, json_pack("{s:s, s:s, s:s, s:s}", "root",
							       r->site->root, "site", r->site->code,
							       "result", r->result, "reason",
							       r->reason ? r->reason : ""));
		json_array_append_new(
			summary, json_pack("{s:s, s:s, s:I, s:s, s:I, s:f, s:s, s:o}", "site",
					   r->site->code, "type", hf_site_type_name(r->site->type),
					   "servicepack", (json_int_t)r->site->servicepack, "result",
					   r->result, "files_changed", (json_int_t)r->changed,
					   "seconds", r->seconds, "note", r->reason ? r->reason : "",
					   "exit", r->status < 0 ? json_null()
								 : json_integer(r->status)));
		json_decref(one);
	}
	if (!doc)
		doc = json_object();
	json_object_set_new(doc, "schema", json_string(run_schema(command)));
	json_object_set_new(doc, "hierarchy", json_string(hierarchy));
	json_object_set_new(doc, "sites", sites);
	json_object_set_new(doc, "summary", summary);
	json_object_set_new(doc, "exit", json_integer(status));
	return dump(out, doc);
}

/* Text columns of a site that could not be seen have no code, type or service pack. */
static const char *code_or_unseen(const struct hf_site *s)
{
	return HF_SITE_UNSEEN(s) ? "?" : s->code;
}

void hf_report_audit_text(FILE *out, const struct hf_audit *a)
{
	char v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN], hex[HF_SHA256_HEX], sp[16], size[24];
	size_t t[HF_ASTATES];
	const char *all = hf_audit_verdict(a);

	fprintf(out, "%-4s %-9s %-3s %-10s %-24s %-15s %-15s %9s %-14s%s\n", "SITE", "TYPE", "SP",
		"HOTFIX", "PATH", "INSTALLED", "EXPECTED", "SIZE", "VERDICT",
		a->verify_hashes ? " SHA256" : "");
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];
		int seen = !HF_SITE_UNSEEN(r->site);

		snprintf(sp, sizeof(sp), "%u", r->site->servicepack);
		if (!r->file) {
			fprintf(out, "%-4s %-9s %-3s %-10s %-24s %-15s %-15s %9s %-14s %s\n",
				code_or_unseen(r->site),
				seen ? hf_site_type_name(r->site->type) : "-", seen ? sp : "-",
				r->manifest->id, "-", "-", "-", "-", hf_verdict_name(r->verdict),
				r->note);
			continue;
		}
		snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
		fprintf(out, "%-4s %-9s %-3u %-10s %-24s %-15s %-15s %9s %-14s%s%s\n",
			r->site->code, hf_site_type_name(r->site->type), r->site->servicepack,
			r->manifest->id, r->file->path,
			r->has_version ? hf_version_format(&r->installed, v1) : "-",
			hf_version_format(&r->file->version, v2),
			r->verdict == HF_V_UNKNOWN && !r->present ? "-" : size,
			hf_verdict_name(r->verdict), a->verify_hashes ? " " : "",
			a->verify_hashes ? (r->hashed ? hf_sha256_hex(r->sha256, hex) : "-") : "");
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];

		if (r->drift)
			fprintf(out, "drift: %s %s: %s\n", r->site->code, r->file->path,
				r->drift_note);
	}
	/* a file that could not be read: why (a whole site's reason is in its row) */
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];

		if (r->file && r->verdict == HF_V_UNKNOWN)
			fprintf(out, "unknown: %s %s: %s\n", r->site->code, r->file->path, r->note);
	}
	for (size_t i = 0; i < a->n; i++)
		if (i == 0 || a->recs[i - 1].site != a->recs[i].site) {
			const struct hf_site *s = a->recs[i].site;

			if (HF_SITE_UNSEEN(s))
				fprintf(out, "site ? (%s): unknown\n", s->root);
			else
				fprintf(out, "site %s: %s%s\n", s->code, hf_site_verdict(a, s),
					hf_audit_has_drift(a, s) ? ", drift from its parent" : "");
		}
	hf_audit_totals(a, NULL, t);
	fprintf(out, "totals: %zu installed, %zu required, %zu not applicable, %zu unknown\n",
		t[HF_AS_INSTALLED], t[HF_AS_REQUIRED], t[HF_AS_NOTAPPLICABLE], t[HF_AS_UNKNOWN]);
	fprintf(out, "%s%s\n",
		!strcmp(all, "compliant")	? "compliant"
		: !strcmp(all, "not compliant") ? "NOT compliant"
						: "INCOMPLETE: not every site and file could be seen",
		hf_audit_has_drift(a, NULL) ? " (with drift)" : "");
}

/* {"installed": n, "required": n, "not_applicable": n, "unknown": n} */
static json_t *totals_json(const struct hf_audit *a, const struct hf_site *site)
{
	size_t t[HF_ASTATES];

	hf_audit_totals(a, site, t);
	return json_pack("{s:I, s:I, s:I, s:I}", "installed", (json_int_t)t[HF_AS_INSTALLED],
			 "required", (json_int_t)t[HF_AS_REQUIRED], "not_applicable",
			 (json_int_t)t[HF_AS_NOTAPPLICABLE], "unknown",
			 (json_int_t)t[HF_AS_UNKNOWN]);
}

int hf_report_audit_json(FILE *out, const struct hf_audit *a)
{
	json_t *doc = json_object(), *recs = json_array(), *sites = json_array();

	json_object_set_new(doc, "schema", json_string("urn:hotfix:audit:1"));
	json_object_set_new(doc, "verify_hashes", json_boolean(a->verify_hashes));
	json_object_set_new(doc, "compliant", json_boolean(hf_audit_compliant(a, NULL)));
	json_object_set_new(doc, "complete", json_boolean(hf_audit_complete(a, NULL)));
	json_object_set_new(doc, "verdict", json_string(hf_audit_verdict(a)));
	json_object_set_new(doc, "totals", totals_json(a, NULL));
	json_object_set_new(doc, "drift", json_boolean(hf_audit_has_drift(a, NULL)));
	for (size_t i = 0; i < a->n; i++) {
		const struct hf_audit_record *r = &a->recs[i];
		int seen = !HF_SITE_UNSEEN(r->site);

		json_array_append_new(
			recs,
			json_pack("{s:s?, s:s, s:s?, s:o, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:s, "
				  "s:s, s:s, s:o}",
				  "site", seen ? r->site->code : NULL, "root", r->site->root, "type",
				  seen ? hf_site_type_name(r->site->type) : NULL, "servicepack",
				  seen ? json_integer((json_int_t)r->site->servicepack) : json_null(),
				  "hotfix", r->manifest->id, "revision",
				  (json_int_t)r->manifest->revision, "path",
				  r->file ? json_string(r->file->path) : json_null(),
				  "installed_version", version_or_null(r->has_version, &r->installed),
				  "expected_version",
				  r->file ? version_or_null(1, &r->file->version) : json_null(),
				  "size", r->present ? json_integer((json_int_t)r->size) : json_null(),
				  "sha256", hex_or_null(r->hashed, r->sha256), "verdict",
				  hf_verdict_name(r->verdict), "state", hf_astate_name(r->state),
				  "note", r->note, "drift",
				  r->drift ? json_string(r->drift_note) : json_null()));
		/* a site's records are contiguous (audit.h) */
		if (i == 0 || a->recs[i - 1].site != r->site)
			json_array_append_new(
				sites, json_pack("{s:s?, s:s, s:s?, s:b, s:b, s:s, s:o, s:b}", "site",
						 seen ? r->site->code : NULL, "root", r->site->root,
						 "parent",
						 r->site->parent[0] ? r->site->parent : NULL,
						 "compliant", hf_audit_compliant(a, r->site),
						 "complete", hf_audit_complete(a, r->site), "verdict",
						 hf_site_verdict(a, r->site), "totals",
						 totals_json(a, r->site), "drift",
						 hf_audit_has_drift(a, r->site)));
	}
	json_object_set_new(doc, "sites", sites);
	json_object_set_new(doc, "records", recs);
	return dump(out, doc);
}

void hf_report_list_text(FILE *out, const struct hf_site *site, const struct hf_installed *inst)
{
	char a[HF_VERSION_STRLEN], b[HF_VERSION_STRLEN];

	if (inst->n == 0) {
		fprintf(out, "%s: no hotfixes installed\n", site->code);
		return;
	}
	for (size_t i = 0; i < inst->n; i++) {
		const struct hf_inst_hotfix *h = &inst->hotfixes[i];

		fprintf(out, "%s: %s revision %lu installed %s, %zu file%s\n", site->code, h->id,
			h->revision, h->time, h->nfiles, h->nfiles == 1 ? "" : "s");
		for (size_t j = 0; j < h->nfiles; j++)
			fprintf(out, "  %-28s %s -> %s\n", h->files[j].path,
				hf_version_format(&h->files[j].old_version, a),
				hf_version_format(&h->files[j].new_version, b));
	}
}

int hf_report_list_json(FILE *out, const struct hf_site *site, const struct hf_installed *inst)
{
	json_t *doc = json_pack("{s:s, s:s, s:s}", "schema", "urn:hotfix:list:1", "site",
				site->code, "root", site->root);
	json_t *arr = json_array();
	char hex[HF_SHA256_HEX];

	for (size_t i = 0; i < inst->n; i++) {
		const struct hf_inst_hotfix *h = &inst->hotfixes[i];
		json_t *files = json_array();

		for (size_t j = 0; j < h->nfiles; j++) {
			const struct hf_inst_file *f = &h->files[j];
			char o[HF_SHA256_HEX];

			json_array_append_new(
				files,
				json_pack("{s:s, s:o, s:s, s:o, s:s}", "path", f->path, "old_version",
					  version_or_null(1, &f->old_version), "old_sha256",
					  hf_sha256_hex(f->old_sha256, o), "new_version",
					  version_or_null(1, &f->new_version), "new_sha256",
					  hf_sha256_hex(f->new_sha256, hex)));
		}
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:o}", "hotfix", h->id,
						     "revision", (json_int_t)h->revision, "time",
						     h->time, "manifest_sha256",
						     hf_sha256_hex(h->manifest_sha256, hex), "files",
						     files));
	}
	json_object_set_new(doc, "installed", arr);
	return dump(out, doc);
}

int hf_report_inventory_ansible(FILE *out, const struct hf_hierarchy *h)
{
	static const char *const groups[] = { "central", "primary", "secondary" };
	json_t *doc = json_object(), *all = json_object(), *children = json_object();
	json_t *hosts[3];

	for (int g = 0; g < 3; g++) {
		json_t *grp = json_object();

		hosts[g] = json_object();
		json_object_set_new(grp, "hosts", hosts[g]);
		json_object_set_new(children, groups[g], grp);
	}
	for (size_t k = 0; k < h->n; k++) {
		const struct hf_hsite *hs = &h->sites[h->order[k]];
		const struct hf_site *s = hs->site;
		char *abs = realpath(s->root, NULL);
		int g = s->type == HF_SITE_CENTRAL ? 0 : s->type == HF_SITE_PRIMARY ? 1 : 2;

		json_object_set_new(
			hosts[g], s->code,
			json_pack("{s:s, s:s, s:s, s:o, s:i, s:i}", "hotfix_site_root",
				  abs ? abs : s->root, "hotfix_site_code", s->code,
				  "hotfix_site_type", hf_site_type_name(s->type), "hotfix_parent",
				  s->parent[0] ? json_string(s->parent) : json_null(),
				  "hotfix_servicepack", (int)s->servicepack, "hotfix_tier",
				  (int)hs->depth));
		free(abs);
	}
	json_object_set_new(all, "children", children);
	json_object_set_new(doc, "all", all);
	return dump(out, doc);
}

void hf_report_logcheck_text(FILE *out, const struct hf_logcheck_result *r)
{
	const struct hf_txlog_check *c = r->check;

	if (!c) {
		fprintf(out, "%s: transaction log: NOT VERIFIED: %s\n", r->site->code,
			r->message ? r->message : "?");
		return;
	}
	if (c->problems)
		fprintf(out, "%s: transaction log: %zu PROBLEM(S) in %zu record(s): %s\n",
			r->site->code, c->problems, c->records, c->problem);
	else if (c->records && c->receipts)
		fprintf(out, "%s: transaction log: %zu record(s), chain intact, head %.16s..., "
			     "ends at installed.xml as it is; %zu receipt(s) verified\n",
			r->site->code, c->records, c->head, c->receipts_ok);
	else if (c->records)
		fprintf(out, "%s: transaction log: %zu record(s), chain intact, head %.16s..., "
			     "ends at installed.xml as it is; no receipts\n",
			r->site->code, c->records, c->head);
	else
		fprintf(out, "%s: transaction log: empty (no transaction yet)\n", r->site->code);
}

int hf_report_logcheck_json(FILE *out, const struct hf_logcheck_result *r, size_t n)
{
	json_t *sites = json_array();
	int intact = 1;

	for (size_t i = 0; i < n; i++) {
		const struct hf_txlog_check *c = r[i].check;

		intact &= c && c->problems == 0;
		json_array_append_new(
		    sites,
		    c ? json_pack("{s:s, s:b, s:I, s:s?, s:b, s:I, s:I, s:I, s:s?}",
				  "site", r[i].site->code, "intact", c->problems == 0, "records",
				  (json_int_t)c->records, "head", c->head[0] ? c->head : NULL,
				  "registry_checked", c->registry_checked, "receipts",
				  (json_int_t)c->receipts, "receipts_verified",
				  (json_int_t)c->receipts_ok, "problems", (json_int_t)c->problems,
				  "problem", c->problem[0] ? c->problem : NULL)
		      : json_pack("{s:s, s:b, s:s?}", "site", r[i].site->code, "intact", 0, "error",
				  r[i].message));
	}
	return dump(out, json_pack("{s:s, s:b, s:o}", "schema", "urn:hotfix:verify-log:1",
				   "intact", intact, "sites", sites));
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
		const struct hf_mx_file *f = &mx->files[i];
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
		const struct hf_mx_down *d = &mx->down[i];

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
		const struct hf_mx_file *f = &mx->files[i];

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
		const struct hf_mx_file *f = &mx->files[i];
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
		const struct hf_mx_down *d = &mx->down[i];

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
		json_t *o = check_json(&r[i]);

		json_object_set_new(o, "hotfix", json_string(r[i].manifest->id));
		json_object_set_new(o, "manifest", json_string(r[i].manifest->path));
		json_object_del(o, "matrix");
		json_array_append_new(checks, o);
	}
	return dump(out, json_pack("{s:s, s:o, s:o}", "schema", "urn:hotfix:matrix:1", "checks",
				   checks, "matrix", mx ? matrix_json(mx) : json_null()));
}
