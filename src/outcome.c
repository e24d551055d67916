/* outcome: the result words of a site and the rules that choose them. */
#include "outcome.h"

#include <string.h>

const char *hf_outcome_word(enum hf_outcome o)
{
	static const char *const words[HF_OUTCOMES] = {
		[HF_OUT_INSTALL] = "install",
		[HF_OUT_CURRENT] = "current",
		[HF_OUT_CONFLICT] = "conflict",
		[HF_OUT_NOT_APPLICABLE] = "not-applicable",
		[HF_OUT_REHEARSAL_FAILED] = "rehearsal-failed",
		[HF_OUT_ERROR] = "error",
		[HF_OUT_APPLIED] = "applied",
		[HF_OUT_FAILED] = "failed",
		[HF_OUT_INTERRUPTED] = "interrupted",
		[HF_OUT_BUSY] = "busy",
		[HF_OUT_ROLLED_BACK] = "rolled-back",
		[HF_OUT_NOT_INSTALLED] = "not-installed",
		[HF_OUT_NOTHING] = "nothing",
		[HF_OUT_CLEANED] = "cleaned",
		[HF_OUT_FINISHED] = "finished",
		[HF_OUT_UNDONE] = "undone",
		[HF_OUT_SKIPPED] = "skipped",
		[HF_OUT_NOT_STARTED] = "not-started",
		[HF_OUT_CHECKED] = "checked",
		[HF_OUT_LISTED] = "listed",
	};

	return (unsigned)o < HF_OUTCOMES && words[o] ? words[o] : "?";
}

enum hf_outcome hf_outcome_of_word(const char *word)
{
	for (int o = 0; o < HF_OUTCOMES; o++)
		if (word && !strcmp(word, hf_outcome_word((enum hf_outcome)o)))
			return (enum hf_outcome)o;
	return HF_OUTCOMES;
}

enum hf_outcome hf_outcome_check(enum hf_code code, const struct hf_plan *plan,
				 const struct hf_rehearsal *rehearsal)
{
	if (code == HF_E_NOTAPPLICABLE)
		return HF_OUT_NOT_APPLICABLE;
	if (code != HF_OK && code != HF_E_CONFLICT)
		return HF_OUT_ERROR;
	if (!plan)
		return HF_OUT_ERROR;
	if (plan->count[HF_ACT_CONFLICT])
		return HF_OUT_CONFLICT;
	if (rehearsal && !rehearsal->ok)
		return HF_OUT_REHEARSAL_FAILED;
	if (plan->count[HF_ACT_INSTALL])
		return HF_OUT_INSTALL;
	return HF_OUT_CURRENT;
}

enum hf_outcome hf_outcome_apply(enum hf_code code, const struct hf_txn_result *txn,
				 enum hf_outcome check)
{
	if (code == HF_E_BUSY)
		return HF_OUT_BUSY;
	if (code == HF_E_TXN)
		return HF_OUT_FAILED;
	if (code == HF_E_INTR)
		return HF_OUT_INTERRUPTED;
	if (txn && code == HF_OK)
		return txn->changed ? HF_OUT_APPLIED : HF_OUT_CURRENT;
	return check;
}

enum hf_outcome hf_outcome_rollback(enum hf_code code)
{
	switch (code) {
	case HF_OK:
		return HF_OUT_ROLLED_BACK;
	case HF_E_NOTAPPLICABLE:
		return HF_OUT_NOT_INSTALLED;
	case HF_E_CONFLICT:
		return HF_OUT_CONFLICT;
	case HF_E_TXN:
		return HF_OUT_FAILED;
	case HF_E_INTR:
		return HF_OUT_INTERRUPTED;
	case HF_E_BUSY:
		return HF_OUT_BUSY;
	default:
		return HF_OUT_ERROR;
	}
}

enum hf_outcome hf_outcome_recover(int failed, enum hf_code code, const struct hf_recovery *rec)
{
	if (failed || !rec)
		return code == HF_E_BUSY ? HF_OUT_BUSY : HF_OUT_FAILED;
	if (!rec->pending)
		return HF_OUT_NOTHING;
	if (!rec->journal)
		return HF_OUT_CLEANED;
	return rec->finished ? HF_OUT_FINISHED : HF_OUT_UNDONE;
}
