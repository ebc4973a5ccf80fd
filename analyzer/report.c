// SPDX-License-Identifier: MIT
/* goanalyze report, builds and manifest: plain text and JSON over the same data (cJSON). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report.h"

static void param_location(enum ga_arch arch, const struct ga_param *p, char *buf, size_t len)
{
	size_t i, used = 0;
	char loc[32];

	buf[0] = '\0';
	for (i = 0; i < p->npieces && used < len; i++) {
		ga_piece_loc_str(arch, &p->pieces[i], loc);
		used += snprintf(buf + used, len - used, "%s%s", i ? "," : "", loc);
	}
	if (!p->npieces)
		snprintf(buf, len, "%s", p->size ? "?" : "none");
}

/* --- plain --- */

static void print_func_plain(FILE *out, const struct ga_build *b, const struct ga_func *f)
{
	char loc[512];
	size_t i;

	fprintf(out, "%s\n", f->name);
	fprintf(out, "  entry 0x%llx  file offset 0x%llx  size %u  %s%s%s\n",
		(unsigned long long)f->entry, (unsigned long long)f->file_off, f->size,
		ga_abi_name(f->abi), f->is_asm ? "  asm" : "", f->is_wrapper ? "  wrapper" : "");
	if (f->decode_status != GA_DECODE_OK)
		fprintf(out, "  decode: %s\n", ga_decode_status_name(f->decode_status));
	fprintf(out, "  entry probe: +0x%x (%s)\n", f->entry_probe_offset, ga_entry_kind_name(f->entry_kind));
	fprintf(out, "  returns:");
	for (i = 0; i < f->nexits; i++) {
		const struct ga_exit *e = &f->exits[i];

		fprintf(out, " +0x%x %s", e->offset, ga_exit_kind_name(e->kind));
		if (e->kind == GA_EXIT_TAILCALL)
			fprintf(out, "->%s", e->target_name ? e->target_name : "?");
	}
	fprintf(out, "%s\n", f->nexits ? "" : " none (never returns, or exits unseen)");
	if (!f->params_known) {
		fprintf(out, "  params: unknown (no DWARF)\n");
		return;
	}
	if (f->args_only)
		fprintf(out, "  params: no DWARF; argument words from the arg-info funcdata (raw, untyped, "
			"\"?\" where not placeable); results unknown; --sig gives both\n");
	else
		fprintf(out, "  params: from %s\n", ga_params_source_name(f->params_source) ?
						       ga_params_source_name(f->params_source) : "dwarf");
	for (i = 0; i < f->nparams; i++) {
		const struct ga_param *p = &f->params[i];

		param_location(b->arch, p, loc, sizeof(loc));
		fprintf(out, "  %s %s %s  [%s]\n", p->is_result ? "result" : "arg   ", p->name,
			p->type_name, loc);
		if (p->dwarf_check == GA_DWARF_DIFFERS)
			fprintf(out, "  warning: %s: DWARF puts %s in [%s] at entry, the ABI in [%s]\n",
				f->name, p->name, p->dwarf_loc ? p->dwarf_loc : "?", loc);
		if (p->nderefs) {
			size_t k;

			fprintf(out, "         points at:");
			for (k = 0; k < p->nderefs; k++)
				fprintf(out, " %s %s +%d", p->derefs[k].path,
					ga_piece_kind_name(p->derefs[k].kind), p->derefs[k].stack_off);
			fprintf(out, "  (goattach --deref)\n");
		}
	}
}

/* --- JSON --- */

