/* site: site.xml and symlink-safe access to the site's files. */
#include "site.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "fold.h"
#include "name.h"
#include "trustpath.h"
#include "xml.h"

const char *hf_site_type_name(enum hf_site_type type)
{
	switch (type) {
	case HF_SITE_CENTRAL:
		return "central";
	case HF_SITE_PRIMARY:
		return "primary";
	case HF_SITE_SECONDARY:
		return "secondary";
	}
	return "?";
}

void hf_site_free(struct hf_site *site)
{
	if (!site)
		return;
	if (site->rootfd >= 0)
		close(site->rootfd);
	free(site->root);
	free(site->product_name);
	free(site->product_version);
	hf_cmd_clear(&site->svc.stop);
	hf_cmd_clear(&site->svc.start);
	hf_cmd_clear(&site->svc.health);
	free(site);
}

/* An unsigned attribute (already bounded by the schema), or dflt when absent. */
static unsigned attr_uint(xmlNode *node, const char *name, unsigned dflt)
{
	char *v = hf_xml_attr(node, name);
	unsigned long n = dflt;

	if (v) {
		char *end = NULL;

		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno || *end || n > HF_CMD_TIMEOUT_MAX)
			n = dflt;
	}
	free(v);
	return (unsigned)n;
}

/* One command element: <arg>... or <shell>. */
static int command(xmlNode *node, unsigned dflt_timeout, struct hf_cmd *cmd, const char *name,
		   struct hf_err *err)
{
	size_t n = 0;

	if (!node)
		return 0;
	for (xmlNode *k = node->children; k; k = k->next)
		n += k->type == XML_ELEMENT_NODE;
	if (n == 0 || n > HF_CMD_ARGS_MAX)
		return hf_err_set(err, HF_E_MALFORMED, "%s: <%s> needs 1 to %d arguments", name,
				  (const char *)node->name, HF_CMD_ARGS_MAX);
	cmd->argv = calloc(n + 1, sizeof(*cmd->argv));
	if (!cmd->argv)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	cmd->timeout = attr_uint(node, "timeout", dflt_timeout);
	for (xmlNode *k = node->children; k; k = k->next) {
		xmlChar *text;

		if (k->type != XML_ELEMENT_NODE)
			continue;
		cmd->shell = !xmlStrcmp(k->name, BAD_CAST "shell");
		text = xmlNodeGetContent(k);
		cmd->argv[cmd->argc] = text ? strdup((const char *)text) : NULL;
		xmlFree(text);
		if (!cmd->argv[cmd->argc])
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
		cmd->argc++;
	}
	return 0;
}

static int services(struct hf_site *s, xmlNode *node, const char *name, struct hf_err *err)
{
	xmlNode *health = hf_xml_child(node, "health");
	int r;

	if (!node)
		return 0;
	r = command(hf_xml_child(node, "stop"), HF_SERVICE_TIMEOUT, &s->svc.stop, name, err);
	if (!r)
		r = command(hf_xml_child(node, "start"), HF_SERVICE_TIMEOUT, &s->svc.start, name,
			    err);
	if (!r)
		r = command(health, HF_HEALTH_TIMEOUT, &s->svc.health, name, err);
	if (!r && !s->svc.stop.argc != !s->svc.start.argc)
		r = hf_err_set(err, HF_E_MALFORMED,
			       "%s: <services> names a %s command without a %s command", name,
			       s->svc.stop.argc ? "stop" : "start",
			       s->svc.stop.argc ? "start" : "stop");
	if (health) {
		s->svc.retries = attr_uint(health, "retries", HF_HEALTH_RETRIES);
		s->svc.interval = attr_uint(health, "interval", HF_HEALTH_INTERVAL);
	}
	return r;
}

