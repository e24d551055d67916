/* txn: apply, rollback and recovery of one site (see txn.h for the order of steps).
 *
 * The file follows that order: the transaction's context, one section per step (stage,
 * journal, keep, stop, swap, commit, record, finish), recovery (undo), run() -- the
 * sequence of the steps, with recovery in process on a failure -- and the entry points. */
#include "txn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authenticode.h"
#include "fsop.h"
#include "history.h"
#include "hookrec.h"
#include "intr.h"
#include "name.h"
#include "payload.h"
#include "pe.h"
#include "registry.h"
#include "service.h"
#include "swap.h"
#include "txlog.h"
#include "utc.h"

/* The syslog fields of a log line (history.h). */
#define STEP(...) (&(const struct hf_history_step){__VA_ARGS__})

#define LIST_MAX 8 /* files named in one message */
#define REASONS_MAX 900 /* those files and why, "; " between them: one message (1024) */

/* One transaction at work on one site. */
struct ctx {
	struct hf_state *st;
	const struct hf_site *site;
	struct hf_history *log;
	const char *file; /* the target being worked on, for the failure report */
	const char *op, *id; /* for the log record of a transaction without a journal yet */
	unsigned long revision;
	char sdir[HF_SITE_NAME_MAX];  /* "SITE/.hotfix", for messages */
};

static void ctx_init(struct ctx *c, struct hf_state *st)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->site = st->site;
	snprintf(c->sdir, sizeof(c->sdir), "%s/%s", st->site->root, HF_STATE_DIR);
}

/* The directory holding a site file (creating nothing). */
static int site_parent(const struct ctx *c, const char *path, int *dir, const char **leaf,
		       struct hf_err *err)
{
	char display[HF_SITE_NAME_MAX];

	snprintf(display, sizeof(display), "%s: %s", c->site->code, path);
	return hf_fs_open_parent(c->site->rootfd, path, 0, dir, leaf, display, err);
}

/* Hash of installed.xml as it is on disk; *present 0 when there is none. */
static int registry_hash(const struct ctx *c, int *present, uint8_t sha[HF_SHA256_LEN],
			 struct hf_err *err)
{
	char display[HF_STATE_NAME_MAX];

	snprintf(display, sizeof(display), "%s/%s", c->sdir, HF_STATE_REGISTRY);
	return hf_swap_hash(c->st->dirfd, HF_STATE_REGISTRY, present, sha, NULL, display, err);
}

/* .hotfix/staging, private to root (0700) whoever's umask made it. */
static int staging_open(const struct ctx *c, int create, int *dir, struct hf_err *err)
{
	struct stat st;
	int r = hf_fs_opendirs(c->st->dirfd, HF_STATE_STAGING, create, dir, c->sdir, err);

	if (r || !create)
		return r;
	if (fstat(*dir, &st) != 0 || ((st.st_mode & 07777) != 0700 && hf_fs_fchmod(*dir, 0700))) {
		r = hf_err_set(err, HF_E_IO, "%s/%s: cannot make it private (0700): %s", c->sdir,
			       HF_STATE_STAGING, strerror(errno));
		close(*dir);
		*dir = -1;
	}
	return r;
}

/* The two places a transaction keeps file k's other content: staging/<k> and
 * backup/<ID>/<path>.  Apply stages the new content and keeps the original in the
 * backup; rollback takes the original from the backup and keeps the hotfix's file in
 * staging.  Opens the directory (creating it when create) into *dir; *leaf may point
 * into buf. */
enum slot { SLOT_STAGING, SLOT_BACKUP };

static int slot_open(const struct ctx *c, const struct hf_journal *j, size_t k, enum slot where,
		     int create, int *dir, const char **leaf, char *buf, size_t len,
		     struct hf_err *err)
{
	if (where == SLOT_STAGING) {
		snprintf(buf, len, "%zu", k);
		*leaf = buf;
		return staging_open(c, create, dir, err);
	}
	snprintf(buf, len, "%s/%s/%s", HF_STATE_BACKUP, j->id, j->files[k].path);
	return hf_fs_open_parent(c->st->dirfd, buf, create, dir, leaf, c->sdir, err);
}

/* Where the `from` content of a file is kept, and where its `to` content comes from. */
static enum slot from_slot(const struct hf_journal *j)
{
	return j->op == HF_JOURNAL_APPLY ? SLOT_BACKUP : SLOT_STAGING;
}

static enum slot to_slot(const struct hf_journal *j)
{
	return j->op == HF_JOURNAL_APPLY ? SLOT_STAGING : SLOT_BACKUP;
}

/* --- stage: the new files into staging/<i> (apply) --- */

/* Stage every file: extract, check the version resource (and, when the manifest requires
 * it, the Authenticode signature), give it the target's owner and mode, fsync.
 * st_target[k] is the target's stat. */
static int stage(struct ctx *c, const struct hf_plan *plan, const size_t *idx, size_t n,
		 const struct stat *st_target, struct hf_err *err)
{
	struct hf_payload_want *want = calloc(n, sizeof(*want));
	char name[32], display[HF_STATE_NAME_MAX], v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN];
	int sdir = -1, r;

	if (!want)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	for (size_t k = 0; k < n; k++)
		want[k].fd = -1;
	r = staging_open(c, 1, &sdir, err);
	for (size_t k = 0; !r && k < n; k++) {
		const struct hf_mfile *f = plan->items[idx[k]].file;

		r = hf_intr_check(err);
		if (r)
			break;
		snprintf(name, sizeof(name), "%zu", k);
		want[k].source = f->source;
		want[k].size = f->size;
		want[k].sha256 = f->sha256;
		want[k].fd = hf_fs_create(sdir, name, 0600);
		if (want[k].fd < 0)
			r = hf_err_set(err, HF_E_IO, "%s/%s/%s: cannot create: %s", c->sdir,
				       HF_STATE_STAGING, name, strerror(errno));
	}
	if (!r)
		/* interruptible too */
		r = hf_payload_extract(plan->manifest, want, n, c->st->progress, err);
	for (size_t k = 0; !r && k < n; k++) {
		const struct hf_mfile *f = plan->items[idx[k]].file;
		const char *path = plan->items[idx[k]].path; /* the site's spelling */
		struct hf_pe_info pe;

		r = hf_intr_check(err);
		if (r)
			break;
		snprintf(display, sizeof(display), "staged %s", f->source);
		c->file = path;
		r = hf_pe_read_fd(want[k].fd, f->size, display, &pe, err);
		if (!r && hf_version_cmp(&pe.file_version, &f->version) != 0)
			r = hf_err_set(err, HF_E_MALFORMED,
				       "%s: its version resource says %s, the manifest says %s",
				       display, hf_version_format(&pe.file_version, v1),
				       hf_version_format(&f->version, v2));
		if (!r && plan->manifest->authenticode_required) {
			char which[HF_STATE_NAME_MAX + HF_SITE_REL_MAX + 4];

			snprintf(which, sizeof(which), "%s (%s)", display, path);
			r = hf_ac_require(c->st->pe_trust, want[k].fd, f->size, which, err);
		}
		if (!r)
			r = hf_fs_copy_meta(want[k].fd, &st_target[k], 0, display, err);
		if (!r && hf_fs_fsync(want[k].fd) != 0)
			r = hf_err_set(err, HF_E_IO, "%s: fsync failed: %s", display,
				       strerror(errno));
		if (!r)
			hf_history_add(c->log,
				       STEP(.step = "stage", .file = path,
					    .new_ = hf_version_format(&f->version, v2)),
				       "staged %s from %s (%llu bytes, sha256 verified)", path,
				       f->source, (unsigned long long)f->size);
	}
	if (!r)
		c->file = NULL;
	/* no fsync of staging/ itself: an apply never needs its names after a crash (undo
	 * takes the originals from the backup; the swap links the staged inodes, each fsync'd
	 * above, and makes the target directories durable) */
	for (size_t k = 0; k < n; k++)
		if (want[k].fd >= 0)
			close(want[k].fd);
	if (sdir >= 0)
		close(sdir);
	free(want);
	return r;
}

