/* cli/main: the table of commands; parses the command word and dispatches. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <libxml/xmlversion.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "xml.h"
#include "cli.h"

static const struct cli_cmd commands[] = {
	{ "check", cmd_check, "check MANIFEST... --site DIR [--json]",
	  "Verify the manifest and show what applying it would do to each file of the site;\n"
	  "changes nothing on disk.  With several manifests, also which files each hotfix\n"
	  "touches, which two own a file, what would go down, what is superseded." },
	{ "apply", cmd_apply, "apply MANIFEST --site DIR [--dry-run] [--json] [--receipt-key PEM]",
	  "Install the hotfix on the site: stage, verify, journal, back up, swap, commit.\n"
	  "Crash-safe: the site ends exactly as before or as after." },
	{ "rollback", cmd_rollback, "rollback HOTFIX-ID --site DIR [--json] [--receipt-key PEM]",
	  "Restore the originals an installed hotfix replaced, if its files are unchanged." },
	{ "recover", cmd_recover, "recover --site DIR",
	  "Finish or undo a transaction a crash interrupted, and say which." },
	{ "audit", cmd_audit,
	  "audit [MANIFEST...] --site DIR [--verify-hashes] [--verify-log] [--format text|json]",
	  "Report, per file, the installed version against each manifest's, and whether\n"
	  "the site is compliant." },
	{ "list", cmd_list, "list --site DIR [--json]", "List the hotfixes installed on a site." },
	{ "inventory", cmd_inventory, "inventory --hierarchy FILE [--format ansible]",
	  "Print the hierarchy as an Ansible inventory: groups central, primary and\n"
	  "secondary, one host per site with its root, code, parent and service pack." },
	{ "version", cmd_version, "version FILE...",
	  "Print the file and product version of each PE file, from its version resource:\n"
	  "PATH<TAB>FILEVERSION<TAB>PRODUCTVERSION ('-' when there is none)." },
};

const struct cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: hotfix COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  hotfix %s\n", commands[i].usage);
	fprintf(out, "\n'hotfix COMMAND --help' describes a command; hotfix(1) describes all.\n"
		     "'hotfix --version' prints the versions of hotfix and its libraries.\n");
	return status;
}

static int print_version(void)
{
	printf("hotfix %s\nlibxml2 %s\n%s\n%s\n", HOTFIX_VERSION, LIBXML_DOTTED_VERSION,
	       archive_version_details(), OpenSSL_version(OPENSSL_VERSION));
	return HF_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int status;

	if (argc < 2)
		return usage(stderr, HF_EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout, HF_EXIT_OK);
	if (!strcmp(argv[1], "--version"))
		return print_version();
	cmd = cli_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "hotfix: unknown command '%s'\n", argv[1]);
		return usage(stderr, HF_EXIT_USAGE);
	}
	status = cmd->run(argc - 1, argv + 1);
	hf_xml_cleanup();
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		status = cli_output_status(status, errno);
	return status;
}