static int fill(struct hf_site *s, xmlDoc *doc, const char *name, struct hf_err *err)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *product = hf_xml_child(root, "product");
	char *code = hf_xml_attr(root, "code");
	char *type = hf_xml_attr(root, "type");
	char *parent = hf_xml_attr(root, "parent");
	char *sp = hf_xml_attr(product, "servicepack");
	char *names = hf_xml_attr(root, "names");
	char *end = NULL;
	unsigned long v;
	int r = 0;

	s->product_name = hf_xml_attr(product, "name");
	s->product_version = hf_xml_attr(product, "version");
	if (!code || !type || !sp || !s->product_name || !s->product_version ||
	    strlen(code) != 3 || (parent && strlen(parent) != 3)) {
		r = hf_err_set(err, HF_E_MALFORMED, "%s: incomplete site identity", name);
		goto out;
	}
	memcpy(s->code, code, 4);
	s->exact_names = names && !strcmp(names, "exact");
	if (parent)
		memcpy(s->parent, parent, 4);
	if (!strcmp(type, "central"))
		s->type = HF_SITE_CENTRAL;
	else if (!strcmp(type, "primary"))
		s->type = HF_SITE_PRIMARY;
	else
		s->type = HF_SITE_SECONDARY;
	errno = 0;
	v = strtoul(sp, &end, 10);
	if (errno || *end || v > 99) {
		r = hf_err_set(err, HF_E_MALFORMED, "%s: servicepack '%.20s' is not 0..99", name, sp);
		goto out;
	}
	s->servicepack = (unsigned)v;
	if (s->type == HF_SITE_CENTRAL && parent)
		r = hf_err_set(err, HF_E_MALFORMED, "%s: central site %s names a parent (%s)", name,
			       s->code, parent);
	else if (s->type != HF_SITE_CENTRAL && !parent)
		r = hf_err_set(err, HF_E_MALFORMED, "%s: %s site %s has no parent", name, type,
			       s->code);
	if (!r)
		r = services(s, hf_xml_child(root, "services"), name, err);
out:
	free(code);
	free(type);
	free(parent);
	free(sp);
	free(names);
	return r;
}

/* Open the directory root one component at a time, never following a symlink: a site
 * reached through a link could be swapped for another directory between two commands
 * (or two steps of one), so a link anywhere on the way is refused. */
static int open_root(const char *root, int *out, struct hf_err *err)
{
	const char *p = root;
	int dir = open(*root == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	*out = -1;
	while (dir >= 0 && *p) {
		char comp[NAME_MAX + 1]; /* one component of the path */
		size_t n;
		int next, e;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n >= sizeof(comp)) {
			close(dir);
			return hf_err_set(err, HF_E_IO, "site %s: a path component is too long", root);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		next = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		if (next < 0) {
			struct stat st;
			int link = fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);

			close(dir);
			if (link) {
				hf_err_set(err, HF_E_IO,
					   "site %s: '%.*s' is a symbolic link; refused (a site is "
					   "never reached through a link)",
					   root, (int)(p - root), root);
				hf_err_hint(err, "give the real path: realpath %s", root);
				return -HF_E_IO;
			}
			hf_err_set(err, HF_E_IO, "site %s: cannot open the directory: %s", root,
				   strerror(e));
			hf_err_hint(err, "give the site's root directory (the one holding site.xml)");
			return -HF_E_IO;
		}
		close(dir);
		dir = next;
	}
	if (dir < 0)
		return hf_err_set(err, HF_E_IO, "site %s: cannot open the directory: %s", root,
				  strerror(errno));
	*out = dir;
	return 0;
}

