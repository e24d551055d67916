/* cli/main: the table of commands; the options before the command word (-q, -v, --trust,
 * --json: moved after it), `hotfix help [COMMAND]`, the command word (or the nearest
 * one, suggested) and the dispatch; then the error document (JSON mode) and the flush. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <libxml/xmlversion.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "xml.h"
#include "cli.h"

const struct cli_cmd cli_commands[] = {
	{ "check", cmd_check, &cli_check_syntax,
	  "Verify the manifest and show what applying it would do to each file of the site;\n"
	  "changes nothing on disk.  With several manifests, also which files each hotfix\n"
	  "touches, which two own a file, what would go down, what is superseded." },
	{ "apply", cmd_apply, &cli_apply_syntax,
	  "Install the hotfix on the site: stage, verify, journal, back up, swap, commit.\n"
	  "Crash-safe: the site ends exactly as before or as after." },
	{ "rollback", cmd_rollback, &cli_rollback_syntax,
	  "Restore the originals an installed hotfix replaced, if its files are unchanged." },
	{ "recover", cmd_recover, &cli_recover_syntax,
	  "Finish or undo a transaction a crash interrupted, and say which." },
	{ "audit", cmd_audit, &cli_audit_syntax,
	  "Report, per file, the installed version against each manifest's, and whether\n"
	  "the site is compliant." },
	{ "list", cmd_list, &cli_list_syntax, "List the hotfixes installed on a site." },
	{ "inventory", cmd_inventory, &cli_inventory_syntax,
	  "Print the hierarchy as an Ansible inventory: groups central, primary and\n"
	  "secondary, one host per site with its root, code, parent and service pack." },
	{ "version", cmd_version, &cli_version_syntax,
	  "Print the file and product version of each PE file, from its version resource:\n"
	  "PATH<TAB>FILEVERSION<TAB>PRODUCTVERSION ('-' when there is none)." },
	{ "authenticode", cmd_authenticode, &cli_authenticode_syntax,
	  "Verify the Authenticode signatures embedded in each PE file against the PE\n"
	  "trust file: PATH<TAB>STATUS<TAB>SIGNER ('-' when there is none)." },
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

/* The options taken before the command word (hotfix(1) SYNOPSIS), as after it. */
#define GLOBAL_USAGE "[-q] [-v] [--trust PEM] [--json] COMMAND [ARGS]"

const struct cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

static int usage(FILE *out, int status)
{
	char line[512];

	fprintf(out, "usage: hotfix " GLOBAL_USAGE "\n\nCommands:\n");
	for (size_t i = 0; i < cli_ncommands; i++) {
		cli_usage(&cli_commands[i], line, sizeof(line));
		fprintf(out, "  hotfix %s\n", line);
	}
	fprintf(out, "  hotfix help [COMMAND]\n  hotfix --version\n"
		     "\n'hotfix help COMMAND' describes a command; hotfix(1) describes all.\n"
		     "'hotfix --version' prints the versions of hotfix and its libraries.\n");
	return status;
}

/* A usage error of main's own (no command yet): the message, a suggestion, the usage. */
static int usage_error(const char *what, const char *word, const char *const *words, size_t n)
{
	const char *near = cli_nearest(word, words, n);
	struct hf_err err;

	hf_err_clear(&err);
	err.code = HF_E_USAGE;
	if (!strcmp(word, "--trust")) /* the last word: its argument is missing */
		snprintf(err.msg, sizeof(err.msg), "--trust needs an argument (PEM)");
	else
		snprintf(err.msg, sizeof(err.msg), "unknown %s '%s'%s%s%s", what, word,
			 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
	(void)cli_fail(&err);
	fprintf(stderr, "Try 'hotfix --help'.\n");
	cli_json_error(HF_EXIT_USAGE);
	return HF_EXIT_USAGE;
}

static int unknown_command(const char *word)
{
	const char *names[sizeof(cli_commands) / sizeof(cli_commands[0]) + 1];

	for (size_t i = 0; i < cli_ncommands; i++)
		names[i] = cli_commands[i].name;
	names[cli_ncommands] = "help";
	return usage_error("command", word, names, cli_ncommands + 1);
}

/* JSON mode from the whole command line, before any parsing (cli.h). */
static int wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "--format=json") ||
		    (!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "json")))
			return 1;
	return 0;
}

static int print_version(void)
{
	printf("hotfix %s\nlibxml2 %s\n%s\n%s\n", HOTFIX_VERSION, LIBXML_DOTTED_VERSION,
	       archive_version_details(), OpenSSL_version(OPENSSL_VERSION));
	return HF_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const char *const globals[] = { "-q", "--quiet", "-v", "--verbose", "--trust",
					       "--json", "--help", "--version" };
	const struct cli_cmd *cmd;
	char **args;
	int status, g = 1, nargs;

	cli_json_mode = wants_json(argc, argv);
	/* the global options before the command: moved after it, where they mean the same */
	while (g < argc && argv[g][0] == '-' && argv[g][1]) {
		if (!strcmp(argv[g], "--help") || !strcmp(argv[g], "-h"))
			return usage(stdout, HF_EXIT_OK);
		if (!strcmp(argv[g], "--version"))
			return print_version();
		if (!strcmp(argv[g], "--trust") && g + 1 < argc)
			g += 2;
		else if (!strncmp(argv[g], "--trust=", 8) || !strcmp(argv[g], "--json") ||
			 !strcmp(argv[g], "-q") || !strcmp(argv[g], "--quiet") ||
			 !strcmp(argv[g], "-v") || !strcmp(argv[g], "--verbose"))
			g++;
		else
			return usage_error("option", argv[g], globals,
					   sizeof(globals) / sizeof(globals[0]));
	}
	if (g >= argc) { /* no command: the usage (and, in JSON mode, the document) */
		if (g > 1) {
			struct hf_err err;

			hf_err_set(&err, HF_E_USAGE, "no command given");
			(void)cli_fail(&err);
		}
		usage(stderr, HF_EXIT_USAGE);
		cli_json_error(HF_EXIT_USAGE);
		return HF_EXIT_USAGE;
	}
	if (!strcmp(argv[g], "help")) { /* hotfix help [COMMAND] = hotfix [COMMAND --help] */
		if (g + 1 >= argc)
			return usage(stdout, HF_EXIT_OK);
		cmd = cli_find(argv[g + 1]);
		if (!cmd)
			return unknown_command(argv[g + 1]);
		{
			char *help[] = { argv[g + 1], (char *)"--help", NULL };

			return cmd->run(2, help);
		}
	}
	cmd = cli_find(argv[g]);
	if (!cmd)
		return unknown_command(argv[g]);
	/* argv: the command word, the global options, then the rest */
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		fprintf(stderr, "hotfix: out of memory\n");
		return HF_EXIT_FAILED;
	}
	nargs = 0;
	args[nargs++] = argv[g];
	for (int i = 1; i < g; i++)
		args[nargs++] = argv[i];
	for (int i = g + 1; i < argc; i++)
		args[nargs++] = argv[i];
	status = cmd->run(nargs, args);
	cli_json_error(status);
	free(args);
	hf_xml_cleanup();
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		status = cli_output_status(status, errno);
	return status;
}
