/* report_inventory: what is installed where -- `list` (text, urn:hotfix:list:1) and the
 * hierarchy as an Ansible inventory. */
#include "report_inventory.h"

#include <stdlib.h>

#include "json.h"
#include "version.h"

void hf_report_list_text(FILE *out, const struct hf_site *site, const struct hf_registry *inst)
{
	char a[HF_VERSION_STRLEN], b[HF_VERSION_STRLEN];

	if (inst->n == 0) {
		fprintf(out, "%s: no hotfixes installed\n", site->code);
		return;
	}
	for (size_t i = 0; i < inst->n; i++) {
		const struct hf_registry_entry *h = &inst->hotfixes[i];

		fprintf(out, "%s: %s revision %lu installed %s, %zu file%s\n", site->code, h->id,
			h->revision, h->time, h->nfiles, h->nfiles == 1 ? "" : "s");
		for (size_t j = 0; j < h->nfiles; j++)
			fprintf(out, "  %-28s %s -> %s\n", h->files[j].path,
				hf_version_format(&h->files[j].old_version, a),
				hf_version_format(&h->files[j].new_version, b));
	}
}

int hf_report_list_json(FILE *out, const struct hf_site *site, const struct hf_registry *inst)
{
	json_t *doc = json_pack("{s:s, s:s, s:s}", "schema", "urn:hotfix:list:1", "site",
				site->code, "root", site->root);
	json_t *arr = json_array();
	char hex[HF_SHA256_HEX];

	for (size_t i = 0; i < inst->n; i++) {
		const struct hf_registry_entry *h = &inst->hotfixes[i];
		json_t *files = json_array();

		for (size_t j = 0; j < h->nfiles; j++) {
			const struct hf_inst_file *f = &h->files[j];
			char o[HF_SHA256_HEX];

			json_array_append_new(
				files,
				json_pack("{s:s, s:o, s:s, s:o, s:s}", "path", f->path, "old_version",
					  hf_json_version_or_null(1, &f->old_version), "old_sha256",
					  hf_sha256_hex(f->old_sha256, o), "new_version",
					  hf_json_version_or_null(1, &f->new_version), "new_sha256",
					  hf_sha256_hex(f->new_sha256, hex)));
		}
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:o}", "hotfix", h->id,
						     "revision", (json_int_t)h->revision, "time",
						     h->time, "manifest_sha256",
						     hf_sha256_hex(h->manifest_sha256, hex), "files",
						     files));
	}
	json_object_set_new(doc, "installed", arr);
	return hf_json_dump(out, doc);
}

int hf_report_inventory_ansible(FILE *out, const struct hf_hierarchy *h)
{
	static const char *const groups[] = { "central", "primary", "secondary" };
	json_t *doc = json_object(), *all = json_object(), *children = json_object();
	json_t *hosts[3];

	for (int g = 0; g < 3; g++) {
		json_t *grp = json_object();

		hosts[g] = json_object();
		json_object_set_new(grp, "hosts", hosts[g]);
		json_object_set_new(children, groups[g], grp);
	}
	for (size_t k = 0; k < h->n; k++) {
		const struct hf_hsite *hs = &h->sites[h->order[k]];
		const struct hf_site *s = hs->site;
		char *abs = realpath(s->root, NULL);
		int g = s->type == HF_SITE_CENTRAL ? 0 : s->type == HF_SITE_PRIMARY ? 1 : 2;

		json_object_set_new(
			hosts[g], s->code,
			json_pack("{s:s, s:s, s:s, s:o, s:i, s:i}", "hotfix_site_root",
				  abs ? abs : s->root, "hotfix_site_code", s->code,
				  "hotfix_site_type", hf_site_type_name(s->type), "hotfix_parent",
				  s->parent[0] ? json_string(s->parent) : json_null(),
				  "hotfix_servicepack", (int)s->servicepack, "hotfix_tier",
				  (int)hs->depth));
		free(abs);
	}
	json_object_set_new(all, "children", children);
	json_object_set_new(doc, "all", all);
	return hf_json_dump(out, doc);
}

int hf_report_inventory_json(FILE *out, const struct hf_hierarchy *h)
{
	json_t *sites = json_array();

	for (size_t k = 0; k < h->n; k++) {
		const struct hf_hsite *hs = &h->sites[h->order[k]];
		const struct hf_site *s = hs->site;
		char *abs = realpath(s->root, NULL);

		json_array_append_new(
			sites, json_pack("{s:s, s:s, s:s, s:o, s:i, s:i}", "site", s->code, "root",
					 abs ? abs : s->root, "type", hf_site_type_name(s->type),
					 "parent",
					 s->parent[0] ? json_string(s->parent) : json_null(),
					 "servicepack", (int)s->servicepack, "tier", (int)hs->depth));
		free(abs);
	}
	return hf_json_dump(out, json_pack("{s:s, s:s, s:o}", "schema", "urn:hotfix:inventory:1",
					   "hierarchy", h->path, "sites", sites));
}

void hf_report_version_text(FILE *out, const struct hf_pe_version_row *rows, size_t n,
			    int quiet)
{
	char fv[HF_VERSION_STRLEN], pv[HF_VERSION_STRLEN];

	for (size_t i = 0; i < n; i++) {
		if (!rows[i].ok && quiet)
			continue;
		if (!rows[i].ok)
			fprintf(out, "%s\t-\t-\n", rows[i].path);
		else
			fprintf(out, "%s\t%s\t%s\n", rows[i].path,
				hf_version_format(&rows[i].file_version, fv),
				hf_version_format(&rows[i].product_version, pv));
	}
}

int hf_report_version_json(FILE *out, const struct hf_pe_version_row *rows, size_t n)
{
	json_t *files = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct hf_pe_version_row *r = &rows[i];

		json_array_append_new(
			files,
			json_pack("{s:o, s:o, s:o, s:o, s:o}", "path", hf_json_any_text(r->path),
				  "file_version", hf_json_version_or_null(r->ok, &r->file_version),
				  "product_version",
				  hf_json_version_or_null(r->ok, &r->product_version), "error",
				  r->ok ? json_null() : hf_json_any_text(r->err.msg), "error_code",
				  r->ok ? json_null() : json_string(hf_code_name(r->err.code))));
	}
	return hf_json_dump(out, json_pack("{s:s, s:o}", "schema", "urn:hotfix:version:1",
					   "files", files));
}