int hf_site_open(const char *root, struct hf_site **out, struct hf_err *err)
{
	struct hf_site *s = calloc(1, sizeof(*s));
	uint8_t *buf = NULL;
	size_t len = 0;
	xmlDoc *doc = NULL;
	char name[HF_SITE_NAME_MAX];
	struct stat st;
	int fd = -1, r;

	*out = NULL;
	if (!s)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	s->rootfd = -1;
	s->root = strdup(root);
	snprintf(name, sizeof(name), "%s/site.xml", root);
	if (!s->root) {
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	r = open_root(root, &s->rootfd, err);
	if (r)
		goto out;
	fd = hf_open_reg(s->rootfd, "site.xml", O_RDONLY | O_NOFOLLOW, 0, &st.st_mode);
	if (fd < 0 && st.st_mode) { /* a FIFO would block the open and the read for good */
		r = hf_err_notreg(err, HF_E_IO, name, st.st_mode);
		goto out;
	}
	if (fd < 0) {
		r = hf_err_set(err, HF_E_IO, "%s: cannot open: %s", name, strerror(errno));
		hf_err_hint(err, "is %s a site root? every site has a site.xml", root);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = hf_err_set(err, HF_E_IO, "%s: cannot stat: %s", name, strerror(errno));
		goto out;
	}
	s->xml_dev = st.st_dev;
	s->xml_ino = st.st_ino;
	s->xml_uid = st.st_uid;
	s->xml_gid = st.st_gid;
	r = hf_read_fd(fd, name, HF_SITE_XML_MAX, &buf, &len, err);
	if (!r)
		r = hf_xml_load(buf, len, HF_SCHEMA_SITE, name, &doc, err);
	if (!r)
		r = fill(s, doc, name, err);
	if (!r) {
		*out = s;
		s = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	xmlFreeDoc(doc);
	free(buf);
	hf_site_free(s);
	return r;
}

/* The site's spelling of comp in dir (comp is replaced by it): 0, or an error with
 * *sys_errno set (ENOENT: no entry folds to it) or -HF_E_CONFLICT. */
static int spell(const struct hf_site *site, int dir, const char *rel, char *comp,
		 int *sys_errno, struct hf_err *err)
{
	char found[NAME_MAX + 1], other[NAME_MAX + 1];
	int r = hf_fold_lookup(dir, comp, found, other);

	if (r == HF_FOLD_ONE) {
		memcpy(comp, found, strlen(found) + 1);
		return 0;
	}
	if (r == HF_FOLD_TWO) {
		hf_err_set(err, HF_E_CONFLICT,
			   "%s: %s: two names in one directory, '%s' and '%s', are the same name "
			   "without regard to case; hotfix cannot tell which one is meant",
			   site->code, rel, found, other);
		hf_err_hint(err, "remove or rename one of them (or set names=\"exact\" in "
				 "site.xml if the site's names are exact)");
		return -HF_E_CONFLICT;
	}
	*sys_errno = r == HF_FOLD_MISSING ? ENOENT : -r;
	if (*sys_errno == EFBIG) {
		hf_err_set(err, HF_E_IO, "%s: %s: a directory on the way has more than %d entries; "
					 "too many to match names without regard to case",
			   site->code, rel, HF_FOLD_SCAN_MAX);
		hf_err_hint(err, "set names=\"exact\" in site.xml if the manifest spells the "
				 "site's names exactly");
		return -HF_E_IO;
	}
	return hf_err_set(err, HF_E_IO, "%s: %s: %s", site->code, rel, strerror(*sys_errno));
}

/* Append part (n bytes) and then sep to spelled (HF_SITE_REL_MAX), at *used; 0 if the
 * result is at most HF_NAME_PATH_MAX bytes. */
static int append(char *spelled, size_t *used, const char *part, size_t n, char sep)
{
	if (*used + n + (sep != '\0') > HF_NAME_PATH_MAX)
		return -1;
	memcpy(spelled + *used, part, n);
	*used += n;
	spelled[*used] = sep;
	*used += sep != '\0';
	spelled[*used] = '\0';
	return 0;
}

int hf_site_open_file(const struct hf_site *site, const char *rel, int *fd, char *spelled,
		      int *sys_errno, struct hf_err *err)
{
	char comp[NAME_MAX + 1]; /* one component of rel */
	char mine[HF_SITE_REL_MAX];
	const char *p = rel;
	size_t used = 0;
	int dir = site->rootfd, next, r = 0;

	*fd = -1;
	*sys_errno = 0;
	if (!spelled)
		spelled = mine;
	spelled[0] = '\0';
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int flags = slash ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
				  : O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
		size_t mark = used; /* spelled up to this component */

		next = -1;
		if (n == 0 || n >= sizeof(comp)) {
			*sys_errno = EINVAL;
		} else {
			memcpy(comp, p, n);
			comp[n] = '\0';
			if (!site->exact_names)
				r = spell(site, dir, rel, comp, sys_errno, err);
			if (!r && append(spelled, &used, comp, strlen(comp), slash ? '/' : '\0')) {
				r = hf_err_set(err, HF_E_MALFORMED,
					       "%s: %s: the site spells it with more than %d bytes",
					       site->code, rel, HF_NAME_PATH_MAX);
				hf_err_hint(err, "rename the site's file or directory to the "
						 "manifest's spelling");
			}
			if (!r) {
				next = openat(dir, comp, flags);
				if (next < 0)
					*sys_errno = errno;
			}
		}
		if (dir != site->rootfd)
			close(dir);
		if (r || next < 0) { /* spelled: as far as opened, then rel's rest */
			used = mark;
			spelled[used] = '\0';
			(void)append(spelled, &used, p, strlen(p), '\0');
		}
		if (r)
			return r;
		if (next < 0) {
			if (*sys_errno == ELOOP || *sys_errno == ENOTDIR)
				return hf_err_set(err, HF_E_IO,
						  "%s: %s: '%s' is a symbolic link or not a "
						  "directory; refusing to follow it",
						  site->code, rel, comp);
			return hf_err_set(err, HF_E_IO, "%s: %s: %s", site->code, rel,
					  strerror(*sys_errno));
		}
		if (!slash)
			break;
		dir = next;
		p = slash + 1;
	}
	*fd = next;
	return 0;
}

int hf_site_has_state(const struct hf_site *site)
{
	struct stat st;

	return fstatat(site->rootfd, ".hotfix", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* The trust rule for site.xml and its commands (see site.h). */

/* The site root as an absolute path (as hf_site_open reached it). */
static int abs_root(const struct hf_site *s, char *buf, size_t len, struct hf_err *err)
{
	char cwd[HF_TRUSTPATH_PATH_MAX];
	int n;

	if (s->root[0] == '/') {
		n = snprintf(buf, len, "%s", s->root);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return hf_err_set(err, HF_E_IO, "cannot tell the current directory: %s",
					  strerror(errno));
		n = snprintf(buf, len, "%s/%s", cwd, s->root);
	}
	if (n < 0 || (size_t)n >= len)
		return hf_err_set(err, HF_E_MALFORMED, "site %.200s: the path is too long", s->root);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}

/* Credentials of the service account uid (site.xml's owner): its passwd entry's group
 * and groups, never group root; -HF_E_UNSAFE for a uid with no entry or in group root. */
static int account(const char *code, uid_t uid, struct hf_cred *c, struct hf_err *err)
{
	struct passwd pw, *found = NULL;
	char buf[16384];
	int n = HF_CRED_GROUPS_MAX;

	memset(c, 0, sizeof(*c));
	c->drop = 1;
	c->uid = uid;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || !found) {
		/* no entry: no group to run with but site.xml's, which may be root's */
		hf_err_set(err, HF_E_UNSAFE,
			   "%s: the site is owned by uid %u, which has no user account (no "
			   "passwd entry); hotfix runs a service-account site's commands as that "
			   "account, with its groups, and will not guess them",
			   code, (unsigned)uid);
		hf_err_hint(err, "create the account (useradd -r) for uid %u, or chown the site "
				 "to root (hotfix(1) HOOKS)",
			    (unsigned)uid);
		return -HF_E_UNSAFE;
	}
	c->gid = found->pw_gid;
	if (getgrouplist(found->pw_name, found->pw_gid, c->groups, &n) < 0)
		return hf_err_set(err, HF_E_MALFORMED,
				  "user %s (uid %u) is in more than %d groups; hotfix will not run "
				  "the site's commands as it",
				  found->pw_name, (unsigned)uid, HF_CRED_GROUPS_MAX);
	c->ngroups = (size_t)n;
	for (int i = -1; i < n; i++) /* never group root for a user that is not root */
		if ((i < 0 ? c->gid : c->groups[i]) == 0) {
			hf_err_set(err, HF_E_UNSAFE,
				   "%s: the site is owned by user %s (uid %u), who is in group "
				   "root (gid 0); hotfix will not run the site's commands with "
				   "group root",
				   code, found->pw_name, (unsigned)uid);
			hf_err_hint(err, "take %s out of group root (usermod -g / gpasswd -d), or "
					 "chown the site to root (hotfix(1) HOOKS)",
				    found->pw_name);
			return -HF_E_UNSAFE;
		}
	return 0;
}

/* The file cmd would execute: 1 with its path in buf, 0 when there is none. */
static int candidate(const struct hf_cmd *cmd, const char *root, char *buf, size_t len)
{
	const char *name = cmd->argv[0];
	const char *p = HF_CMD_PATH;

	if (cmd->shell)
		return snprintf(buf, len, "/bin/sh") > 0;
	if (name[0] == '/')
		return snprintf(buf, len, "%s", name) < (int)len;
	if (strchr(name, '/')) /* the commands run in the site root */
		return snprintf(buf, len, "%s/%s", root, name) < (int)len;
	while (*name && *p) { /* execvpe's search, with the PATH the command gets */
		size_t n = strcspn(p, ":");
		struct stat st;

		if (snprintf(buf, len, "%.*s/%s", (int)n, p, name) < (int)len &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

static int trust_cmd(struct hf_site *s, struct hf_cmd *cmd, const char *phase,
		     const char *root, uid_t also, const struct hf_cred *cred, struct hf_err *err)
{
	char cand[HF_TRUSTPATH_PATH_MAX];
	struct hf_trustpath_file f;
	int r;

	if (cmd->argc == 0)
		return 0;
	free(cmd->path);
	cmd->path = NULL;
	cmd->resolved = 1;
	cmd->exec_errno = ENOENT;
	cmd->cred = *cred;
	if (!candidate(cmd, root, cand, sizeof(cand)))
		return 0; /* fails when run, with "No such file or directory" */
	r = hf_trustpath_check_exec(cand, also, 0, &f, err); /* and its #! interpreters */
	if (r == -HF_E_IO && f.sys_errno) { /* missing: fails when run, as it would have */
		hf_err_clear(err);
		cmd->exec_errno = f.sys_errno;
		return 0;
	}
	if (r)
		return hf_err_prefix(err,
				     "%s: the %s command runs %s, so it and every directory above it "
				     "must be owned by root and writable by no one else: ",
				     s->code, phase, cand);
	cmd->path = strdup(f.path);
	if (!cmd->path)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	return 0;
}

int hf_site_trust(struct hf_site *s, struct hf_err *err)
{
	char root[HF_TRUSTPATH_PATH_MAX], xml[HF_TRUSTPATH_PATH_MAX + 16];
	struct hf_trustpath_file f;
	struct hf_cred cred;
	struct stat rst;
	uid_t also = HF_TRUSTPATH_NONE;
	int r;

	s->svc.checked = 0;
	memset(&cred, 0, sizeof(cred));
	if (!s->svc.stop.argc && !s->svc.start.argc && !s->svc.health.argc) {
		s->svc.checked = 1; /* nothing the site names is executed */
		return 0;
	}
	r = abs_root(s, root, sizeof(root), err);
	if (r)
		return r;
	snprintf(xml, sizeof(xml), "%s/site.xml", root);
	if (s->xml_uid != 0 && s->xml_uid != geteuid() && geteuid() == 0 &&
	    fstat(s->rootfd, &rst) == 0 && rst.st_uid == s->xml_uid) {
		/* a service account, owning site.xml and the site root: the directories above
		 * are trusted without it */
		char *slash = strrchr(root, '/');

		also = s->xml_uid;
		if (slash) {
			char above[HF_TRUSTPATH_PATH_MAX];

			snprintf(above, sizeof(above), "%.*s", slash == root ? 1 : (int)(slash - root),
				 root);
			r = hf_trustpath_check(above, HF_TRUSTPATH_NONE, HF_TRUSTPATH_NOFOLLOW, &f,
					       err);
		}
	}
	if (!r)
		r = hf_trustpath_check(xml, also, HF_TRUSTPATH_NOFOLLOW, &f, err);
	if (r) {
		hf_err_prefix(err, "%s: site.xml names commands that hotfix runs, so it and every "
				   "directory above it must be owned by root and writable by no one "
				   "else: ",
			      s->code);
		if (r == -HF_E_UNSAFE) {
			char hint[sizeof(err->hint)];

			snprintf(hint, sizeof(hint), "%s", err->hint);
			hf_err_hint(err, "%s (a site owned by a service account: hotfix(1) HOOKS)",
				    hint);
		}
		return r;
	}
	if (f.st.st_dev != s->xml_dev || f.st.st_ino != s->xml_ino)
		return hf_err_set(err, HF_E_IO, "%s: %s was replaced while hotfix read it; run the "
						"command again", s->code, xml);
	if (also != HF_TRUSTPATH_NONE)
		r = account(s->code, also, &cred, err);
	if (!r)
		r = trust_cmd(s, &s->svc.stop, "stop", root, also, &cred, err);
	if (!r)
		r = trust_cmd(s, &s->svc.start, "start", root, also, &cred, err);
	if (!r)
		r = trust_cmd(s, &s->svc.health, "health", root, also, &cred, err);
	if (!r)
		s->svc.checked = 1;
	return r;
}
