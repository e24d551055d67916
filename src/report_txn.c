/* report_txn: what `apply`, `rollback` and `recover` print, as text and JSON
 * (urn:hotfix:apply:1, urn:hotfix:rollback:1). */
#include "report_txn.h"

#include <string.h>

#include "intr.h"
#include "journal.h"
#include "json.h"
#include "outcome.h"
#include "service.h"

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
	else if (!hf_service_any(site))
		fprintf(out, "  services: none touched (the hotfix needs no restart, the site "
			     "names no service commands)\n");
	if (t->health)
		fprintf(out, "  health check: passed\n");
	if (t->receipt[0])
		fprintf(out, "  receipt: %s/.hotfix/%s (signed)\n", site->root, t->receipt);
}

static enum hf_outcome apply_outcome(const struct hf_apply_result *r)
{
	const struct hf_check_result *c = &r->check;

	return hf_outcome_apply(c->code, r->txn, hf_outcome_check(c->code, c->plan, c->rehearsal));
}

const char *hf_apply_result_word(const struct hf_apply_result *r)
{
	return hf_outcome_word(apply_outcome(r));
}

void hf_report_apply_text(FILE *out, const struct hf_apply_result *r)
{
	const struct hf_txn_result *t = r->txn;
	enum hf_outcome o = apply_outcome(r);

	hf_report_check_text(out, &r->check);
	if (!t)
		return;
	if (o == HF_OUT_APPLIED)
		fprintf(out, "  applied: %zu file(s) replaced, originals kept for rollback; "
			     "restart required: %s\n",
			t->changed, r->check.manifest->restart_required ? "yes" : "no");
	else if (o == HF_OUT_CURRENT)
		fprintf(out, "  nothing to do: every file is current or newer; nothing changed\n");
	else if (o == HF_OUT_FAILED || o == HF_OUT_INTERRUPTED)
		txn_failure_text(out, "  ", t);
	if (o == HF_OUT_APPLIED || o == HF_OUT_FAILED || o == HF_OUT_INTERRUPTED)
		services_text(out, r->check.site, t, r->check.manifest->restart_required);
	hf_report_inuse_text(out, r->still, 0);
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
			    t && t->step[0] && t->output[0] ? hf_json_any_text(t->output) : json_null());
	json_object_set_new(o, "services_recovery", t && t->rec.services[0]
							 ? json_string(t->rec.services)
							 : json_null());
	return o;
}

int hf_report_apply_json(FILE *out, const struct hf_apply_result *r)
{
	json_t *doc = hf_report_manifest_json(r->check.manifest), *site = hf_report_check_object(&r->check);

	json_object_set_new(doc, "schema", json_string("urn:hotfix:apply:1"));
	json_object_set_new(site, "result", json_string(hf_apply_result_word(r)));
	txn_json(site, r->txn);
	json_object_set_new(site, "still_in_use", hf_report_inuse_json(r->still));
	json_object_set_new(doc, "sites", json_pack("[o]", site));
	return hf_json_dump(out, doc);
}

const char *hf_rollback_result_word(const struct hf_rollback_result *r)
{
	return hf_outcome_word(hf_outcome_rollback(r->code));
}

void hf_report_rollback_text(FILE *out, const struct hf_rollback_result *r)
{
	if (r->code == HF_OK)
	{
		fprintf(out, "%s: %s rolled back: %zu file(s) restored to the originals\n",
			r->site->code, r->id, r->txn->changed);
		services_text(out, r->site, r->txn, 0);
		hf_report_inuse_text(out, r->still, 0);
	}
	else if (r->txn && (r->txn->step[0] || r->txn->signal)) {
		fprintf(out, "%s: %s: rollback %s\n", r->site ? r->site->code : r->site_root,
			r->id, hf_outcome_word(r->txn->signal ? HF_OUT_INTERRUPTED : HF_OUT_FAILED));
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
	json_object_set_new(site, "still_in_use", hf_report_inuse_json(r->still));
	return hf_json_dump(out, json_pack("{s:s, s:s, s:[o]}", "schema", "urn:hotfix:rollback:1",
				   "hotfix", r->id, "sites", site));
}

int hf_report_recover_json(FILE *out, const char *root, const struct hf_site *site,
			   const char *result, const struct hf_recovery *rec,
			   const struct hf_err *err)
{
	int ok = err->code == HF_OK, journal = ok && rec->pending && rec->journal;
	json_t *one = json_pack("{s:s, s:s?, s:s, s:b, s:o, s:o, s:I, s:o, s:o, s:o}", "root",
				root, "site", site ? site->code : NULL, "result", result,
				"pending", ok && rec->pending, "operation",
				journal ? json_string(hf_journal_op_name(rec->op)) : json_null(),
				"hotfix", journal ? json_string(rec->id) : json_null(), "restored",
				(json_int_t)(ok ? rec->restored : 0), "services",
				ok && rec->services[0] ? hf_json_any_text(rec->services) : json_null(),
				"error", ok ? json_null() : hf_json_any_text(err->msg),
				"error_code", ok ? json_null() : json_string(hf_code_name(err->code)));

	return hf_json_dump(out, json_pack("{s:s, s:[o]}", "schema", "urn:hotfix:recover:1",
					   "sites", one));
}
