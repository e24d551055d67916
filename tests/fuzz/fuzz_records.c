/* libFuzzer target: the line formats read back from a site -- the transaction log
 * (txlog.h: verify, last record, append after whatever is there) and the lines of
 * /proc/PID/maps (inuse.h).  The first byte picks which. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inuse.h"
#include "txlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int dirfd_ = -1;
static char dir[64];

static void maps(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	unsigned maj, min;
	unsigned long long ino;

	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	(void)hf_inuse_parse_maps_line(line, &maj, &min, &ino);
	free(line);
}

static void txlog(const uint8_t *data, size_t size)
{
	struct hf_jfile file = {.path = "bin/i386/Basesvr.dll"};
	struct hf_txrec rec = {.site = "CEN", .op = "apply", .id = "KB936465", .revision = 1,
			       .result = "committed", .by = "command", .files = &file,
			       .nfiles = 1};
	uint8_t reg[HF_SHA256_LEN] = {0};
	struct hf_txlog_check c;
	struct hf_err err;
	int fd, found, same;

	if (dirfd_ < 0) {
		snprintf(dir, sizeof(dir), "/tmp/hotfix-fuzz-txlog-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		dirfd_ = open(dir, O_RDONLY | O_DIRECTORY);
	}
	fd = openat(dirfd_, HF_TXLOG_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	(void)hf_txlog_verify(dirfd_, dir, size & 1, reg, NULL, &c, &err);
	(void)hf_txlog_last_registry(dirfd_, dir, 1, reg, &found, &same, &err);
	if (hf_txlog_append(dirfd_, dir, &rec, NULL, NULL, 0, &err) == 0 &&
	    (hf_txlog_verify(dirfd_, dir, 0, reg, NULL, &c, &err) != 0 || c.records == 0))
		abort(); /* an append is always the last record, and readable */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		maps(data + 1, size - 1);
	else
		txlog(data + 1, size - 1);
	return 0;
}
