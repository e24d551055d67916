/* trustpath: the ownership rule for files whose content is executed, or decides what is
 * executed -- the rule of sudo and of OpenSSH's StrictModes.
 *
 * Owns: the walk that checks one path.  A file is trusted only if it and every directory
 * above it, up to /, are owned by root, by the effective user, or by the one other owner
 * the caller names (a site's service account), and none of them is writable by group or
 * others.  The one exception: a directory owned by root with the sticky bit (like /tmp,
 * where no one can rename or remove an entry they do not own) may be writable by anyone.
 * Anyone who could write a file or a directory above it could change what runs.
 *
 * The walk starts at / (a relative path: at the current directory, whose ancestors are
 * walked too) and opens each component with openat(O_PATH | O_NOFOLLOW) from the one
 * before, checking it with fstat: what is checked is what the next step opens, and no
 * component can be swapped between the two.  A symbolic link is followed (unless the
 * caller forbids it) only when its owner is trusted -- its directory, already checked,
 * decides who could have made it -- and its target is walked by the same rule; the
 * result is the path with every link resolved, the one to open or execute.  Bounds:
 * HF_TRUSTPATH_PATH_MAX bytes of path, HF_TRUSTPATH_DEPTH_MAX components, HF_TRUSTPATH_LINKS_MAX
 * links.
 *
 * Also owns the #! chain of an executable: a script runs its #! interpreter, which is
 * checked by the same rule (hf_trustpath_check_exec), its line read as the kernel reads it
 * (hf_trustpath_shebang, at most HF_TRUSTPATH_SHEBANG_MAX bytes, HF_TRUSTPATH_INTERP_MAX #! lines).
 */
#ifndef HOTFIX_TRUSTPATH_H
#define HOTFIX_TRUSTPATH_H

#include <sys/stat.h>
#include <sys/types.h>

#include "err.h"

#define HF_TRUSTPATH_PATH_MAX	 4096
#define HF_TRUSTPATH_DEPTH_MAX	 128
#define HF_TRUSTPATH_LINKS_MAX	 32
#define HF_TRUSTPATH_SHEBANG_MAX 256 /* the kernel's BINPRM_BUF_SIZE: the #! line's bound */
#define HF_TRUSTPATH_INTERP_MAX	 4   /* #! interpreters followed from one executable */

#define HF_TRUSTPATH_NONE     ((uid_t)-1) /* no owner trusted besides root and the effective user */
#define HF_TRUSTPATH_NOFOLLOW 1u	  /* flag: a symbolic link anywhere on the way is refused */

struct hf_trustpath_file {
	char path[HF_TRUSTPATH_PATH_MAX]; /* absolute, no symbolic link, no "." or ".." */
	struct stat st;            /* the file's status (from the walk's own descriptor) */
	int sys_errno;             /* on -HF_E_IO: why a component could not be opened */
};

/* 1 if a file (or directory, or symbolic link) with this status may be trusted: owned by
 * root, the effective user or `also`, and (not a link) writable by its owner only -- or
 * a directory owned by root with the sticky bit.  On 0, *why says what is wrong. */
int hf_trustpath_allowed(const struct stat *st, uid_t also, const char **why);

/* Check path by the rule above, `also` (or HF_TRUSTPATH_NONE) being the other trusted owner.
 * Errors: -HF_E_UNSAFE (the message names the component, its owner by name and uid and
 * its mode, and what is wrong; the hint says what to change), -HF_E_IO (a component
 * cannot be opened, out->sys_errno says why: ENOENT when missing), -HF_E_MALFORMED (the
 * path is too long, too deep or has too many links). */
int hf_trustpath_check(const char *path, uid_t also, unsigned flags, struct hf_trustpath_file *out,
		       struct hf_err *err) HF_MUST_CHECK;

/* Parse the start of a file, n bytes of it (n < HF_TRUSTPATH_SHEBANG_MAX: the whole file), the
 * way the kernel does (fs/binfmt_script.c): not beginning with "#!", 0 (not a script);
 * else the interpreter -- after "#!" and any spaces or tabs, up to the first space, tab,
 * newline or NUL -- into interp (len bytes) and 1.  The line (up to its newline, or the
 * end of a file shorter than the bound) is copied to line (printable, for messages).
 * -1 with *why set: no newline within HF_TRUSTPATH_SHEBANG_MAX bytes, no interpreter, or one
 * that is not an absolute path. */
int hf_trustpath_shebang(const char *buf, size_t n, char *interp, size_t len, char *line,
			 size_t linelen, const char **why);

/* hf_trustpath_check of an executable, then of each #! interpreter it names, by the same rule
 * and the same `also` (a link, /usr/bin/env -> ..., resolved and checked), an interpreter
 * that is a script in turn, up to HF_TRUSTPATH_INTERP_MAX of them.  out is the executable's.
 * A file that cannot be opened as a regular file (the exec fails on it) ends the chain.
 * Errors: those of hf_trustpath_check, the message naming the script and its #! line for an
 * interpreter; -HF_E_UNSAFE for a #! line hf_trustpath_shebang refuses or a chain too long; an
 * interpreter missing: -HF_E_IO with out->sys_errno set (ENOENT), as for the executable. */
int hf_trustpath_check_exec(const char *path, uid_t also, unsigned flags,
			    struct hf_trustpath_file *out, struct hf_err *err) HF_MUST_CHECK;

#endif
