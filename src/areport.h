/* areport: audit reports for tools -- CSV (RFC 4180), XML (urn:hotfix:audit:1, schema
 * manifests/audit.xsd) and Graphviz DOT (the tree, each site coloured by compliance).
 *
 * Owns: those three formats (text and JSON are in module report).  Sites come in the
 * audit's order; a site's parent is drawn when it is part of the audit too.  A site that
 * could not be seen (HF_SITE_UNSEEN) has no code, type or service pack: those fields are
 * empty (CSV) or absent (XML), and DOT names it by its root. */
#ifndef HOTFIX_AREPORT_H
#define HOTFIX_AREPORT_H

#include <stdio.h>

#include "audit.h"
#include "err.h"

int hf_areport_csv(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_areport_xml(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_areport_dot(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;

#endif
