/* areport: audit reports for tools -- CSV (RFC 4180), XML (urn:hotfix:audit:1, schema
 * manifests/audit.xsd) and Graphviz DOT (the tree, each site coloured by compliance).
 *
 * Owns: those three formats (text and JSON are in module report).  Sites come in the
 * audit's order; a site's parent is drawn when it is part of the audit too. */
#ifndef HOTFIX_AREPORT_H
#define HOTFIX_AREPORT_H

#include <stdio.h>

#include "audit.h"
#include "err.h"

int hf_areport_csv(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_areport_xml(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;
int hf_areport_dot(FILE *out, const struct hf_audit *a) HF_MUST_CHECK;

/* "compliant", "not compliant" or "not applicable" for one site. */
const char *hf_site_verdict(const struct hf_audit *a, const struct hf_site *site);

#endif
