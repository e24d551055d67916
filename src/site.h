/* site: one installation of the product -- its identity (site.xml) and its files.
 *
 * Owns: struct hf_site (free with hf_site_free), including an O_PATH descriptor of the
 * site root.  Files of the site are opened relative to that descriptor one component at
 * a time with O_NOFOLLOW, so a symlink planted in the site never leads outside it.  Unless
 * site.xml says names="exact", each component matches the site's entry whose name folds
 * to it (fold.h: Windows semantics, Unicode simple case folding), and callers get the
 * site's spelling. */
#ifndef HOTFIX_SITE_H
#define HOTFIX_SITE_H

#include <sys/types.h>

#include "err.h"
#include "cmd.h"

#define HF_SITE_XML_MAX (64 * 1024)
/* A path relative to the site's root that a file set names (at most HF_NAME_PATH_MAX,
 * manifest.h, and a NUL), or one of its directories: the buffers that hold one. */
#define HF_SITE_REL_MAX 1100

enum hf_site_type { HF_SITE_CENTRAL, HF_SITE_PRIMARY, HF_SITE_SECONDARY };

#define HF_SERVICE_TIMEOUT 60 /* seconds, stop and start, when site.xml gives none */
#define HF_HEALTH_TIMEOUT 30
#define HF_HEALTH_RETRIES 2
#define HF_HEALTH_INTERVAL 5

/* site.xml <services>: the commands that stop and start the site's services around a
 * swap, and the health command run after it.  A command with argc 0 is absent; stop and
 * start come together or not at all. */
struct hf_services {
	struct hf_cmd stop, start, health;
	unsigned retries;  /* health: attempts after the first */
	unsigned interval; /* health: seconds between attempts */
	int checked;       /* hf_site_trust passed: the commands may run */
};

struct hf_site {
	char *root;      /* as given */
	int rootfd;      /* O_PATH | O_DIRECTORY */
	char code[4];    /* 3 characters */
	enum hf_site_type type;
	char parent[4];  /* "" for none */
	char *product_name, *product_version;
	unsigned servicepack;
	struct hf_services svc;
	dev_t xml_dev;   /* site.xml as read */
	ino_t xml_ino;
	uid_t xml_uid;
	gid_t xml_gid;
	int exact_names; /* site.xml <site names="exact">: no case folding */
};

/* Open the site at root: read and validate root/site.xml.  Errors: -HF_E_IO (no such
 * directory or no site.xml), -HF_E_SCHEMA, -HF_E_MALFORMED (e.g. a central site with a
 * parent, or another site without one). */
int hf_site_open(const char *root, struct hf_site **out, struct hf_err *err) HF_MUST_CHECK;

void hf_site_free(struct hf_site *site);

/* The ownership rule of trustpath.h for what the site makes hotfix execute.  When
 * site.xml names a command: site.xml and every directory above it must be trusted, and
 * so must each command's executable and the directories above it (for a <shell>
 * command, /bin/sh; what the text runs is the administrator's business), resolved here
 * with the clean PATH of hook.h (a relative path: from the site root) so that hook runs
 * exactly the file checked.  One exception, the service account: a site.xml and a site
 * root both owned by another user U, both writable by U only, under directories trusted
 * without U, make every command run as U -- U's supplementary
 * groups (none when U has no passwd entry), U's primary group (site.xml's group when
 * there is no entry), then U, never root; the executables may then be U's too.  An
 * executable that does not exist is no refusal: the command fails when it runs, as it
 * would have.  Apply, rollback, recover and check call this before anything else;
 * hf_service_run refuses a command not checked.  Errors: -HF_E_UNSAFE (the message names the
 * file, its owner and mode; the hint what to change), -HF_E_IO (site.xml changed since
 * it was read, a directory cannot be opened), -HF_E_MALFORMED (a path too long, a user
 * in too many groups), -HF_E_NOMEM. */
int hf_site_trust(struct hf_site *site, struct hf_err *err) HF_MUST_CHECK;

const char *hf_site_type_name(enum hf_site_type type);

/* Open a file of the site read-only; rel must satisfy hf_name_safe_path().  No component
 * may be a symlink.  Each component is the site's entry that folds to it (fold.h), unless
 * the site's names are exact; spelled (HF_SITE_REL_MAX bytes, or NULL) gets rel as the
 * site spells it -- on failure, as far as it was resolved, then rel's rest.  A spelling
 * longer than HF_NAME_PATH_MAX (folding may change lengths) is -HF_E_MALFORMED.  On failure
 * *sys_errno is the errno (ENOENT: missing; ELOOP: a symlink on the way), or 0 with
 * -HF_E_CONFLICT when two entries of one directory fold to the same component (the
 * message names both). */
int hf_site_open_file(const struct hf_site *site, const char *rel, int *fd, char *spelled,
		      int *sys_errno, struct hf_err *err) HF_MUST_CHECK;

/* 1 if root/.hotfix exists (a directory), 0 if not. */
int hf_site_has_state(const struct hf_site *site);

#endif
