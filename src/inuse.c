/* inuse: processes that map or hold open a file, from /proc (see inuse.h). */
#include "inuse.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Digits in base (16 or 10), at least one and at most max, then `end`. */
static int field(const char **p, int base, int max, char end, unsigned long long *v)
{
	const char *s = *p;
	int n = 0;

	*v = 0;
	for (; n < max; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		*v = *v * (unsigned)base + (unsigned)d;
	}
	if (n == 0 || *s != end)
		return -1;
	*p = s + 1;
	return 0;
}

int hf_inuse_parse_maps_line(const char *line, unsigned *major, unsigned *minor,
			     unsigned long long *ino)
{
	const char *p = line;
	unsigned long long v, maj, min;

	/* start-end perms offset major:minor inode [path] */
	if (field(&p, 16, 16, '-', &v) || field(&p, 16, 16, ' ', &v))
		return -1;
	for (int i = 0; i < 4; i++, p++)
		if (!*p || *p == ' ')
			return -1;
	if (*p++ != ' ' || field(&p, 16, 16, ' ', &v) || field(&p, 16, 8, ':', &maj) ||
	    field(&p, 16, 8, ' ', &min))
		return -1;
	/* the inode ends at a space (a path follows) or at the end of the line */
	v = 0;
	{
		int n = 0;

		for (; *p >= '0' && *p <= '9' && n < 20; p++, n++)
			v = v * 10 + (unsigned)(*p - '0');
		if (n == 0 || (*p && *p != ' ' && *p != '\n'))
			return -1;
	}
	if (maj > 0xfff || min > 0xfffff)
		return -1;
	*major = (unsigned)maj;
	*minor = (unsigned)min;
	*ino = v;
	return 0;
}

void hf_inuse_free(struct hf_inuse *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->hits[i].path);
	free(u->hits);
	memset(u, 0, sizeof(*u));
}

/* The hit for (pid, target k), made when first needed.  NULL when the list is full
 * (counted in more) or out of memory (*oom). */
static struct hf_inuse_hit *hit(struct hf_inuse *u, size_t first, pid_t pid,
				const char *comm, const struct hf_inuse_target *t, int *oom)
{
	struct hf_inuse_hit *h;
	char *path;

	for (size_t i = first; i < u->n; i++)
		if (!strcmp(u->hits[i].path, t->path))
			return &u->hits[i];
	if (u->n >= HF_INUSE_HITS_MAX) {
		u->more++;
		return NULL;
	}
	path = strdup(t->path);
	h = path ? realloc(u->hits, (u->n + 1) * sizeof(*h)) : NULL;
	if (!h) {
		free(path);
		*oom = 1;
		return NULL;
	}
	u->hits = h;
	memset(&h[u->n], 0, sizeof(*h));
	h[u->n].pid = pid;
	snprintf(h[u->n].comm, sizeof(h[u->n].comm), "%s", comm);
	h[u->n].path = path;
	return &h[u->n++];
}

/* One process: 0, or -1 if it could not be read (gone, or not ours to read). */
static int scan_pid(int pdir, pid_t pid, const struct hf_inuse_target *t, size_t n,
		    struct hf_inuse *u, int *oom)
{
	char comm[32] = "?", *line = NULL;
	size_t cap = 0, first = u->n;
	int fd, readable = 0;
	ssize_t len;
	FILE *f;
	DIR *d;

	fd = openat(pdir, "comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		len = read(fd, comm, sizeof(comm) - 1);
		comm[len > 0 ? len : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		for (char *c = comm; *c; c++)
			if (!isprint((unsigned char)*c))
				*c = '?';
		close(fd);
	}
	fd = openat(pdir, "maps", O_RDONLY | O_CLOEXEC);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f && fd >= 0)
		close(fd);
	if (f) {
		readable = 1;
		while ((len = getline(&line, &cap, f)) > 0 && !*oom) {
			unsigned maj, min;
			unsigned long long ino;

			if (len > HF_INUSE_LINE_MAX ||
			    hf_inuse_parse_maps_line(line, &maj, &min, &ino) || ino == 0)
				continue;
			for (size_t k = 0; k < n; k++) {
				struct hf_inuse_hit *h;

				if (t[k].ino != ino || major(t[k].dev) != maj ||
				    minor(t[k].dev) != min)
					continue;
				h = hit(u, first, pid, comm, &t[k], oom);
				if (h)
					h->mapped = 1;
			}
		}
		free(line);
		fclose(f);
	}
	fd = openat(pdir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	if (d) {
		struct dirent *e;

		readable = 1;
		while ((e = readdir(d)) && !*oom) {
			struct stat st;

			if (e->d_name[0] == '.' ||
			    fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode))
				continue;
			for (size_t k = 0; k < n; k++) {
				struct hf_inuse_hit *h;

				if (t[k].ino != st.st_ino || t[k].dev != st.st_dev)
					continue;
				h = hit(u, first, pid, comm, &t[k], oom);
				if (h)
					h->open = 1;
			}
		}
		closedir(d);
	}
	return readable ? 0 : -1;
}

int hf_inuse_scan(const char *proc, const struct hf_inuse_target *t, size_t n,
		  struct hf_inuse *out, struct hf_err *err)
{
	pid_t self = getpid();
	struct dirent *e;
	int oom = 0;
	DIR *d;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	if (n > HF_INUSE_TARGETS_MAX)
		return hf_err_set(err, HF_E_USAGE, "in-use scan: %zu files (at most %d)", n,
				  HF_INUSE_TARGETS_MAX);
	d = opendir(proc);
	if (!d)
		return hf_err_set(err, HF_E_IO, "%s: cannot list processes: %s", proc,
				  strerror(errno));
	out->scanned = 1;
	while ((e = readdir(d)) && !oom) {
		char *end = NULL;
		unsigned long pid;
		int pdir;

		errno = 0;
		pid = strtoul(e->d_name, &end, 10);
		if (errno || !*e->d_name || *end || !isdigit((unsigned char)e->d_name[0]) ||
		    pid == 0 || pid > 0x7fffffff || (pid_t)pid == self)
			continue;
		pdir = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pdir < 0)
			continue; /* ended meanwhile */
		if (scan_pid(pdir, (pid_t)pid, t, n, out, &oom) != 0)
			out->unreadable++;
		close(pdir);
	}
	closedir(d);
	if (oom) {
		hf_inuse_free(out);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	return 0;
}