cJSON *report_build_json(const struct ga_build *b)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "path", b->path ? b->path : "");
	if (b->go_version)
		cJSON_AddStringToObject(o, "go_version", b->go_version);
	else
		cJSON_AddNullToObject(o, "go_version");
	cJSON_AddStringToObject(o, "goarch", ga_arch_name(b->arch));
	if (b->go_build_id)
		cJSON_AddStringToObject(o, "build_id", b->go_build_id);
	else
		cJSON_AddNullToObject(o, "build_id");
	if (b->gnu_build_id)
		cJSON_AddStringToObject(o, "gnu_build_id", b->gnu_build_id);
	else
		cJSON_AddNullToObject(o, "gnu_build_id");
	cJSON_AddStringToObject(o, "sha256", b->sha256);
	cJSON_AddNumberToObject(o, "size", (double)b->size);
	cJSON_AddStringToObject(o, "default_abi", ga_abi_name(b->default_abi));
	cJSON_AddStringToObject(o, "pclntab_format", b->pclntab_format);
	cJSON_AddBoolToObject(o, "stripped", b->stripped);
	cJSON_AddBoolToObject(o, "has_dwarf", b->has_dwarf);
	if (b->debuginfo)
		cJSON_AddStringToObject(o, "debuginfo", b->debuginfo);
	else
		cJSON_AddNullToObject(o, "debuginfo");
	if (b->debuginfo_path)
		cJSON_AddStringToObject(o, "debuginfo_path", b->debuginfo_path);
	else
		cJSON_AddNullToObject(o, "debuginfo_path");
	cJSON_AddBoolToObject(o, "cgo", b->cgo);
	cJSON_AddBoolToObject(o, "pie", b->pie);
	cJSON_AddBoolToObject(o, "trimpath", b->trimpath);
	cJSON_AddBoolToObject(o, "race", b->race);
	if (b->module_path)
		cJSON_AddStringToObject(o, "module_path", b->module_path);
	if (b->nmodules) {
		cJSON *arr = cJSON_AddArrayToObject(o, "modules");
		size_t i;

		for (i = 0; i < b->nmodules; i++) {
			cJSON *m = cJSON_CreateObject();

			cJSON_AddStringToObject(m, "kind", b->modules[i].kind);
			cJSON_AddStringToObject(m, "path", b->modules[i].path);
			cJSON_AddStringToObject(m, "version", b->modules[i].version);
			if (b->modules[i].sum)
				cJSON_AddStringToObject(m, "sum", b->modules[i].sum);
			cJSON_AddItemToArray(arr, m);
		}
	}
	if (b->nsettings) {
		cJSON *set = cJSON_AddObjectToObject(o, "settings");
		size_t i;

		for (i = 0; i < b->nsettings; i++)
			cJSON_AddStringToObject(set, b->settings[i].key, b->settings[i].value);
	}
	return o;
}

cJSON *report_func_json(const struct ga_build *b, const struct ga_func *f)
{
	cJSON *o = cJSON_CreateObject(), *arr, *e;
	char loc[512];
	size_t i, j;

	cJSON_AddStringToObject(o, "name", f->name);
	cJSON_AddNumberToObject(o, "entry", (double)f->entry);
	cJSON_AddNumberToObject(o, "file_offset", (double)f->file_off);
	cJSON_AddNumberToObject(o, "size", f->size);
	cJSON_AddStringToObject(o, "abi", ga_abi_name(f->abi));
	cJSON_AddBoolToObject(o, "asm", f->is_asm);
	cJSON_AddBoolToObject(o, "wrapper", f->is_wrapper);
	cJSON_AddStringToObject(o, "decode_status", ga_decode_status_name(f->decode_status));
	cJSON_AddNumberToObject(o, "entry_probe_offset", f->entry_probe_offset);
	cJSON_AddStringToObject(o, "entry_probe_kind", ga_entry_kind_name(f->entry_kind));
	arr = cJSON_AddArrayToObject(o, "returns");
	for (i = 0; i < f->nexits; i++) {
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "offset", f->exits[i].offset);
		cJSON_AddStringToObject(e, "kind", ga_exit_kind_name(f->exits[i].kind));
		if (f->exits[i].kind == GA_EXIT_TAILCALL) {
			cJSON_AddNumberToObject(e, "target", (double)f->exits[i].target);
			if (f->exits[i].target_name)
				cJSON_AddStringToObject(e, "target_name", f->exits[i].target_name);
		}
		cJSON_AddItemToArray(arr, e);
	}
	if (!f->params_known) {
		cJSON_AddNullToObject(o, "params");
		return o;
	}
	cJSON_AddStringToObject(o, "params_source", ga_params_source_name(f->params_source) ?
						    ga_params_source_name(f->params_source) : "dwarf");
	arr = cJSON_AddArrayToObject(o, "params");
	for (i = 0; i < f->nparams; i++) {
		const struct ga_param *p = &f->params[i];
		cJSON *pieces;

		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", p->name);
		cJSON_AddStringToObject(e, "type", p->type_name);
		cJSON_AddStringToObject(e, "kind", ga_kind_name(p->kind));
		cJSON_AddBoolToObject(e, "result", p->is_result);
		param_location(b->arch, p, loc, sizeof(loc));
		cJSON_AddStringToObject(e, "location", loc);
		if (p->dwarf_check != GA_DWARF_UNCHECKED) {
			cJSON_AddStringToObject(e, "dwarf_location", p->dwarf_loc ? p->dwarf_loc : "");
			cJSON_AddBoolToObject(e, "dwarf_agrees", p->dwarf_check == GA_DWARF_AGREES);
		}
		pieces = cJSON_AddArrayToObject(e, "pieces");
		for (j = 0; j < p->npieces; j++) {
			const struct ga_piece *pc = &p->pieces[j];
			cJSON *po = cJSON_CreateObject();

			cJSON_AddStringToObject(po, "path", pc->path);
			cJSON_AddStringToObject(po, "kind", ga_piece_kind_name(pc->kind));
			cJSON_AddNumberToObject(po, "size", pc->size);
			if (pc->loc == GA_LOC_REG) {
				cJSON_AddStringToObject(po, "reg", ga_reg_name(b->arch, pc->reg));
			} else {
				cJSON_AddNumberToObject(po, "stack_offset", pc->stack_off);
			}
			cJSON_AddItemToArray(pieces, po);
		}
		if (p->nderefs) {
			cJSON *d = cJSON_AddArrayToObject(e, "deref");

			for (j = 0; j < p->nderefs; j++) {
				cJSON *po = cJSON_CreateObject();

				cJSON_AddStringToObject(po, "path", p->derefs[j].path);
				cJSON_AddStringToObject(po, "kind", ga_piece_kind_name(p->derefs[j].kind));
				cJSON_AddNumberToObject(po, "size", p->derefs[j].size);
				cJSON_AddNumberToObject(po, "offset", p->derefs[j].stack_off);
				cJSON_AddItemToArray(d, po);
			}
		}
		cJSON_AddItemToArray(arr, e);
	}
	return o;
}

