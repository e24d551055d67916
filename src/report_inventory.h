/* report_inventory: what is installed where -- `list` (one site's registry, as text and
 * JSON, urn:hotfix:list:1), `inventory` (the hierarchy as an Ansible inventory, or as
 * urn:hotfix:inventory:1) and `version` (the versions of PE files, as text and
 * urn:hotfix:version:1).
 *
 * Owns: those formats.  No verdict: these reports only list. */
#ifndef HOTFIX_REPORT_INVENTORY_H
#define HOTFIX_REPORT_INVENTORY_H

#include <stdio.h>

#include "err.h"
#include "hierarchy.h"
#include "registry.h"
#include "site.h"
#include "version.h"

void hf_report_list_text(FILE *out, const struct hf_site *site, const struct hf_registry *inst);
int hf_report_list_json(FILE *out, const struct hf_site *site,
			const struct hf_registry *inst) HF_MUST_CHECK;

/* The hierarchy as an Ansible inventory (YAML, written as JSON, which YAML reads): groups
 * central, primary and secondary under all; each site a host named by its code, with
 * hotfix_site_root (absolute), hotfix_site_code, hotfix_site_type, hotfix_parent (null
 * for the central site), hotfix_servicepack and hotfix_tier (0, 1, 2). */
int hf_report_inventory_ansible(FILE *out, const struct hf_hierarchy *h) HF_MUST_CHECK;

/* The hierarchy as hotfix's JSON (urn:hotfix:inventory:1): hierarchy (the file) and
 * sites[] in tree order, each site, root (absolute), type, parent (null for the central
 * site), servicepack and tier. */
int hf_report_inventory_json(FILE *out, const struct hf_hierarchy *h) HF_MUST_CHECK;

/* One file of `hotfix version`: its versions, or why it has none. */
struct hf_pe_version_row {
	const char *path;
	int ok;
	struct hf_version file_version, product_version;
	struct hf_err err; /* when !ok */
};

/* PATH<TAB>FILEVERSION<TAB>PRODUCTVERSION per file, '-' for both when !ok (no line for
 * it when quiet: its error is the caller's to tell). */
void hf_report_version_text(FILE *out, const struct hf_pe_version_row *rows, size_t n,
			    int quiet);

/* urn:hotfix:version:1: files[] of path, file_version, product_version (null when !ok),
 * error and error_code (null when ok). */
int hf_report_version_json(FILE *out, const struct hf_pe_version_row *rows,
			   size_t n) HF_MUST_CHECK;

#endif
