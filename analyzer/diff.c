// SPDX-License-Identifier: MIT
/*
 * goanalyze diff: what changed between two builds for someone who traces
 * them. Functions are matched by name and ABI; a new address alone is not
 * a change. Size, returns, the entry probe, the signature and where each
 * argument lives are; the last is what breaks hand-written probes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "diff.h"
#include "model.h"

static int cmp_name_abi(const void *a, const void *b)
{
	const struct ga_func *x = *(const struct ga_func *const *)a, *y = *(const struct ga_func *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)x->abi - (int)y->abi;
}

static const struct ga_func **sorted(const struct ga_func *f, size_t n)
{
	const struct ga_func **o = calloc(n ? n : 1, sizeof(*o));
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++)
		o[i] = &f[i];
	qsort(o, n, sizeof(*o), cmp_name_abi);
	return o;
}

static void exits_str(enum ga_arch arch, const struct ga_func *f, char *buf, size_t len)
{
	size_t i, used = 0;

	(void)arch;
	buf[0] = '\0';
	for (i = 0; i < f->nexits && used < len; i++)
		used += snprintf(buf + used, len - used, "%s+0x%x %s", i ? ", " : "", f->exits[i].offset,
				 ga_exit_kind_name(f->exits[i].kind));
}

/* "(x string, y string) (~r0 string, ~r1 string)": names and types, in order; "?" unknown */
static void sig_str(const struct ga_func *f, char *buf, size_t len)
{
	size_t i, used = 0;
	int pass, k;

	buf[0] = '\0';
	if (!f->params_known || f->args_only) {
		snprintf(buf, len, "?");
		return;
	}
	for (pass = 0; pass < 2 && used < len; pass++) {
		for (i = 0, k = 0; i < f->nparams && used < len; i++) {
			const struct ga_param *p = &f->params[i];

			if (p->is_result != pass)
				continue;
			used += snprintf(buf + used, len - used, "%s%s %s", k++ ? ", " : (pass ? " (" : "("),
					 p->name, p->type_name ? p->type_name : "?");
		}
		if (used < len && (k || !pass))
			used += snprintf(buf + used, len - used, k ? ")" : "()");
	}
}

static void locs_str(enum ga_arch arch, const struct ga_param *p, char *buf, size_t len)
{
	size_t k, used = 0;
	char loc[32];

	buf[0] = '\0';
	for (k = 0; k < p->npieces && used < len; k++)
		used += snprintf(buf + used, len - used, "%s%s", k ? "," : "",
				 ga_piece_loc_str(arch, &p->pieces[k], loc));
	if (!p->npieces)
		snprintf(buf, len, "%s", p->size ? "?" : "none");
}

static cJSON *change(cJSON *changes, const char *what, const char *old, const char *new)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "old", old);
	cJSON_AddStringToObject(c, "new", new);
	cJSON_AddItemToObject(changes, what, c);
	return c;
}

/* The changes of one function, or NULL if none. */
static cJSON *func_changes(enum ga_arch arch, const struct ga_func *o, const struct ga_func *n,
			   bool *locations)
{
	cJSON *ch = cJSON_CreateObject(), *locs = NULL;
	char a[2048], b[2048];
	size_t i;

	*locations = false;
	if (o->size != n->size) {
		snprintf(a, sizeof(a), "%u", o->size);
		snprintf(b, sizeof(b), "%u", n->size);
		change(ch, "size", a, b);
	}
	exits_str(arch, o, a, sizeof(a));
	exits_str(arch, n, b, sizeof(b));
	if (strcmp(a, b))
		change(ch, "returns", a, b);
	if (o->entry_probe_offset != n->entry_probe_offset || o->entry_kind != n->entry_kind) {
		snprintf(a, sizeof(a), "+0x%x %s", o->entry_probe_offset, ga_entry_kind_name(o->entry_kind));
		snprintf(b, sizeof(b), "+0x%x %s", n->entry_probe_offset, ga_entry_kind_name(n->entry_kind));
		change(ch, "entry_probe", a, b);
	}
	sig_str(o, a, sizeof(a));
	sig_str(n, b, sizeof(b));
	if (strcmp(a, b))
		change(ch, "signature", a, b);
	/* where each argument (by name) lives: what hand-written probes read */
	for (i = 0; o->params_known && n->params_known && i < o->nparams; i++) {
		const struct ga_param *op = &o->params[i], *np = NULL;
		size_t j;

		for (j = 0; j < n->nparams && !np; j++)
			if (n->params[j].is_result == op->is_result && !strcmp(n->params[j].name, op->name))
				np = &n->params[j];
		if (!np)
			continue;
		locs_str(arch, op, a, sizeof(a));
		locs_str(arch, np, b, sizeof(b));
		if (!strcmp(a, b))
			continue;
		if (!locs) {
			locs = cJSON_AddArrayToObject(ch, "locations");
			*locations = true;
		}
		{
			cJSON *l = cJSON_CreateObject();

			cJSON_AddStringToObject(l, "param", op->name);
			cJSON_AddBoolToObject(l, "result", op->is_result);
			cJSON_AddStringToObject(l, "old", a);
			cJSON_AddStringToObject(l, "new", b);
			cJSON_AddItemToArray(locs, l);
		}
	}
	if (!ch->child) {
		cJSON_Delete(ch);
		return NULL;
	}
	return ch;
}

