/* name: the forms a name read from input must have before it is used -- a path relative
 * to a site (a manifest's file or source, a payload entry, a journal or hook record's
 * path) and a hotfix id (which also names files under .hotfix).
 *
 * Owns nothing beyond the call: two predicates, no allocation.  A name is never
 * "cleaned up": one that is not already in the normal form is refused. */
#ifndef HOTFIX_NAME_H
#define HOTFIX_NAME_H

#define HF_NAME_PATH_MAX 1024 /* bytes */
#define HF_NAME_DEPTH_MAX 32 /* components */

/* 1 if path is a safe relative path: '/'-separated, no empty, "." or ".." component,
 * not absolute, no backslash, colon (drive letters, streams) or control character, at
 * most HF_NAME_PATH_MAX bytes and HF_NAME_DEPTH_MAX components.  Paths are never cleaned
 * up: one that is not already in this normal form is refused. */
int hf_name_safe_path(const char *path);

/* 1 if id is a valid hotfix id (as the schema says: [A-Za-z0-9][A-Za-z0-9._-]{0,63}),
 * which also makes it safe as a file name. */
int hf_name_safe_id(const char *id);

#endif
