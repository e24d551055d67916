/* authcheck: the verdicts of src/authenticode.c on files, for the shell tests, in the
 * file and signature lines `hotfix authenticode -v` prints -- kept for what the command
 * cannot do: verify at a fixed time (-t: an expired signer, timestamps; see
 * tests/e2e/authenticode.sh):
 *   PATH<TAB>STATUS<TAB>SIGNER       (SIGNER: the best signature's subject, "-" if none)
 * and on stderr, per signature, "PATH: signature N (entry E, nested K): STATUS: REASON".
 * Exit 0 all valid, 1 some unsigned/untrusted/expired, 4 some invalid (or unreadable).
 * Usage: authcheck [-t UNIXTIME] [-l LEVEL] TRUST.pem FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authenticode.h"
#include "sig.h"

int main(int argc, char **argv)
{
	struct hf_ac_trust *t = NULL;
	struct hf_ac_result *res = malloc(sizeof(*res));
	struct hf_err err;
	time_t now = 0;
	int opt, worst = 0;

	while ((opt = getopt(argc, argv, "t:l:")) != -1) {
		if (opt == 't')
			now = (time_t)strtoll(optarg, NULL, 10);
		else if (opt == 'l' && hf_sig_set_level(atoi(optarg)) == 0)
			continue;
		else {
			fprintf(stderr, "usage: authcheck [-t UNIXTIME] [-l LEVEL] TRUST FILE...\n");
			return 2;
		}
	}
	if (!res || argc - optind < 2) {
		fprintf(stderr, "usage: authcheck [-t UNIXTIME] [-l LEVEL] TRUST FILE...\n");
		return 2;
	}
	hf_err_clear(&err);
	if (hf_ac_trust_open(argv[optind], &t, &err) != 0) {
		fprintf(stderr, "authcheck: %s (%s)\n", err.msg, err.hint);
		return 4;
	}
	for (int i = optind + 1; i < argc; i++) {
		int st;

		hf_err_clear(&err);
		if (hf_ac_verify_path(t, argv[i], now, res, &err) != 0) {
			printf("%s\tinvalid\t-\n", argv[i]);
			fprintf(stderr, "%s: %s\n", argv[i], err.msg);
			worst = 4;
			continue;
		}
		printf("%s\t%s\t%s\n", argv[i], hf_ac_status_word(res->status),
		       res->best >= 0 && res->sigs[res->best].signer[0] ? res->sigs[res->best].signer
									: "-");
		if (res->reason[0])
			fprintf(stderr, "%s: %s\n", argv[i], res->reason);
		for (int k = 0; k < res->nsigs; k++) {
			const struct hf_ac_sig *s = &res->sigs[k];

			fprintf(stderr, "%s: signature %d (entry %d, nested %d): %s: %s [%s] issuers "
					"%s timestamp %s%s%s\n",
				argv[i], k + 1, s->entry, s->nested, hf_ac_status_word(s->status),
				s->signer[0] ? s->signer : "-", s->digest[0] ? s->digest : "-",
				s->chain[0] ? s->chain : "-", s->timestamp[0] ? s->timestamp : "-",
				s->reason[0] ? ": " : "", s->reason);
		}
		st = res->status == HF_AC_VALID ? 0 : res->status == HF_AC_INVALID ? 4 : 1;
		if (st > worst)
			worst = st;
	}
	hf_ac_trust_close(t);
	free(res);
	return worst;
}