static cJSON *ident(const struct ga_build *b)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "path", b->path ? b->path : "");
	cJSON_AddStringToObject(o, "sha256", b->sha256);
	if (b->go_build_id)
		cJSON_AddStringToObject(o, "build_id", b->go_build_id);
	else
		cJSON_AddNullToObject(o, "build_id");
	if (b->go_version)
		cJSON_AddStringToObject(o, "go_version", b->go_version);
	else
		cJSON_AddNullToObject(o, "go_version");
	cJSON_AddStringToObject(o, "goarch", ga_arch_name(b->arch));
	return o;
}

cJSON *diff_builds(const struct ga_build *ob, const struct ga_func *of, size_t on,
		   const struct ga_build *nb, const struct ga_func *nf, size_t nn)
{
	const struct ga_func **os = sorted(of, on), **ns = sorted(nf, nn);
	cJSON *d = cJSON_CreateObject(), *added, *removed, *changed;
	size_t i = 0, j = 0, nloc = 0;

	if (!os || !ns || !d) {
		free(os);
		free(ns);
		cJSON_Delete(d);
		return NULL;
	}
	cJSON_AddItemToObject(d, "old", ident(ob));
	cJSON_AddItemToObject(d, "new", ident(nb));
	added = cJSON_AddArrayToObject(d, "added");
	removed = cJSON_AddArrayToObject(d, "removed");
	changed = cJSON_AddArrayToObject(d, "changed");
	while (i < on || j < nn) {
		int c = i == on ? 1 : j == nn ? -1 : cmp_name_abi(&os[i], &ns[j]);
		cJSON *e;

		if (c < 0) {
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "name", os[i]->name);
			cJSON_AddStringToObject(e, "abi", ga_abi_name(os[i]->abi));
			cJSON_AddItemToArray(removed, e);
			i++;
		} else if (c > 0) {
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "name", ns[j]->name);
			cJSON_AddStringToObject(e, "abi", ga_abi_name(ns[j]->abi));
			cJSON_AddItemToArray(added, e);
			j++;
		} else {
			bool locs;
			cJSON *ch = func_changes(nb->arch, os[i], ns[j], &locs);

			if (ch) {
				e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "name", ns[j]->name);
				cJSON_AddStringToObject(e, "abi", ga_abi_name(ns[j]->abi));
				cJSON_AddBoolToObject(e, "locations_changed", locs);
				cJSON_AddItemToObject(e, "changes", ch);
				cJSON_AddItemToArray(changed, e);
				nloc += locs;
			}
			i++;
			j++;
		}
	}
	cJSON_AddNumberToObject(d, "locations_changed", (double)nloc);
	free(os);
	free(ns);
	return d;
}

static const char *str(cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));

	return s ? s : "";
}