/* --- journal: written before the first change to the site; room for its record --- */

/* Before the commit: room in the log for the record the commit is followed by, so that a
 * disk that fills up meanwhile cannot leave the commit unrecorded (txlog.h).  A file system
 * that cannot reserve is no failure: a record that then cannot be appended is owed
 * (record()), and the journal kept until it is. */
static int reserve(struct ctx *c, const struct hf_journal *j, struct hf_err *err)
{
	struct hf_txrec rec;
	int reserved = 0;

	memset(&rec, 0, sizeof(rec));
	rec.site = c->site->code;
	rec.op = hf_journal_op_name(j->op);
	rec.id = j->id;
	rec.revision = j->revision;
	rec.result = "committed";
	rec.by = "command";
	rec.has_registry = 1;
	rec.has_before = 1; /* the longest */
	rec.files = j->files;
	rec.nfiles = j->n;
	return hf_txlog_reserve(c->st->dirfd, c->sdir, &rec, &reserved, err);
}

/* The journal, fsync'd before the first change to the site; then room in the log for the
 * record the commit is followed by (reserve). */
static int write_journal(struct ctx *c, const struct hf_journal *j, struct hf_err *err)
{
	int r = hf_journal_write(c->st->dirfd, j, c->sdir, err);

	if (r)
		return r;
	hf_history_add(c->log, STEP(.step = "journal"), "journal written (%zu file(s))", j->n);
	return reserve(c, j, err);
}

/* --- keep: what the swap replaces, where undo takes it from --- */

/* .hotfix/backup, private to root (0700) like staging: a copy there keeps the original's
 * owner and mode, and no one else may reach it by its name. */
static int backup_private(const struct ctx *c, struct hf_err *err)
{
	struct stat st;
	int dir = -1, r = hf_fs_opendirs(c->st->dirfd, HF_STATE_BACKUP, HF_FS_CREATE_DURABLE, &dir,
					 c->sdir, err);

	if (r)
		return r;
	if (fstat(dir, &st) != 0 || ((st.st_mode & 07777) != 0700 && hf_fs_fchmod(dir, 0700)))
		r = hf_err_set(err, HF_E_IO, "%s/%s: cannot make it private (0700): %s", c->sdir,
			       HF_STATE_BACKUP, strerror(errno));
	close(dir);
	return r;
}

/* Keep every file the swap will replace, in its from_slot() (hf_swap_backup: a hard link
 * only where nobody but root can change the inode, else a copy); then make the copies
 * durable (one fsync per directory) before the first swap. */
static int keep_all(struct ctx *c, const struct hf_journal *j, struct hf_err *err)
{
	char display[HF_STATE_NAME_MAX], hex[HF_SHA256_HEX], rel[HF_STATE_REL_MAX],
	    ver[HF_VERSION_STRLEN];
	struct hf_fs_syncset dirs;
	int r = j->op == HF_JOURNAL_APPLY ? backup_private(c, err) : 0;

	hf_fs_syncset_init(&dirs);
	for (size_t k = 0; !r && k < j->n; k++) {
		const struct hf_jfile *f = &j->files[k];
		uint8_t cur[HF_SHA256_LEN];
		const char *leaf, *kleaf;
		int dir, kdir, present, copied = 0;

		r = hf_intr_check(err);
		if (r)
			break;
		snprintf(display, sizeof(display), "%s: %s", c->site->code, f->path);
		c->file = f->path;
		r = site_parent(c, f->path, &dir, &leaf, err);
		if (r)
			break;
		r = hf_swap_hash(dir, leaf, &present, cur, NULL, display, err);
		if (!r && (!present || memcmp(cur, f->from, HF_SHA256_LEN) != 0))
			r = hf_err_set(err, HF_E_CONFLICT, "%s changed during the transaction (%s)",
				       display, present ? hf_sha256_hex(cur, hex) : "missing");
		if (!r) /* a directory made for the copy must survive a crash with it */
			r = slot_open(c, j, k, from_slot(j), HF_FS_CREATE_DURABLE, &kdir, &kleaf,
				      rel, sizeof(rel), err);
		if (!r) {
			r = hf_swap_backup(dir, leaf, kdir, kleaf, f->from, &copied, display, err);
			if (!r)
				r = hf_fs_syncset_add(&dirs, kdir, display, err);
			close(kdir);
		}
		if (!r)
			hf_history_add(
			    c->log,
			    STEP(.step = j->op == HF_JOURNAL_APPLY ? "backup" : "keep",
				 .file = f->path, .old = hf_version_format(&f->from_version, ver)),
			    "kept %s (sha256 %s) in %s%s", f->path, hf_sha256_hex(f->from, hex),
			    j->op == HF_JOURNAL_APPLY ? "backup" : "staging",
			    copied ? " (a copy: others can change the file, or a link is "
				     "impossible)"
				   : "");
		close(dir);
	}
	snprintf(display, sizeof(display), "%s: %s", c->site->code,
		 j->op == HF_JOURNAL_APPLY ? "backup" : "staging");
	if (!r) {
		c->file = NULL;
		return hf_fs_syncset_sync(&dirs, display, err);
	}
	hf_fs_syncset_close(&dirs);
	return r;
}

/* --- stop (and start, health): the site's commands; .hotfix/services marks them --- */

