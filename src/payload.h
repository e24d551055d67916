/* payload: the archive that carries a hotfix's new files.
 *
 * Owns: checks of the payload file against its manifest.  For now: existence, exact
 * size and SHA-256, computed in one streaming pass before anything else reads it.
 * (Extraction through libarchive joins this module with `apply`.) */
#ifndef HOTFIX_PAYLOAD_H
#define HOTFIX_PAYLOAD_H

#include "err.h"
#include "manifest.h"

/* Verify the payload named by the manifest.  Errors: -HF_E_IO (missing, unreadable),
 * -HF_E_SIZE, -HF_E_HASH; the message prints both values compared. */
int hf_payload_verify(const struct hf_manifest *m, struct hf_err *err) HF_MUST_CHECK;

#endif