/* "  params: 120 dwarf, 3 types, 0 sig, 5 arginfo, 2 unknown" */
static void print_sources(FILE *out, const struct ga_func *funcs, size_t n)
{
	size_t count[GA_PSRC_ARGINFO + 1] = {}, i;
	int src;

	for (i = 0; i < n; i++)
		count[funcs[i].params_known && funcs[i].params_source <= GA_PSRC_ARGINFO ?
			      funcs[i].params_source : GA_PSRC_NONE]++;
	fprintf(out, "  params:");
	for (src = GA_PSRC_DWARF; src <= GA_PSRC_ARGINFO; src++)
		fprintf(out, " %zu %s,", count[src], ga_params_source_name(src));
	fprintf(out, " %zu unknown\n", count[GA_PSRC_NONE]);
}

int report_print(FILE *out, const struct ga_build *b, const struct ga_func *funcs, size_t n,
		 bool json)
{
	size_t i;

	if (!json) {
		fprintf(out, "binary %s\n  go %s  %s  %s  build id %s\n  sha256 %s\n",
			b->path, b->go_version ? b->go_version : "unknown", ga_arch_name(b->arch),
			ga_abi_name(b->default_abi), b->go_build_id ? b->go_build_id : "none", b->sha256);
		if (b->goid_offset >= 0)
			fprintf(out, "  runtime.g.goid at +0x%x (%s)\n", b->goid_offset,
				b->goid_offset_source ? b->goid_offset_source : "?");
		if (b->debuginfo)
			fprintf(out, "  DWARF: %s (%s)\n", b->debuginfo,
				b->debuginfo_path ? b->debuginfo_path : "?");
		else
			fprintf(out, "  DWARF: none\n");
		print_sources(out, funcs, n);
		for (i = 0; i < n; i++)
			print_func_plain(out, b, &funcs[i]);
		return 0;
	}

	/* One function at a time keeps memory flat on 100k-function builds. */
	{
		cJSON *bo = report_build_json(b);
		char *s = cJSON_Print(bo);

		if (!s) {
			cJSON_Delete(bo);
			return -ENOMEM;
		}
		fprintf(out, "{\n\"binary\": %s,\n\"runtime\": {\"goid_offset\": ", s);
		if (b->goid_offset >= 0)
			fprintf(out, "%d", b->goid_offset);
		else
			fputs("null", out);
		fputs("},\n\"functions\": [\n", out);
		free(s);
		cJSON_Delete(bo);
	}
	for (i = 0; i < n; i++) {
		cJSON *fo = report_func_json(b, &funcs[i]);
		char *s = cJSON_Print(fo);

		cJSON_Delete(fo);
		if (!s)
			return -ENOMEM;
		fprintf(out, "%s%s\n", s, i + 1 < n ? "," : "");
		free(s);
	}
	fputs("]\n}\n", out);
	return 0;
}

