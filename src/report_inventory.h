/* report_inventory: what is installed where -- `list` (one site's registry, as text and
 * JSON, urn:hotfix:list:1) and `inventory` (the hierarchy as an Ansible inventory).
 *
 * Owns: those formats.  No verdict: these reports only list. */
#ifndef HOTFIX_REPORT_INVENTORY_H
#define HOTFIX_REPORT_INVENTORY_H

#include <stdio.h>

#include "err.h"
#include "hierarchy.h"
#include "registry.h"
#include "site.h"

void hf_report_list_text(FILE *out, const struct hf_site *site, const struct hf_registry *inst);
int hf_report_list_json(FILE *out, const struct hf_site *site,
			const struct hf_registry *inst) HF_MUST_CHECK;

/* The hierarchy as an Ansible inventory (YAML, written as JSON, which YAML reads): groups
 * central, primary and secondary under all; each site a host named by its code, with
 * hotfix_site_root (absolute), hotfix_site_code, hotfix_site_type, hotfix_parent (null
 * for the central site), hotfix_servicepack and hotfix_tier (0, 1, 2). */
int hf_report_inventory_ansible(FILE *out, const struct hf_hierarchy *h) HF_MUST_CHECK;

#endif