/* .hotfix/services: services may be stopped, or running files not yet committed. */
static int services_marked(const struct ctx *c)
{
	struct stat sb;

	return fstatat(c->st->dirfd, HF_STATE_SERVICES, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

static int services_mark(struct ctx *c, const char *id, struct hf_err *err)
{
	char text[128];
	int n = snprintf(text, sizeof(text), "services stopped for %s\n", id);

	return hf_fs_write_atomic(c->st->dirfd, HF_STATE_SERVICES, text, (size_t)n, c->sdir,
				  err);
}

/* The site's stop, start or health command for this transaction (service.h); a failing
 * command's last output goes to res->output. */
static int site_command(struct ctx *c, const struct hf_journal *j, enum hf_service_phase phase,
			struct hf_txn_result *res, struct hf_err *err)
{
	return hf_service_run(c->site, c->st->dirfd, phase, j->id, hf_journal_op_name(j->op),
			      c->log, res->output, sizeof(res->output), err);
}

/* .hotfix/services first -- from now on recovery runs stop and start -- then the stop
 * command. */
static int stop_services(struct ctx *c, const struct hf_journal *j, struct hf_txn_result *res,
			 struct hf_err *err)
{
	int r = hf_intr_check(err);

	if (!r)
		r = services_mark(c, j->id, err);
	if (!r)
		r = site_command(c, j, HF_SERVICE_STOP, res, err);
	return r;
}

/* --- swap: each file renamed over its target --- */

void hf_txn_result_free(struct hf_txn_result *res)
{
	free(res->replaced); /* the paths live in the same block */
	res->replaced = NULL;
	res->nreplaced = 0;
}

/* Room for the journal's n targets and, after them, their paths (one block). */
static int replaced_alloc(struct hf_txn_result *res, const struct hf_journal *j,
			  struct hf_err *err)
{
	size_t names = 0;

	for (size_t k = 0; k < j->n; k++)
		names += strlen(j->files[k].path) + 1;
	hf_txn_result_free(res);
	res->replaced = calloc(1, (j->n + 1) * sizeof(*res->replaced) + names);
	return res->replaced ? 0 : hf_err_set(err, HF_E_NOMEM, "out of memory");
}

/* Note the inode about to be replaced (file k of j), for the in-use report. */
static void note_replaced(struct hf_txn_result *res, const struct hf_journal *j, size_t k,
			  int dir, const char *leaf)
{
	char *names = (char *)(res->replaced + j->n + 1);
	struct stat sb;

	for (size_t i = 0; i < k; i++)
		names += strlen(j->files[i].path) + 1;
	if (fstatat(dir, leaf, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return; /* a file that is not there (yet) replaces no inode */
	memcpy(names, j->files[k].path, strlen(j->files[k].path) + 1);
	res->replaced[res->nreplaced].dev = sb.st_dev;
	res->replaced[res->nreplaced].ino = sb.st_ino;
	res->replaced[res->nreplaced].path = names;
	res->nreplaced++;
}

/* Swap every file in, noting each inode replaced in res; then make the renames durable
 * (one fsync per directory) before the commit.  A crash in between leaves each file old or
 * new, which recovery sorts out. */
static int swap_all(struct ctx *c, const struct hf_journal *j, struct hf_txn_result *res,
		    struct hf_err *err)
{
	char display[HF_STATE_NAME_MAX], h1[HF_SHA256_HEX], h2[HF_SHA256_HEX],
	    v1[HF_VERSION_STRLEN], v2[HF_VERSION_STRLEN], name[HF_STATE_REL_MAX];
	struct hf_fs_syncset dirs;
	int r = replaced_alloc(res, j, err);

	hf_fs_syncset_init(&dirs);
	for (size_t k = 0; !r && k < j->n; k++) {
		const struct hf_jfile *f = &j->files[k];
		const char *leaf, *sleaf;
		int dir, sdir;

		r = hf_intr_check(err);
		if (r)
			break;
		snprintf(display, sizeof(display), "%s: %s", c->site->code, f->path);
		c->file = f->path;
		r = site_parent(c, f->path, &dir, &leaf, err);
		if (r)
			break;
		r = slot_open(c, j, k, to_slot(j), 0, &sdir, &sleaf, name, sizeof(name), err);
		if (!r) {
			note_replaced(res, j, k, dir, leaf);
			r = hf_swap_place_nosync(sdir, sleaf, dir, leaf, display, err);
			close(sdir);
		}
		if (!r)
			r = hf_fs_syncset_add(&dirs, dir, display, err);
		close(dir);
		if (!r) {
			res->changed++;
			hf_history_add(
			    c->log, STEP(.step = "swap", .file = f->path, .old = v1, .new_ = v2),
			    "swapped %s: %s (sha256 %s) -> %s (sha256 %s)", f->path,
			    hf_version_format(&f->from_version, v1), hf_sha256_hex(f->from, h1),
			    hf_version_format(&f->to_version, v2), hf_sha256_hex(f->to, h2));
		}
	}
	snprintf(display, sizeof(display), "%s: the swapped files", c->site->code);
	if (!r) {
		c->file = NULL;
		return hf_fs_syncset_sync(&dirs, display, err);
	}
	hf_fs_syncset_close(&dirs);
	return r;
}

/* --- commit: installed.xml replaced, .hotfix/services removed --- */

/* Not durable: a marker that comes back after a crash only makes recovery run start. */
static int services_unmark(struct ctx *c, struct hf_err *err)
{
	if (hf_fs_unlink_if(c->st->dirfd, HF_STATE_SERVICES, 0) != 0)
		return hf_err_set(err, HF_E_IO, "%s/%s: cannot remove: %s", c->sdir,
				  HF_STATE_SERVICES, strerror(errno));
	return 0;
}

/* installed.xml replaced atomically (the commit), then .hotfix/services removed.  Just
 * before it is the last safe point for a signal: after the commit, the transaction
 * finishes. */
static int commit(struct ctx *c, const uint8_t *reg, size_t reglen, struct hf_err *err)
{
	char display[HF_STATE_NAME_MAX];
	int r = hf_intr_check(err);

	snprintf(display, sizeof(display), "%s/%s", c->sdir, HF_STATE_REGISTRY);
	if (!r)
		r = hf_fs_write_atomic(c->st->dirfd, HF_STATE_REGISTRY, reg, reglen, display, err);
	if (!r)
		r = services_unmark(c, err);
	return r;
}

/* --- record: the outcome in the hash-chained log --- */

/* Append the outcome to the hash-chained log (txlog.h), and sign its receipt when asked.
 * j may be NULL (failed before the journal: no file changed).  A log that cannot be
 * written is a warning in res (when given), in why (when given) and in the site's log,
 * never the outcome.  Returns 1 when a committed record is owed: it could not be
 * appended for a cause that may pass (-HF_E_IO: a full disk, an I/O error) and the log
 * does not hold it -- the caller then keeps the journal, so that the next command's
 * recovery appends it; else 0. */
static int record(struct ctx *c, const struct hf_journal *j, const char *result,
		  const char *step, const char *by, struct hf_txn_result *res, struct hf_err *why)
{
	struct hf_txrec rec;
	struct hf_err e, e2;
	int present = 0, owed, found = 0, same = 0;

	memset(&rec, 0, sizeof(rec));
	hf_err_clear(&e);
	rec.site = c->site->code;
	rec.op = j ? hf_journal_op_name(j->op) : c->op;
	rec.id = j ? j->id : c->id;
	rec.revision = j ? j->revision : c->revision;
	rec.result = result;
	rec.step = step;
	rec.by = by;
	rec.files = j ? j->files : NULL;
	rec.nfiles = j ? j->n : 0;
	if (registry_hash(c, &present, rec.registry, &e) == 0) {
		rec.has_registry = present;
		/* committed: where the journal started; undone: where it still is */
		rec.has_before = j && !strcmp(result, "committed") ? j->has_before : present;
		memcpy(rec.before, j && !strcmp(result, "committed") ? j->before : rec.registry,
		       HF_SHA256_LEN);
		if (hf_txlog_append(c->st->dirfd, c->sdir, &rec, c->st->receipt,
				    res ? res->receipt : NULL, res ? sizeof(res->receipt) : 0,
				    &e) == 0)
			return 0;
	}
	hf_err_clear(&e2); /* appended, and only its receipt failed: nothing is owed */
	owed = j && !strcmp(result, "committed") && e.code == HF_E_IO &&
	       !(hf_txlog_last_registry(c->st->dirfd, c->sdir, present, rec.registry, &found,
					&same, &e2) == 0 && same);
	hf_history_add(c->log, STEP(.step = "record", .reason = e.msg), "the transaction log: %s%s",
		       e.msg, owed ? " (the journal is kept until the record is appended)" : "");
	if (res && !res->warning[0])
		snprintf(res->warning, sizeof(res->warning), "transaction log: %.900s%s", e.msg,
			 owed ? "; the journal is kept, and the next command that opens the site "
				"appends the record" : "");
	if (why)
		*why = e;
	return owed;
}

/* --- finish: the clean-up --- */

/* Remove temporaries, the hotfix's backup when drop_backup (after a committed rollback,
 * or when undoing an apply), staging, and last the journal -- unless keep_journal (its
 * committed record is owed: record()). */
static int finish(struct ctx *c, const struct hf_journal *j, int drop_backup, int keep_journal,
		  struct hf_err *err)
{
	char display[HF_STATE_NAME_MAX];
	int r = 0;

	for (size_t i = 0; !r && i < j->n; i++) {
		const char *leaf;
		int dir;

		if (site_parent(c, j->files[i].path, &dir, &leaf, err) != 0) {
			hf_err_clear(err); /* a directory that is gone holds no temporary */
			continue;
		}
		r = hf_swap_drop_tmp(dir, leaf, j->files[i].path, err);
		close(dir);
	}
	if (!r && drop_backup) {
		int bdir = openat(c->st->dirfd, HF_STATE_BACKUP,
				  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		snprintf(display, sizeof(display), "%s/%s", c->sdir, HF_STATE_BACKUP);
		if (bdir >= 0) {
			r = hf_fs_rmtree(bdir, j->id, display, err);
			if (!r && hf_fs_fsync(bdir) != 0)
				r = hf_err_set(err, HF_E_IO, "%s: fsync failed: %s", display,
					       strerror(errno));
			close(bdir);
			/* and backup/ itself when nothing else is kept there (best effort: an
			 * empty directory harms nothing) */
			if (!r)
				(void)hf_fs_unlink(c->st->dirfd, HF_STATE_BACKUP, AT_REMOVEDIR);
		}
	}
	if (!r)
		r = hf_fs_rmtree(c->st->dirfd, HF_STATE_STAGING, c->sdir, err);
	if (!r && hf_fs_unlink_if(c->st->dirfd, HF_STATE_REGISTRY ".tmp", 0) != 0)
		r = hf_err_set(err, HF_E_IO, "%s/%s.tmp: cannot remove: %s", c->sdir,
			       HF_STATE_REGISTRY, strerror(errno));
	/* the journal's removal need not be durable: a journal that comes back after a crash
	 * finds the registry committed, and recovery runs this clean-up again */
	if (!r && !keep_journal)
		r = hf_journal_remove(c->st->dirfd, 0, c->sdir, err);
	return r;
}

/* --- recovery: where a transaction stands is read off the site; undo, or finish --- */

/* Put every file whose content is `to` back to `from`, then finish. */
static int undo(struct ctx *c, const struct hf_journal *j, struct hf_recovery *rec,
		struct hf_err *err)
{
	char hex[HF_SHA256_HEX], display[HF_STATE_NAME_MAX], ver[HF_VERSION_STRLEN];
	int r = 0;

	for (size_t k = j->n; !r && k-- > 0;) {
		const struct hf_jfile *f = &j->files[k];
		uint8_t cur[HF_SHA256_LEN], kept[HF_SHA256_LEN];
		const char *leaf, *kleaf;
		char kname[HF_STATE_REL_MAX];
		int dir, kdir, present = 0, kpresent = 0;

		snprintf(display, sizeof(display), "%s: %s", c->site->code, f->path);
		r = site_parent(c, f->path, &dir, &leaf, err);
		if (r)
			break;
		r = hf_swap_drop_tmp(dir, leaf, display, err);
		if (!r)
			r = hf_swap_hash(dir, leaf, &present, cur, NULL, display, err);
		if (r || (present && !memcmp(cur, f->from, HF_SHA256_LEN))) {
			close(dir);
			continue; /* already as before */
		}
		if (present && memcmp(cur, f->to, HF_SHA256_LEN) != 0) {
			r = hf_err_set(
			    err, HF_E_CONFLICT,
			    "%s has SHA-256 %s: neither the content before the interrupted "
			    "%s of %s nor after it; something else changed it",
			    display, hf_sha256_hex(cur, hex), hf_journal_op_name(j->op), j->id);
			close(dir);
			break;
		}
		r = slot_open(c, j, k, from_slot(j), 0, &kdir, &kleaf, kname, sizeof(kname), err);
		if (!r) {
			r = hf_swap_hash(kdir, kleaf, &kpresent, kept, NULL, display, err);
			if (!r && (!kpresent || memcmp(kept, f->from, HF_SHA256_LEN) != 0))
				r = hf_err_set(err, HF_E_CONFLICT,
					       "%s: the copy of the original kept for undo is %s",
					       display, kpresent ? "damaged" : "missing");
			if (!r)
				r = hf_swap_place(kdir, kleaf, dir, leaf, display, err);
			if (!r) {
				rec->restored++;
				hf_history_add(
				    c->log,
				    STEP(.step = "undo", .file = f->path,
					 .new_ = hf_version_format(&f->from_version, ver)),
				    "undo: %s restored (sha256 %s)", f->path,
				    hf_sha256_hex(f->from, hex));
			}
			close(kdir);
		}
		close(dir);
	}
	/* undoing an apply drops its backup; undoing a rollback keeps it (still installed) */
	if (!r)
		r = finish(c, j, j->op == HF_JOURNAL_APPLY, 0, err);
	return r;
}

/* Recovery, before the undo: stop the services (a failure is logged; the undo renames
 * files, which running processes survive). */
static void services_stop(struct ctx *c, const char *id, struct hf_recovery *rec)
{
	struct hf_err e;

	hf_err_clear(&e);
	if (hf_service_restarts(c->site) && hf_service_run(c->site, c->st->dirfd, HF_SERVICE_STOP,
							   id, "recover", c->log, NULL, 0, &e) != 0)
		snprintf(rec->services, sizeof(rec->services), "stop failed: %s", e.msg);
}

/* Recovery, after the files are as they were: start the services again and drop the
 * marker.  A start that fails leaves the marker (the next command tries again) and is
 * reported in rec->services; the files are valid either way. */
static int services_back(struct ctx *c, const char *id, struct hf_recovery *rec,
			 struct hf_err *err)
{
	struct hf_err e;

	if (!services_marked(c))
		return 0;
	hf_err_clear(&e);
	if (hf_service_restarts(c->site) &&
	    hf_service_run(c->site, c->st->dirfd, HF_SERVICE_START, id, "recover", c->log, NULL, 0,
			   &e) != 0) {
		snprintf(rec->services, sizeof(rec->services),
			 "the services could not be started again: %s", e.msg);
		return 0;
	}
	if (hf_service_restarts(c->site) && !rec->services[0])
		snprintf(rec->services, sizeof(rec->services),
			 "services stopped and started again on the files as before");
	return services_unmark(c, err);
}

/* Before recovery runs a command of its own: end one a dead run left running. */
static int settle_hook(struct ctx *c, struct hf_recovery *rec, struct hf_err *err)
{
	return hf_hookrec_settle(c->st->dirfd, c->sdir, "/proc", c->log, rec->hook,
				 sizeof(rec->hook), err);
}

/* The journal cannot be read: nothing is touched but a command a dead run left running,
 * and err (r) says how to go on. */
static int recover_unreadable(struct ctx *c, struct hf_recovery *rec, int r, struct hf_err *err)
{
	struct hf_err e;

	hf_err_clear(&e); /* a dead run's command is ended even so */
	(void)settle_hook(c, rec, &e);
	hf_err_prefix(err, "%s: cannot recover: ", c->site->code);
	hf_err_hint(err,
		    "hotfix will not guess what was in flight: compare the files with "
		    "'hotfix audit', then move %s/%s aside and run 'hotfix recover'",
		    c->sdir, HF_STATE_JOURNAL);
	return r;
}

/* No journal: the run was interrupted before the journal existed, or after it was
 * removed.  Start the services again if they may be stopped, and clean the residue. */
static int recover_residue(struct ctx *c, struct hf_recovery *rec, struct hf_err *err)
{
	int r = settle_hook(c, rec, err);

	if (!r)
		r = services_back(c, "", rec, err);
	if (!r)
		r = hf_fs_rmtree(c->st->dirfd, HF_STATE_STAGING, c->sdir, err);
	if (!r && hf_fs_unlink_if(c->st->dirfd, HF_STATE_REGISTRY ".tmp", 0) != 0)
		r = hf_err_set(err, HF_E_IO, "%s/%s.tmp: cannot remove: %s", c->sdir,
			       HF_STATE_REGISTRY, strerror(errno));
	if (!r)
		r = hf_journal_remove(c->st->dirfd, 1, c->sdir, err);
	return r;
}

/* The commit had happened (installed.xml hashes to reg, the journal's registry-after):
 * finish the clean-up, and append the committed record unless the log already ends with
 * it.  The journal goes once the record is in the log; a record still owed keeps it, and
 * fails a command (command). */
static int recover_committed(struct ctx *c, const struct hf_journal *j,
			     const uint8_t reg[HF_SHA256_LEN], struct hf_recovery *rec, int command,
			     struct hf_err *err)
{
	struct hf_err e, e2;
	int found, same = 0, owed = 0, r;

	rec->finished = 1;
	hf_history_add(c->log, STEP(.step = "recover", .reason = "committed: finishing"),
		       "the interrupted %s had committed; finishing its clean-up",
		       hf_journal_op_name(j->op));
	r = finish(c, j, j->op == HF_JOURNAL_ROLLBACK, 1, err);
	if (!r) /* services were started, and healthy, before the commit */
		r = services_unmark(c, err);
	if (r)
		return r;
	/* the outcome, unless it was recorded before the crash */
	hf_err_clear(&e);
	hf_err_clear(&e2);
	if (hf_txlog_last_registry(c->st->dirfd, c->sdir, 1, reg, &found, &same, &e2) != 0 ||
	    !same) {
		owed = record(c, j, "committed", NULL, "recovery", NULL, &e);
		rec->recorded = !e.msg[0];
	}
	/* the journal goes once the record is in the log: until then it is the proof that
	 * one is owed (txlog.h) */
	if (!owed)
		return hf_journal_remove(c->st->dirfd, 0, c->sdir, err);
	snprintf(rec->unrecorded, sizeof(rec->unrecorded),
		 "the %s of %s had committed, but its record cannot be appended to the "
		 "transaction log: %.900s; the journal is kept until it is",
		 hf_journal_op_name(j->op), j->id, e.msg);
	if (command) /* it must not go on over the journal */
		return hf_err_set(err, HF_E_IO, "%s: %s", c->site->code, rec->unrecorded);
	return 0;
}

/* The commit had not happened: stop the services if they may be running files not
 * committed, undo, start them again; record_undo: log the undo as the outcome. */
static int recover_uncommitted(struct ctx *c, const struct hf_journal *j,
			       struct hf_recovery *rec, int record_undo, struct hf_err *err)
{
	int r;

	hf_history_add(c->log, STEP(.step = "recover", .reason = "not committed: undoing"),
		       "the interrupted %s had not committed; undoing it",
		       hf_journal_op_name(j->op));
	if (services_marked(c))
		services_stop(c, j->id, rec);
	r = undo(c, j, rec, err);
	if (!r)
		r = services_back(c, j->id, rec, err);
	if (!r && record_undo)
		(void)record(c, j, "undone", NULL, "recovery", NULL, NULL);
	return r;
}

/* Recovery; record_undo: log an undo as the outcome (not when the caller, a failed
 * transaction, records its own).  Never interrupted (intr.h): it always finishes.  Where
 * the transaction stands is read off installed.xml: the journal's registry-after
 * (committed), its registry-before (not committed), or neither (refused). */
static int recover_held(struct hf_state *st, struct hf_recovery *rec, int record_undo,
			struct hf_err *err)
{
	struct hf_journal *j = NULL;
	struct ctx c;
	uint8_t reg[HF_SHA256_LEN];
	int present = 0, r;

	memset(rec, 0, sizeof(*rec));
	ctx_init(&c, st);
	if (!hf_state_pending(st))
		return 0;
	rec->pending = 1;
	r = hf_journal_read(st->dirfd, c.sdir, &j, err);
	if (r)
		return recover_unreadable(&c, rec, r, err);
	if (!j) /* interrupted before the journal existed, or after it was removed */
		return recover_residue(&c, rec, err);
	rec->journal = 1;
	rec->op = j->op;
	snprintf(rec->id, sizeof(rec->id), "%s", j->id);
	c.log = hf_history_open(st, j->id, "recover");
	r = settle_hook(&c, rec, err);
	if (!r)
		r = registry_hash(&c, &present, reg, err);
	if (r) {
		/* keep r */
	} else if (present && !memcmp(reg, j->after, HF_SHA256_LEN)) {
		r = recover_committed(&c, j, reg, rec, record_undo, err);
	} else if (present ? j->has_before && !memcmp(reg, j->before, HF_SHA256_LEN)
			   : !j->has_before) {
		r = recover_uncommitted(&c, j, rec, record_undo, err);
	} else {
		r = hf_err_set(err, HF_E_CONFLICT,
			       "%s: cannot recover the interrupted %s of %s: %s/%s matches neither "
			       "the state before nor after it",
			       st->site->code, hf_journal_op_name(j->op), j->id, c.sdir,
			       HF_STATE_REGISTRY);
		hf_err_hint(err, "someone edited it during the transaction; restore it from a "
				 "backup, then run 'hotfix recover'");
	}
	if (r)
		hf_history_add(c.log, STEP(.step = "failed", .reason = err->msg),
			       "recovery failed: %s", err->msg);
	else
		hf_history_add(
		    c.log, STEP(.step = "done", .reason = rec->finished ? "finished" : "undone"),
		    "%s %s of %s (%zu file(s) restored)", rec->finished ? "finished" : "undid",
		    hf_journal_op_name(j->op), j->id, rec->restored);
	hf_history_close(c.log);
	hf_journal_free(j);
	return r;
}

static int recover(struct hf_state *st, struct hf_recovery *rec, int record_undo,
		   struct hf_err *err)
{
	int r;

	hf_intr_hold();
	r = recover_held(st, rec, record_undo, err);
	hf_intr_release();
	return r;
}

/* --- a failure in process (fail), and the sequence of the steps (run) --- */

/* After a failure at `step`: recover in process, and say what state the site is in. */
static int fail(struct ctx *c, struct hf_txn_result *res, const struct hf_journal *j,
		const char *step, int r, struct hf_err *err)
{
	uint8_t reg[HF_SHA256_LEN];
	int present = 0;
	struct hf_err again;
	char cause[sizeof(err->msg)];
	int verification = r == -HF_E_HASH || r == -HF_E_SIZE || r == -HF_E_MALFORMED ||
			   r == -HF_E_NOTPE || r == -HF_E_NOVERSION || r == -HF_E_SIGNATURE;
	int sig = r == -HF_E_INTR ? hf_intr_signal() : 0;
	const char *op = j ? hf_journal_op_name(j->op) : c->op, *id = j ? j->id : c->id;

	res->signal = sig;
	snprintf(res->step, sizeof(res->step), "%s", step);
	snprintf(res->file, sizeof(res->file), "%s", c->file ? c->file : "");
	snprintf(res->log, sizeof(res->log), "%s", hf_history_path(c->log));
	snprintf(cause, sizeof(cause), "%s", err->msg);
	hf_history_add(c->log, STEP(.step = "failed", .reason = cause), "failed at %s: %s", step,
		       cause);
	hf_err_clear(&again);
	if (recover(c->st, &res->rec, 0, &again) != 0) {
		hf_history_add(c->log, STEP(.step = "failed", .reason = again.msg),
			       "could not undo: %s", again.msg);
		if (sig)
			hf_err_set(err, HF_E_TXN,
				   "%s: interrupted by %s during step '%s' of the %s of %s; undoing "
				   "it failed: %s",
				   c->site->code, hf_intr_name(sig), step, op, id, again.msg);
		else
			hf_err_set(err, HF_E_TXN,
				   "%s: failed at step '%s': %s; undoing it failed too: %s",
				   c->site->code, step, cause, again.msg);
		hf_err_hint(err, "fix the cause, then run 'hotfix recover --site %s'",
			    c->site->root);
		return -HF_E_TXN;
	}
	/* the commit had happened (recovery finished the clean-up, or only the last
	 * clean-up step failed): done after all -- decided from the registry itself */
	if (res->rec.finished || (j && registry_hash(c, &present, reg, &again) == 0 && present &&
				  !memcmp(reg, j->after, HF_SHA256_LEN)))
		return 1;
	res->undone = 1;
	(void)record(c, j, "undone", step, "command", res, NULL);
	if (verification && !res->rec.journal)
		return r; /* the payload failed verification; nothing on the site was touched */
	if (sig) {
		hf_err_set(err, HF_E_INTR,
			   "%s: interrupted by %s during step '%s': the %s of %s was undone; the "
			   "site is as before",
			   c->site->code, hf_intr_name(sig), step, op, id);
		return -HF_E_INTR;
	}
	hf_err_set(err, HF_E_TXN, "%s: failed at step '%s': %s; undone, the site is as before",
		   c->site->code, step, cause);
	return -HF_E_TXN;
}

/* The steps after staging, in their order (txn.h): journal, keep, stop, swap, start,
 * health, commit, record, finish -- stop and start when the site names services, health
 * when it names a health command.  A failure at any step goes to `failed`: recovery in
 * process (fail()), which also finds out whether the commit had happened after all. */
static int run(struct ctx *c, struct hf_journal *j, const uint8_t *reg, size_t reglen,
	       struct hf_txn_result *res, struct hf_err *err)
{
	const char *step;
	int r, owed;

	step = "journal";
	r = write_journal(c, j, err);
	if (r)
		goto failed;
	step = j->op == HF_JOURNAL_APPLY ? "backup" : "keep";
	r = keep_all(c, j, err);
	if (r)
		goto failed;
	if (hf_service_restarts(c->site)) {
		step = "stop";
		r = stop_services(c, j, res, err);
		if (r)
			goto failed;
	}
	step = "swap";
	r = swap_all(c, j, res, err);
	if (r)
		goto failed;
	if (hf_service_restarts(c->site)) {
		step = "start";
		r = site_command(c, j, HF_SERVICE_START, res, err);
		res->restarted = !r;
		if (r)
			goto failed;
	}
	if (c->site->svc.health.argc) {
		step = "health";
		r = site_command(c, j, HF_SERVICE_HEALTH, res, err);
		res->health = !r;
		if (r)
			goto failed;
	}
	res->output[0] = '\0'; /* kept for failures only */
	step = "commit";
	r = commit(c, reg, reglen, err);
	if (r)
		goto failed;
	owed = record(c, j, "committed", NULL, "command", res, NULL);
	hf_history_add(c->log, STEP(.step = "commit"), "committed: %s",
		       j->op == HF_JOURNAL_APPLY ? "recorded in installed.xml"
						 : "removed from installed.xml");
	step = "finish";
	r = finish(c, j, j->op == HF_JOURNAL_ROLLBACK, owed, err);
	if (r)
		goto failed;
	hf_history_add(c->log, STEP(.step = "done"), "done: %zu file(s)", res->changed);
	return 0;

failed:
	r = fail(c, res, j, step, r, err);
	if (r == 1) {
		hf_history_add(c->log,
			       STEP(.step = "done", .reason = "clean-up finished by recovery"),
			       "done after recovery: %zu file(s)", j->n);
		snprintf(res->warning, sizeof(res->warning),
			 "%s failed after the commit (%.400s); the clean-up was finished%s%.600s", step,
			 err->msg, res->rec.unrecorded[0] ? "; " : "", res->rec.unrecorded);
		hf_err_clear(err);
		res->step[0] = '\0';
		res->changed = j->n;
		return 0;
	}
	res->changed = 0;
	return r;
}

/* --- the entry points, in txn.h's order --- */

/* An I/O error at a step that changes the state directory: the command failed (1). */
static int as_failed(const struct hf_site *site, const char *step, const char *outcome,
		     struct hf_err *err)
{
	char cause[sizeof(err->msg)];

	snprintf(cause, sizeof(cause), "%s", err->msg);
	hf_err_set(err, HF_E_TXN, "%s: failed at step '%s': %s; %s", site->code, step, cause,
		   outcome);
	return -HF_E_TXN;
}

/* A reader, when recovery would run the site's stop and start commands, or end a
 * command a dead run left running (a hook record: readers never signal a process):
 * nothing is recovered, and rec says what to run instead. */
static int defer_to_recover(struct hf_state *st, struct hf_recovery *rec)
{
	struct hf_journal *j = NULL;
	struct hf_err e;
	struct ctx c;
	struct stat sb;
	char what[200];
	int hook;

	ctx_init(&c, st);
	/* services stopped: that message (recover ends the command too); else the record's */
	hook = !(hf_service_restarts(st->site) && services_marked(&c));
	if (hook && fstatat(st->dirfd, HF_HOOKREC_FILE, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	hf_err_clear(&e);
	if (hf_journal_read(st->dirfd, c.sdir, &j, &e) == 0 && j)
		snprintf(what, sizeof(what), "an interrupted %s of %s", hf_journal_op_name(j->op),
			 j->id);
	else
		snprintf(what, sizeof(what), "an interrupted transaction");
	hf_journal_free(j);
	rec->pending = 1;
	rec->damaged = 1;
	rec->deferred = 1;
	if (hook)
		snprintf(rec->damage, sizeof(rec->damage),
			 "%s: %s left a record of a site's command (%s/%s); run `hotfix recover "
			 "--site %s` (it ends a command a dead run left running)",
			 st->site->code, what, HF_STATE_DIR, HF_HOOKREC_FILE, st->site->root);
	else
		snprintf(rec->damage, sizeof(rec->damage),
			 "%s: %s stopped the site's services; run `hotfix recover --site %s` (it "
			 "runs the site's stop and start commands)",
			 st->site->code, what, st->site->root);
	return 1;
}

int hf_txn_open(const struct hf_site *site, enum hf_lock_mode mode, struct hf_state **out,
		struct hf_recovery *rec, struct hf_err *err)
{
	struct hf_state *st = NULL;
	int r;

	memset(rec, 0, sizeof(*rec));
	*out = NULL;
	r = hf_state_open(site, mode, &st, err);
	if (r == -HF_E_IO && mode == HF_LOCK_EXCLUSIVE)
		return as_failed(site, "lock", "nothing was changed", err);
	if (r)
		return r;
	if (hf_state_pending(st) && !(mode == HF_LOCK_SHARED && defer_to_recover(st, rec))) {
		r = hf_state_upgrade(st, err);
		/* again: a writer may have come and gone while the lock was upgraded */
		if (!r && !(mode == HF_LOCK_SHARED && defer_to_recover(st, rec)))
			r = hf_txn_recover(st, rec, err);
		if (r == -HF_E_IO)
			r = as_failed(site, "recover",
				      "run 'hotfix recover' once the cause is fixed", err);
		if ((r == -HF_E_MALFORMED || r == -HF_E_CONFLICT) && mode == HF_LOCK_SHARED) {
			rec->damaged = 1;
			snprintf(rec->damage, sizeof(rec->damage), "%s", err->msg);
			hf_err_clear(err);
			r = 0;
		}
		if (r) {
			hf_state_close(st);
			return r;
		}
	}
	*out = st;
	return 0;
}

int hf_txn_recover(struct hf_state *st, struct hf_recovery *rec, struct hf_err *err)
{
	return recover(st, rec, 1, err);
}

/* A signal caught before a transaction began (nothing was changed): -HF_E_INTR. */
static int not_begun(const struct ctx *c, const char *op, const char *id,
		     struct hf_txn_result *res, struct hf_err *err)
{
	res->signal = hf_intr_signal();
	return hf_err_set(err, HF_E_INTR,
			  "%s: interrupted by %s: the %s of %s had not begun; nothing was changed",
			  c->site->code, hf_intr_name(res->signal), op, id);
}

static int conflict_message(const struct hf_plan *plan, struct hf_err *err)
{
	char list[REASONS_MAX] = "", hex[HF_SHA256_HEX], v[HF_VERSION_STRLEN];
	size_t shown = 0, len = 0;

	for (size_t i = 0; i < plan->n && shown < LIST_MAX; i++) {
		const struct hf_plan_item *it = &plan->items[i];

		if (it->action != HF_ACT_CONFLICT)
			continue;
		len += (size_t)snprintf(
		    list + len, sizeof(list) - len, "%s%s (%s%s%s%s): %s", shown ? "; " : "",
		    it->path, it->present ? "version " : it->ambiguous ? "ambiguous" : "missing",
		    it->present && it->has_version ? hf_version_format(&it->installed, v)
		    : it->present		   ? "none"
						   : "",
		    it->hashed ? ", SHA-256 " : "",
		    it->hashed ? hf_sha256_hex(it->sha256, hex) : "", it->reason);
		if (len >= sizeof(list))
			break;
		shown++;
	}
	hf_err_set(err, HF_E_CONFLICT, "%s: %zu file(s) in conflict, nothing was changed: %s",
		   plan->site->code, plan->count[HF_ACT_CONFLICT], list);
	hf_err_hint(err, "restore the files named (or investigate who changed them), then apply "
			 "again");
	return -HF_E_CONFLICT;
}

/* Apply's refusals, before anything is touched: a revision older than one the site
 * accepted, a file in conflict, or the hotfix recorded as installed while files to
 * install are older than it. */
static int apply_refused(const struct ctx *c, const struct hf_plan *plan, struct hf_err *err)
{
	const struct hf_manifest *m = plan->manifest;
	struct hf_registry *reg = NULL;
	int r = hf_registry_load(c->site, c->st->dirfd, &reg, err);

	if (!r)
		r = hf_registry_check_fresh(reg, c->site->code, m->id, m->revision, err);
	if (!r && plan->count[HF_ACT_CONFLICT])
		r = conflict_message(plan, err);
	if (!r && plan->count[HF_ACT_INSTALL] && hf_registry_find(reg, m->id)) {
		r = hf_err_set(
		    err, HF_E_CONFLICT,
		    "%s: %s is recorded as installed, yet %zu file(s) are older than it; "
		    "nothing was changed",
		    c->site->code, m->id, plan->count[HF_ACT_INSTALL]);
		hf_err_hint(err,
			    "the files were changed after it was installed: roll it back "
			    "('hotfix rollback %s') or restore them, then apply again",
			    m->id);
	}
	hf_registry_free(reg);
	return r;
}

/* 1 if the file the plan inspected is not the one just hashed: another hash, or -- when
 * the plan did not hash it -- another inode, size, modification or change time. */
static int changed_since_plan(const struct hf_plan_item *it, const uint8_t sha[HF_SHA256_LEN],
			      const struct stat *now)
{
	const struct stat *then = &it->st;

	if (it->hashed)
		return memcmp(it->sha256, sha, HF_SHA256_LEN) != 0;
	return then->st_dev != now->st_dev || then->st_ino != now->st_ino ||
	       then->st_size != now->st_size || then->st_mtim.tv_sec != now->st_mtim.tv_sec ||
	       then->st_mtim.tv_nsec != now->st_mtim.tv_nsec ||
	       then->st_ctim.tv_sec != now->st_ctim.tv_sec ||
	       then->st_ctim.tv_nsec != now->st_ctim.tv_nsec;
}

/* Apply's journal (j->files has room for every file to install): each file goes from its
 * content now -- hashed here, and still the file the plan inspected -- to the manifest's.
 * idx[k] is file k's item in the plan, from[k] its hash and tst[k] its stat; an item the
 * plan did not hash gets this hash, for the reports. */
static int apply_journal(struct ctx *c, struct hf_plan *plan, struct hf_journal *j, size_t *idx,
			 uint8_t (*from)[HF_SHA256_LEN], struct stat *tst, struct hf_err *err)
{
	const struct hf_manifest *m = plan->manifest;
	char display[HF_STATE_NAME_MAX];
	int r;

	j->op = HF_JOURNAL_APPLY;
	snprintf(j->id, sizeof(j->id), "%s", m->id);
	j->revision = m->revision;
	for (size_t i = 0, k = 0; i < plan->n; i++) {
		const struct hf_plan_item *it = &plan->items[i];
		const char *leaf;
		int dir, present = 0;

		if (it->action != HF_ACT_INSTALL)
			continue;
		snprintf(display, sizeof(display), "%s: %s", c->site->code, it->path);
		r = site_parent(c, it->path, &dir, &leaf, err);
		if (r)
			return r;
		r = hf_swap_hash(dir, leaf, &present, from[k], &tst[k], display, err);
		close(dir);
		if (!r && (!present || changed_since_plan(it, from[k], &tst[k])))
			r = hf_err_set(err, HF_E_CONFLICT, "%s changed while being planned",
				       display);
		if (r)
			return r;
		if (!it->hashed) { /* the plan did not hash it: reports show this hash */
			memcpy(plan->items[i].sha256, from[k], HF_SHA256_LEN);
			plan->items[i].hashed = 1;
		}
		idx[k] = i;
		j->files[k].path = plan->items[i].path; /* the site's spelling, borrowed; not freed */
		j->files[k].from_version = it->installed;
		j->files[k].to_version = it->file->version;
		memcpy(j->files[k].from, from[k], HF_SHA256_LEN);
		memcpy(j->files[k].to, it->file->sha256, HF_SHA256_LEN);
		j->n = ++k;
	}
	return 0;
}

/* The registry entry apply will add. */
static int entry_for(const struct hf_plan *plan, const size_t *idx, size_t n,
		     const uint8_t (*from)[HF_SHA256_LEN], struct hf_registry_entry *h,
		     struct hf_err *err)
{
	const struct hf_manifest *m = plan->manifest;
	char now[32];

	memset(h, 0, sizeof(*h));
	h->id = strdup(m->id);
	h->time = strdup(hf_utc_now(now, sizeof(now)));
	h->files = calloc(n, sizeof(*h->files));
	if (!h->id || !h->time || !h->files) {
		hf_registry_entry_clear(h);
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	}
	h->revision = m->revision;
	memcpy(h->manifest_sha256, m->sha256, HF_SHA256_LEN);
	for (size_t k = 0; k < n; k++) {
		const struct hf_plan_item *it = &plan->items[idx[k]];
		struct hf_inst_file *f = &h->files[k];

		f->path = strdup(it->path); /* the site's spelling: rollback restores it */
		if (!f->path) {
			hf_registry_entry_clear(h);
			return hf_err_set(err, HF_E_NOMEM, "out of memory");
		}
		h->nfiles++;
		f->old_version = it->installed;
		f->new_version = it->file->version;
		memcpy(f->old_sha256, from[k], HF_SHA256_LEN);
		memcpy(f->new_sha256, it->file->sha256, HF_SHA256_LEN);
	}
	return 0;
}

/* Registry bytes after the change, and the journal's registry fields. */
static int next_registry(struct ctx *c, struct hf_registry_entry *add, const char *remove,
			 struct hf_journal *j, uint8_t **bytes, size_t *len, struct hf_err *err)
{
	struct hf_registry *reg = NULL;
	int r = hf_registry_load(c->site, c->st->dirfd, &reg, err);

	if (r)
		return r;
	j->has_before = reg->present;
	memcpy(j->before, reg->sha256, HF_SHA256_LEN);
	if (add)
		r = hf_registry_accept(reg, add->id, add->revision, err);
	if (!r && add)
		r = hf_registry_add(reg, add, err);
	if (!r && remove)
		(void)hf_registry_remove(reg, remove);
	if (!r)
		r = hf_registry_format(reg, bytes, len, err);
	if (!r)
		r = hf_sha256_buf(*bytes, *len, j->after, err);
	hf_registry_free(reg);
	return r;
}

int hf_txn_apply(struct hf_state *st, struct hf_plan *plan, struct hf_txn_result *res,
		 struct hf_err *err)
{
	const struct hf_manifest *m = plan->manifest;
	struct hf_journal j;
	struct hf_registry_entry entry;
	struct ctx c;
	size_t *idx = NULL, n = 0;
	uint8_t(*from)[HF_SHA256_LEN] = NULL;
	struct stat *tst = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char hex[HF_SHA256_HEX];
	int r;

	memset(res, 0, sizeof(*res));
	memset(&j, 0, sizeof(j));
	memset(&entry, 0, sizeof(entry));
	ctx_init(&c, st);
	r = apply_refused(&c, plan, err);
	if (r || plan->count[HF_ACT_INSTALL] == 0)
		return r;
	/* a missing or truncated payload is refused before any step (exit 4, not 1) */
	r = hf_payload_present(m, err);
	if (r)
		return r;
	if (hf_intr_pending())
		return not_begun(&c, "apply", m->id, res, err);

	n = plan->count[HF_ACT_INSTALL];
	idx = calloc(n, sizeof(*idx));
	from = calloc(n, sizeof(*from));
	tst = calloc(n, sizeof(*tst));
	j.files = calloc(n, sizeof(*j.files));
	if (!idx || !from || !tst || !j.files) {
		r = hf_err_set(err, HF_E_NOMEM, "out of memory");
		goto out;
	}
	r = apply_journal(&c, plan, &j, idx, from, tst, err);
	if (r)
		goto out;

	c.op = "apply";
	c.id = m->id;
	c.revision = m->revision;
	c.log = hf_history_open(st, m->id, "apply");
	snprintf(res->log, sizeof(res->log), "%s", hf_history_path(c.log));
	hf_history_add(c.log, STEP(.step = "start"),
		       "start: %s revision %lu (manifest sha256 %s), site %s (%s), %zu file(s)",
		       m->id, m->revision, hf_sha256_hex(m->sha256, hex), c.site->code,
		       c.site->root, n);
	r = stage(&c, plan, idx, n, tst, err);
	if (r) {
		r = fail(&c, res, NULL, "stage", r, err);
		goto out;
	}
	r = entry_for(plan, idx, n, (const uint8_t(*)[HF_SHA256_LEN])from, &entry, err);
	if (!r)
		r = next_registry(&c, &entry, NULL, &j, &bytes, &len, err);
	if (r) {
		r = fail(&c, res, NULL, "stage", r, err);
		goto out;
	}
	r = run(&c, &j, bytes, len, res, err);
out:
	hf_history_close(c.log);
	hf_registry_entry_clear(&entry);
	free(bytes);
	free(j.files);
	free(tst);
	free(from);
	free(idx);
	return r;
}

/* What a rollback is refused for: one reason per file, before anything is touched. */
struct refusal {
	char list[REASONS_MAX]; /* the reasons, "; " between them (cut short when long) */
	size_t len;     /* the length of the list, had it not been cut */
	size_t bad;     /* files with a reason */
};

/* File f of hotfix id, before its rollback: the target must still be what id installed,
 * and its backup the original; else a reason in why.  An unsafe path, or a file that
 * cannot be read: the error. */
static int rollback_check(struct ctx *c, const char *id, const struct hf_inst_file *f,
			  struct refusal *why, struct hf_err *err)
{
	uint8_t cur[HF_SHA256_LEN];
	char display[HF_STATE_NAME_MAX], what[160], rel[HF_STATE_REL_MAX];
	const char *leaf;
	int dir, present = 0, problem = 0, r;

	snprintf(display, sizeof(display), "%s: %s", c->site->code, f->path);
	if (!hf_name_safe_path(f->path))
		return hf_err_set(err, HF_E_MALFORMED, "%s: unsafe path in installed.xml", display);
	if (site_parent(c, f->path, &dir, &leaf, err) == 0) {
		r = hf_swap_hash(dir, leaf, &present, cur, NULL, display, err);
		if (!r && (!present || memcmp(cur, f->new_sha256, HF_SHA256_LEN))) {
			hf_swap_describe(dir, leaf, what, sizeof(what));
			problem = 1;
			why->len += (size_t)snprintf(
			    why->list + why->len,
			    why->len < sizeof(why->list) ? sizeof(why->list) - why->len : 0,
			    "%s%s is %s, not what %s installed", why->bad ? "; " : "", f->path,
			    what, id);
		}
		close(dir);
		if (r)
			return r;
	} else {
		problem = 1;
		why->len += (size_t)snprintf(
		    why->list + why->len,
		    why->len < sizeof(why->list) ? sizeof(why->list) - why->len : 0,
		    "%s%s: its directory is gone", why->bad ? "; " : "", f->path);
	}
	if (!problem) {
		snprintf(rel, sizeof(rel), "%s/%s/%s", HF_STATE_BACKUP, id, f->path);
		if (hf_fs_open_parent(c->st->dirfd, rel, 0, &dir, &leaf, c->sdir, err) == 0) {
			r = hf_swap_hash(dir, leaf, &present, cur, NULL, display, err);
			close(dir);
			if (r)
				return r;
		} else {
			present = 0;
		}
		if (!present || memcmp(cur, f->old_sha256, HF_SHA256_LEN)) {
			problem = 1;
			why->len += (size_t)snprintf(
			    why->list + why->len,
			    why->len < sizeof(why->list) ? sizeof(why->list) - why->len : 0,
			    "%sthe backup of %s is %s", why->bad ? "; " : "", f->path,
			    present ? "damaged" : "missing");
		}
	}
	why->bad += (size_t)problem;
	return 0;
}

/* Rollback's journal: each file of hotfix h (id) goes from the content h installed back
 * to the original kept in its backup.  A file that is no longer as h left it, or whose
 * backup is missing or damaged, is a reason in why. */
static int rollback_journal(struct ctx *c, const struct hf_registry_entry *h, const char *id,
			    struct hf_journal *j, struct refusal *why, struct hf_err *err)
{
	j->files = calloc(h->nfiles, sizeof(*j->files));
	if (!j->files)
		return hf_err_set(err, HF_E_NOMEM, "out of memory");
	j->op = HF_JOURNAL_ROLLBACK;
	snprintf(j->id, sizeof(j->id), "%s", h->id);
	j->revision = h->revision;
	for (size_t k = 0; k < h->nfiles; k++) {
		const struct hf_inst_file *f = &h->files[k];
		int r = rollback_check(c, id, f, why, err);

		if (r)
			return r;
		j->files[k].path = f->path; /* borrowed */
		j->files[k].from_version = f->new_version;
		j->files[k].to_version = f->old_version;
		memcpy(j->files[k].from, f->new_sha256, HF_SHA256_LEN);
		memcpy(j->files[k].to, f->old_sha256, HF_SHA256_LEN);
		j->n++;
	}
	return 0;
}

int hf_txn_rollback(struct hf_state *st, const char *id, struct hf_txn_result *res,
		    struct hf_err *err)
{
	struct hf_registry *reg = NULL;
	const struct hf_registry_entry *h;
	struct refusal why;
	struct hf_journal j;
	struct ctx c;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int r;

	memset(res, 0, sizeof(*res));
	memset(&j, 0, sizeof(j));
	memset(&why, 0, sizeof(why));
	ctx_init(&c, st);
	r = hf_registry_load(c.site, c.st->dirfd, &reg, err);
	if (r)
		return r;
	h = hf_registry_find(reg, id);
	if (!h) {
		r = hf_err_set(err, HF_E_NOTAPPLICABLE,
			       "%s: %s is not installed; nothing to roll back", c.site->code, id);
		hf_err_hint(err, "'hotfix list --site %s' shows what is installed", c.site->root);
		goto out;
	}
	r = rollback_journal(&c, h, id, &j, &why, err);
	if (r)
		goto out;
	if (why.bad) {
		r = hf_err_set(err, HF_E_CONFLICT,
			       "%s: cannot roll back %s, nothing was changed: %s", c.site->code, id,
			       why.list);
		hf_err_hint(err,
			    "a later change touched these files; restore them to the versions "
			    "%s installed (see 'hotfix list'), or leave it installed",
			    id);
		goto out;
	}
	r = next_registry(&c, NULL, id, &j, &bytes, &len, err);
	if (!r && hf_intr_pending())
		r = not_begun(&c, "rollback", id, res, err);
	if (r)
		goto out;
	c.log = hf_history_open(st, id, "rollback");
	snprintf(res->log, sizeof(res->log), "%s", hf_history_path(c.log));
	hf_history_add(c.log, STEP(.step = "start"),
		       "start: %s revision %lu, site %s (%s), %zu file(s)", id, j.revision,
		       c.site->code, c.site->root, j.n);
	r = run(&c, &j, bytes, len, res, err);
out:
	hf_history_close(c.log);
	free(bytes);
	free(j.files);
	hf_registry_free(reg);
	return r;
}