int report_print_builds(FILE *out, const struct ga_build *builds, size_t n, bool json)
{
	size_t i;

	if (!json) {
		for (i = 0; i < n; i++)
			fprintf(out, "%lld  %.12s  %-10s %-6s %s\n", (long long)builds[i].db_id,
				builds[i].sha256, builds[i].go_version ? builds[i].go_version : "?",
				ga_arch_name(builds[i].arch), builds[i].path);
		return 0;
	}
	fputs("[\n", out);
	for (i = 0; i < n; i++) {
		cJSON *bo = report_build_json(&builds[i]);
		char *s;

		cJSON_AddNumberToObject(bo, "id", (double)builds[i].db_id);
		s = cJSON_Print(bo);
		cJSON_Delete(bo);
		if (!s)
			return -ENOMEM;
		fprintf(out, "%s%s\n", s, i + 1 < n ? "," : "");
		free(s);
	}
	fputs("]\n", out);
	return 0;
}

int report_print_inline_sites(FILE *out, const char *name, const struct ga_inline_site *sites,
			      size_t n, bool truncated, bool json)
{
	cJSON *o, *arr;
	size_t i;
	char *s;

	if (!json) {
		fprintf(out, "%s: no function of its own; inlined%s into:\n", name,
			truncated ? " (first sites)" : "");
		for (i = 0; i < n; i++)
			fprintf(out, "  %s +0x%x\n", sites[i].caller, sites[i].offset);
		return 0;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddBoolToObject(o, "inlined_only", true);
	cJSON_AddBoolToObject(o, "truncated", truncated);
	arr = cJSON_AddArrayToObject(o, "inlined_into");
	for (i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "caller", sites[i].caller);
		cJSON_AddNumberToObject(e, "caller_entry", (double)sites[i].caller_entry);
		cJSON_AddNumberToObject(e, "offset", sites[i].offset);
		cJSON_AddItemToArray(arr, e);
	}
	s = cJSON_Print(o);
	cJSON_Delete(o);
	if (!s)
		return -ENOMEM;
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
}

static int cmp_func_name(const void *a, const void *b)
{
	const struct ga_func *x = *(const struct ga_func *const *)a, *y = *(const struct ga_func *const *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->abi != y->abi ? (x->abi == GA_ABI_INTERNAL ? -1 : 1) :
	       (x->entry < y->entry ? -1 : x->entry > y->entry);
}

int manifest_print(FILE *out, const struct ga_build *b, const struct ga_func *funcs, size_t n,
		   const char *generator, int schema_version)
{
	const struct ga_func **order = calloc(n ? n : 1, sizeof(*order));
	cJSON *bo;
	char *s;
	size_t i;

	if (!order)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		order[i] = &funcs[i];
	/* by name: the same for the same DB, whatever the query order */
	qsort(order, n, sizeof(*order), cmp_func_name);
	bo = report_build_json(b);
	cJSON_AddNumberToObject(bo, "goid_offset", b->goid_offset);
	s = cJSON_Print(bo);
	cJSON_Delete(bo);
	if (!s) {
		free(order);
		return -ENOMEM;
	}
	fprintf(out, "{\n\"manifest_version\": 1,\n\"generator\": \"%s\",\n\"db_schema_version\": %d,\n"
		"\"build\": %s,\n\"functions\": [\n", generator, schema_version, s);
	free(s);
	for (i = 0; i < n; i++) {
		cJSON *fo = report_func_json(b, order[i]);

		s = cJSON_Print(fo);
		cJSON_Delete(fo);
		if (!s) {
			free(order);
			return -ENOMEM;
		}
		fprintf(out, "%s%s\n", s, i + 1 < n ? "," : "");
		free(s);
	}
	fputs("]\n}\n", out);
	free(order);
	return ferror(out) ? -EIO : 0;
}
