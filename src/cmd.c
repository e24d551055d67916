/* cmd: a command's description for messages, and freeing it. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hf_cmd_describe(const struct hf_cmd *cmd, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (cmd->shell) {
		snprintf(buf, len, "sh -c '%s'", cmd->argc ? cmd->argv[0] : "");
		return buf;
	}
	for (size_t i = 0; i < cmd->argc && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", cmd->argv[i]);
	return buf;
}

void hf_cmd_clear(struct hf_cmd *cmd)
{
	for (size_t i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	free(cmd->path);
	memset(cmd, 0, sizeof(*cmd));
}
