/* cmd: what an administrator's command is -- a site's stop, start or health command as
 * site.xml gives it and hf_site_trust checks it, before anyone runs it (hook.h runs it).
 *
 * Owns: struct hf_cmd (free with hf_cmd_clear) and struct hf_cred, plain values, and
 * their bounds.  A record (site) holds them; an action (hook) runs them: neither
 * depends on the other for the type. */
#ifndef HOTFIX_CMD_H
#define HOTFIX_CMD_H

#include <stddef.h>
#include <sys/types.h>

#define HF_CMD_ARGS_MAX 64
#define HF_CMD_TIMEOUT_MAX 3600 /* seconds */
/* The PATH a command is resolved in (site.c) and runs with (hook.c): system directories only. */
#define HF_CMD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define HF_CRED_GROUPS_MAX 256

/* Who a command runs as, when not as hotfix itself. */
struct hf_cred {
	int drop;        /* 1: become uid, gid and groups before the exec */
	uid_t uid;
	gid_t gid;
	size_t ngroups;  /* supplementary groups (0: none) */
	gid_t groups[HF_CRED_GROUPS_MAX];
};

struct hf_cmd {
	char **argv;     /* NULL-terminated; for a shell command, argv[0] is the text */
	size_t argc;
	int shell;       /* run argv[0] with /bin/sh -c */
	unsigned timeout; /* seconds, 1..HF_CMD_TIMEOUT_MAX */
	/* set when the command was checked (hf_site_trust): */
	int resolved;    /* 1: exec `path` and nothing else */
	char *path;      /* the executable (for a shell command, the shell), or NULL when
			  * there is none: exec_errno says why */
	int exec_errno;
	struct hf_cred cred;
};

/* The command as one line for messages ("/usr/bin/foo --bar" or "sh -c 'text'"). */
const char *hf_cmd_describe(const struct hf_cmd *cmd, char *buf, size_t len);

void hf_cmd_clear(struct hf_cmd *cmd);

#endif
