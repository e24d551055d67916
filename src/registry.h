/* registry: the registry of hotfixes a site has installed (SITE/.hotfix/installed.xml).
 *
 * Owns: struct hf_registry (free with hf_registry_free) and the file's format, both
 * ways: parse (list, audit, rollback) and format (apply and rollback write the bytes
 * through module fsop, atomically).  A site without the file has installed nothing,
 * which is a valid answer.  The file's last line is "<!-- sha256 HEX -->", the SHA-256
 * of every byte before it; a file without it, or whose bytes do not match it, is
 * damaged (-HF_E_MALFORMED) and never used. */
#ifndef HOTFIX_REGISTRY_H
#define HOTFIX_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "site.h"
#include "version.h"

#define HF_REGISTRY_MAX (4 * 1024 * 1024)

struct hf_inst_file {
	char *path;
	struct hf_version old_version, new_version;
	uint8_t old_sha256[HF_SHA256_LEN], new_sha256[HF_SHA256_LEN];
};

struct hf_registry_entry {
	char *id;
	unsigned long revision;
	uint8_t manifest_sha256[HF_SHA256_LEN];
	char *time; /* xs:dateTime as written */
	size_t nfiles;
	struct hf_inst_file *files;
};

struct hf_accepted {
	char *id;
	unsigned long revision; /* the highest revision of id ever installed here */
};

struct hf_registry {
	size_t n;
	struct hf_registry_entry *hotfixes;
	size_t naccepted;
	struct hf_accepted *accepted;
	int present;                   /* the file existed (hf_registry_load) */
	uint8_t sha256[HF_SHA256_LEN]; /* of its bytes, when present */
};

/* Read the site's registry from its state directory sdir -- the descriptor the caller
 * opened, checked and locked (state.h: st->dirfd), never .hotfix looked up again by name,
 * which a site's owner could have replaced since -- or -1 when the site has none.  A
 * missing file gives an empty registry.  Errors: -HF_E_IO, -HF_E_SCHEMA, -HF_E_MALFORMED,
 * -HF_E_SIZE. */
int hf_registry_load(const struct hf_site *site, int sdir, struct hf_registry **out,
		     struct hf_err *err) HF_MUST_CHECK;

/* Parse a registry from memory (tests, fuzzing). */
int hf_registry_parse(const uint8_t *buf, size_t len, const char *name,
		       struct hf_registry **out, struct hf_err *err) HF_MUST_CHECK;

void hf_registry_free(struct hf_registry *inst);

/* The entry for id, or NULL. */
struct hf_registry_entry *hf_registry_find(const struct hf_registry *inst, const char *id);

/* Append h (moved in: inst owns its strings afterwards; h is zeroed). */
int hf_registry_add(struct hf_registry *inst, struct hf_registry_entry *h,
		    struct hf_err *err) HF_MUST_CHECK;

/* Remove and free the entry for id; 0 if there was none. */
int hf_registry_remove(struct hf_registry *inst, const char *id);

/* The highest revision of id accepted here, 0 if none. */
unsigned long hf_registry_accepted(const struct hf_registry *inst, const char *id);

/* Remember that revision of id was accepted (keeps the highest). */
int hf_registry_accept(struct hf_registry *inst, const char *id, unsigned long revision,
			struct hf_err *err) HF_MUST_CHECK;

/* Rollback/freeze protection: -HF_E_STALE if the site has accepted a newer revision of
 * the hotfix than `revision`; the message names both. */
int hf_registry_check_fresh(const struct hf_registry *inst, const char *site_code,
			     const char *id, unsigned long revision,
			     struct hf_err *err) HF_MUST_CHECK;

/* Free what an entry owns. */
void hf_registry_entry_clear(struct hf_registry_entry *h);

/* The registry as XML bytes (a new buffer; free() it).  hf_registry_parse() reads
 * them back to the same registry. */
int hf_registry_format(const struct hf_registry *inst, uint8_t **buf, size_t *len,
			struct hf_err *err) HF_MUST_CHECK;

#endif