void diff_print_text(FILE *out, cJSON *d)
{
	cJSON *e, *c, *o = cJSON_GetObjectItem(d, "old"), *n = cJSON_GetObjectItem(d, "new");

	fprintf(out, "old %s (%s, sha256 %.12s)\nnew %s (%s, sha256 %.12s)\n", str(o, "path"),
		str(o, "go_version"), str(o, "sha256"), str(n, "path"), str(n, "go_version"),
		str(n, "sha256"));
	fprintf(out, "%d added, %d removed, %d changed, %d with argument locations changed\n",
		cJSON_GetArraySize(cJSON_GetObjectItem(d, "added")),
		cJSON_GetArraySize(cJSON_GetObjectItem(d, "removed")),
		cJSON_GetArraySize(cJSON_GetObjectItem(d, "changed")),
		(int)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "locations_changed")));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "added"))
		fprintf(out, "+ %s\n", str(e, "name"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "removed"))
		fprintf(out, "- %s\n", str(e, "name"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "changed")) {
		bool locs = cJSON_IsTrue(cJSON_GetObjectItem(e, "locations_changed"));

		fprintf(out, "%s %s\n", locs ? "! ARGUMENT LOCATIONS CHANGED:" : "~", str(e, "name"));
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(e, "changes")) {
			cJSON *l;

			if (!cJSON_IsArray(c)) {
				fprintf(out, "    %s: %s -> %s\n", c->string, str(c, "old"), str(c, "new"));
				continue;
			}
			cJSON_ArrayForEach(l, c)
				fprintf(out, "    %s %s: [%s] -> [%s]\n",
					cJSON_IsTrue(cJSON_GetObjectItem(l, "result")) ? "result" : "arg",
					str(l, "param"), str(l, "old"), str(l, "new"));
		}
	}
}

/* For a pull-request comment: location changes first, in bold. */
void diff_print_markdown(FILE *out, cJSON *d)
{
	cJSON *e, *c, *o = cJSON_GetObjectItem(d, "old"), *n = cJSON_GetObjectItem(d, "new");
	int nloc = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "locations_changed")), pass;

	fprintf(out, "### goanalyze diff: `%.12s` (%s) → `%.12s` (%s)\n\n", str(o, "sha256"),
		str(o, "go_version"), str(n, "sha256"), str(n, "go_version"));
	fprintf(out, "%d added, %d removed, %d changed", cJSON_GetArraySize(cJSON_GetObjectItem(d, "added")),
		cJSON_GetArraySize(cJSON_GetObjectItem(d, "removed")),
		cJSON_GetArraySize(cJSON_GetObjectItem(d, "changed")));
	if (nloc)
		fprintf(out, " — **%d function%s whose arguments moved: hand-written probes on them "
			"read the wrong place**", nloc, nloc == 1 ? "" : "s");
	fprintf(out, "\n\n");
	for (pass = 0; pass < 2; pass++) {
		bool header = false;

		cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "changed")) {
			bool locs = cJSON_IsTrue(cJSON_GetObjectItem(e, "locations_changed"));

			if (locs != (pass == 0))
				continue;
			if (!header) {
				fprintf(out, pass ? "| changed | what | old | new |\n|---|---|---|---|\n" :
						    "#### ⚠️ Argument locations changed\n\n"
						    "| function | what | old | new |\n|---|---|---|---|\n");
				header = true;
			}
			cJSON_ArrayForEach(c, cJSON_GetObjectItem(e, "changes")) {
				cJSON *l;

				if (!cJSON_IsArray(c)) {
					fprintf(out, "| `%s` | %s | `%s` | `%s` |\n", str(e, "name"), c->string,
						str(c, "old"), str(c, "new"));
					continue;
				}
				cJSON_ArrayForEach(l, c)
					fprintf(out, "| `%s` | **%s `%s`** | `%s` | `%s` |\n", str(e, "name"),
						cJSON_IsTrue(cJSON_GetObjectItem(l, "result")) ? "result" : "arg",
						str(l, "param"), str(l, "old"), str(l, "new"));
			}
		}
		if (header)
			fputc('\n', out);
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItem(d, "added"))) {
		fprintf(out, "Added:");
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "added"))
			fprintf(out, " `%s`", str(e, "name"));
		fprintf(out, "\n\n");
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItem(d, "removed"))) {
		fprintf(out, "Removed:");
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "removed"))
			fprintf(out, " `%s`", str(e, "name"));
		fprintf(out, "\n");
	}
}
