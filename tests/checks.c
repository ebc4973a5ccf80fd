// SPDX-License-Identifier: MIT
/*
 * The checks on one Go binary that the suites and the toolchain matrix
 * share, each against an independent source. See checks.h.
 */
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "attachlib.h"
#include "checks.h"
#include "db.h"
#include "objdump.h"
#include "test.h"

int index_bin(const char *bin, const char *db)
{
	char cmd[2048];
	struct cmd_result r;
	int st;

	unlink(db);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s'", build_path("goanalyze"), bin, db);
	sh_run(cmd, 120, &r);
	st = r.status;
	if (st)
		printf("  index %s: %s", bin, r.err);
	cmd_result_free(&r);
	return st;
}

long long db_count(const char *db, const char *query)
{
	char cmd[2048];
	struct cmd_result r = {};
	long long v = -1;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", db, query);
	sh_run(cmd, 30, &r);
	if (r.status == 0 && r.out)
		v = atoll(r.out);
	cmd_result_free(&r);
	return v;
}

void check_exits_vs_objdump(const char *label, const char *bin, const char *objdump,
			    struct exits_figures *fig)
{
	const char *db = tmp_path("exits.db");
	struct exits_figures f = {};
	struct od_func *od = NULL;
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *gdb = NULL;
	size_t nod = 0, nf = 0, i;

	if (!ASSERT_EQ(index_bin(bin, db), 0, label) || !load_db(db, &gdb, &b, &funcs, &nf))
		goto out;
	f.funcs = nf;
	for (i = 0; i < nf; i++)
		f.undecodable += funcs[i].decode_status == GA_DECODE_BAD;
	od = objdump_funcs(objdump, bin, NULL, 0, &nod);
	if (!ASSERT_TRUE(od != NULL && nod > 100, "objdump -d"))
		goto out;
	for (i = 0; i < nf; i++) {
		const struct ga_func *fn = &funcs[i];
		const struct od_func *o = od_find(od, nod, fn->entry);
		char why[128];

		if (!o)
			continue;
		f.compared++;
		if (o->entry_probe >= 0)
			f.jcc++;
		if (!od_matches(o, fn, why, sizeof(why)) && f.differ++ < 5)
			printf("  %s: %s differs from objdump (%s)\n", label, fn->name, why);
	}
	printf("  %s: %zu functions compared with %s, %zu with a stack-check entry, "
	       "%zu differ\n", label, f.compared, objdump, f.jcc, f.differ);
	ASSERT_EQ(f.differ, 0, label);
	/* objdump labels come from .symtab: nearly all pclntab functions have one. */
	ASSERT_GE(f.compared * 100, nf * 95, "functions compared");
	ASSERT_GE(f.jcc, 500, "stack-check entries found");
out:
	if (fig)
		*fig = f;
	free(od);
	ga_funcs_free(funcs, nf);
	ga_build_clear(&b);
	gadb__free(gdb);
}

void check_funcs_vs_gosym(const char *label, const char *bin, const char *gosym)
{
	const char *db = tmp_path("gosym.db");
	char cmd[2048];
	struct cmd_result r = {};
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *gdb = NULL;
	size_t nf = 0, i = 0, lines = 0, bad = 0;
	char *line, *save = NULL;

	if (!ASSERT_EQ(index_bin(bin, db), 0, label) || !load_db(db, &gdb, &b, &funcs, &nf))
		goto out;
	snprintf(cmd, sizeof(cmd), "'%s' '%s'", gosym, bin);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "gosym")) {
		printf("  %s", r.err ? r.err : "");
		goto out;
	}
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++) {
		uint64_t entry, end;
		char name[8192], el[8192] = "";
		int fields = sscanf(line, "%" SCNx64 " %" SCNx64 " %8191[^\n]", &entry, &end, name);

		/*
		 * debug/gosym reads the table's names: up to Go 1.19 their type
		 * arguments are "[...]", from 1.21 they are spelled out, as
		 * .symtab (goanalyze's source) has them.
		 */
		if (i < nf && fields == 3 && strstr(name, "[...]"))
			ga_elide_type_args(funcs[i].name, el, sizeof(el));
		else if (i < nf)
			snprintf(el, sizeof(el), "%s", funcs[i].name);
		if (fields != 3 || i >= nf || funcs[i].entry != entry || funcs[i].entry + funcs[i].size != end ||
		    strcmp(el, name)) {
			if (bad++ < 3)
				printf("  %s: gosym says %s, goanalyze %s at 0x%llx\n", label, line,
				       i < nf ? funcs[i].name : "(end)",
				       i < nf ? (unsigned long long)funcs[i].entry : 0ULL);
		}
		i++;
	}
	printf("  %s: %zu functions, debug/gosym %zu\n", label, nf, lines);
	ASSERT_EQ(lines, nf, "same number of functions");
	ASSERT_EQ(bad, 0, "same entries, ends and names");
out:
	cmd_result_free(&r);
	ga_funcs_free(funcs, nf);
	ga_build_clear(&b);
	gadb__free(gdb);
}

/*
 * The name the linker gives fn in .symtab: "·" rewritten to "." "for
 * ASCII-only tools like DTrace" (cmd/link/internal/ld/symtab.go, putelfsym,
 * Go 1.19 to 1.27); pclntab keeps it ("type:.eq.runtime.untracedG·4").
 */
static void elf_symbol_name(const char *fn, char *out, size_t len)
{
	size_t o = 0;

	for (; *fn && o + 1 < len; fn++) {
		if (!strncmp(fn, "\xc2\xb7", 2)) {
			out[o++] = '.';
			fn++;
		} else {
			out[o++] = *fn;
		}
	}
	out[o] = '\0';
}

void check_funcs_vs_symtab(const char *label, const char *bin)
{
	const char *db = tmp_path("symtab.db");
	char cmd[2048];
	struct cmd_result r = {};
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *gdb = NULL;
	size_t nf = 0, i, missing = 0;

	if (!ASSERT_EQ(index_bin(bin, db), 0, label) || !load_db(db, &gdb, &b, &funcs, &nf))
		goto out;
	/* "ADDR NAME" for text symbols; the shell keeps this independent of our ELF code */
	snprintf(cmd, sizeof(cmd), "nm --defined-only '%s' | "
		 "sed -n 's/^\\([0-9a-f]*\\) [tT] \\(.*\\)$/\\1 \\2/p'", bin);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "nm"))
		goto out;
	for (i = 0; i < nf; i++) {
		int w = b.arch == GA_ARCH_386 ? 8 : 16;
		char want[600], want0[600], sym[512];
		bool found;

		elf_symbol_name(funcs[i].name, sym, sizeof(sym));
		snprintf(want, sizeof(want), "%0*llx %s\n", w, (unsigned long long)funcs[i].entry, sym);
		snprintf(want0, sizeof(want0), "%0*llx %s.abi0\n", w, (unsigned long long)funcs[i].entry, sym);
		found = strstr(r.out, want) || strstr(r.out, want0);
		/* The linker shortens array types in pclntab names: type..eq.[...]T */
		if (!found && strstr(funcs[i].name, "[...]")) {
			snprintf(want, sizeof(want), "\n%0*llx ", w, (unsigned long long)funcs[i].entry);
			found = strstr(r.out, want);
		}
		if (!found && missing++ < 3)
			printf("  %s: no symbol for %s at 0x%llx\n", label, funcs[i].name,
			       (unsigned long long)funcs[i].entry);
	}
	ASSERT_EQ(missing, 0, label);
	/*
	 * Under the register ABI the linker names the ABI0 half of each
	 * twin "name.abi0": every such symbol is an ABI0 function here
	 * (assembly without a twin keeps its plain name).
	 */
	if (b.default_abi == GA_ABI_INTERNAL) {
		size_t abi0 = 0, wrong = 0;

		for (i = 0; i < nf; i++) {
			char want0[600];
			bool named_abi0;

			snprintf(want0, sizeof(want0), "%016llx %s.abi0\n",
				 (unsigned long long)funcs[i].entry, funcs[i].name);
			named_abi0 = strstr(r.out, want0) != NULL;
			abi0 += named_abi0;
			if (named_abi0 && funcs[i].abi != GA_ABI0 && wrong++ < 3)
				printf("  %s: %s is %s, its symbol says otherwise\n", label,
				       funcs[i].name, ga_abi_name(funcs[i].abi));
		}
		printf("  %s: %zu ABI0 functions, as .symtab names them\n", label, abi0);
		ASSERT_EQ(wrong, 0, "per-function ABI agrees with .abi0 symbols");
		ASSERT_GE(abi0, 20, "ABI0 functions found");
	}
out:
	cmd_result_free(&r);
	ga_funcs_free(funcs, nf);
	ga_build_clear(&b);
	gadb__free(gdb);
}

/* Module path, dependencies and build settings equal what 'go version -m' prints. */
void check_buildinfo(const char *go, const char *name, const char *bin)
{
	const char *db = tmp_path("bi.db");
	char cmd[2048];
	struct cmd_result gv = {}, rep = {};
	cJSON *doc = NULL, *b, *mods, *set;
	char *line, *save = NULL;
	int nmods = 0, nset = 0, bad = 0;

	unlink(db);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s' >/dev/null && '%s' report --db '%s' --json "
		 "main.main", build_path("goanalyze"), bin, db, build_path("goanalyze"), db);
	sh_run(cmd, 120, &rep);
	snprintf(cmd, sizeof(cmd), "'%s' version -m '%s'", go, bin);
	sh_run(cmd, 60, &gv);
	if (!ASSERT_EQ(rep.status, 0, name))
		goto out;
	if (gv.status) {
		/* Release binaries without build info: nothing to compare with. */
		printf("  %s: 'go version -m' reads no build info: not compared\n", name);
		goto out;
	}
	doc = cJSON_Parse(rep.out);
	b = cJSON_GetObjectItem(doc, "binary");
	mods = cJSON_GetObjectItem(b, "modules");
	set = cJSON_GetObjectItem(b, "settings");
	if (strstr(gv.out, "CGO_ENABLED=1"))
		ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(b, "cgo")), name);
	else
		ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(b, "cgo")), name);
	ASSERT_EQ(cJSON_IsTrue(cJSON_GetObjectItem(b, "trimpath")),
		  strstr(gv.out, "-trimpath=true") != NULL, "trimpath flag");
	for (line = strtok_r(gv.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[16] = "", path[512] = "", ver[256] = "";

		if (sscanf(line, " %15s %511s %255s", kind, path, ver) < 2)
			continue;
		if (!strcmp(kind, "mod") || !strcmp(kind, "dep") || !strcmp(kind, "=>")) {
			cJSON *m = cJSON_GetArrayItem(mods, nmods++);

			if (!m || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(m, "kind")) ?: "", kind) ||
			    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(m, "path")) ?: "", path) ||
			    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(m, "version")) ?: "", ver)) {
				if (bad++ < 3)
					printf("  %s: module line '%s' not in the report\n", name, line);
			}
		} else if (!strcmp(kind, "build")) {
			char *kv = strstr(line, "build") + 6, *eq = strchr(kv, '=');

			nset++;
			if (!eq)
				continue;
			*eq = '\0';
			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(set, kv)) ?: "?", eq + 1)) {
				if (bad++ < 3)
					printf("  %s: setting %s=%s not in the report\n", name, kv, eq + 1);
			}
		} else if (!strcmp(kind, "path") && strstr(line, "example.com/") &&
			   !cJSON_GetObjectItem(b, "module_path")) {
			bad++;
		}
	}
	ASSERT_EQ(bad, 0, name);
	ASSERT_EQ(cJSON_GetArraySize(mods), nmods, "as many modules");
	ASSERT_EQ(cJSON_GetArraySize(set), nset, "as many settings");
out:
	cJSON_Delete(doc);
	cmd_result_free(&gv);
	cmd_result_free(&rep);
}

void check_inlines_vs_dwarf(const char *label, const char *bin, const char *gosym)
{
	const char *db = tmp_path("inl.db");
	char cmd[2048];
	struct cmd_result dw = {}, ours = {};
	int ndw = 0, found = 0, nours = 0;
	char *line, *save = NULL;

	if (!ASSERT_EQ(index_bin(bin, db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd), "'%s' -inlines '%s' | sort -u", gosym, bin);
	sh_run(cmd, 60, &dw);
	snprintf(cmd, sizeof(cmd), "sqlite3 -separator '\t' '%s' 'SELECT f.name, i.callee FROM inlines i "
		 "JOIN functions f ON f.id = i.function_id' | sort -u", db);
	sh_run(cmd, 60, &ours);
	if (!ASSERT_EQ(dw.status, 0, "debug/dwarf") || !ASSERT_EQ(ours.status, 0, "sqlite3"))
		goto out;
	nours = count_lines_with(ours.out, "\t");
	for (line = strtok_r(dw.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char want[1024];

		ndw++;
		snprintf(want, sizeof(want), "%s\n", line);
		if (strstr(ours.out, want))
			found++;
	}
	printf("  %s%sDWARF: %d inlined (caller, callee) pairs, goanalyze %d, %d in both\n",
	       label ? label : "", label ? ": " : "", ndw, nours, found);
	ASSERT_GE(ndw, 1000, "DWARF lists inlined calls");
	ASSERT_GE(found * 100, ndw * 99, "99% of DWARF's pairs found");
	ASSERT_GE(found * 100, nours * 99, "99% of ours confirmed");
out:
	cmd_result_free(&dw);
	cmd_result_free(&ours);
}

/*
 * The chain of inlined calls goanalyze stores (inline_ranges, then the
 * inline tree's parents) at the first byte of each innermost inlined body
 * DWARF describes (DW_TAG_inlined_subroutine ranges, nested): the same
 * callees, innermost first. All rows in one query: DWARF's lines imported
 * into a temp table, each chain built by a recursive walk.
 */
void check_inline_chains_vs_dwarf(const char *label, const char *bin, const char *gosym)
{
	const char *db = tmp_path("inlchain.db"), *dwf = tmp_path("inlchain.tsv");
	const char *sqlf = tmp_path("inlchain.sql");
	struct cmd_result dw = {}, cmp = {};
	int total = -1, same = -1;
	char cmd[4096];
	FILE *f;

	if (!ASSERT_EQ(index_bin(bin, db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd), "'%s' -inlchains '%s' > '%s'", gosym, bin, dwf);
	sh_run(cmd, 60, &dw);
	if (!ASSERT_EQ(dw.status, 0, "debug/dwarf"))
		goto out;
	f = fopen(sqlf, "w");
	if (!ASSERT_TRUE(f, "the query file"))
		goto out;
	fprintf(f, "CREATE TEMP TABLE dw(caller TEXT, lo INTEGER, hi INTEGER, chain TEXT);\n"
		".mode tabs\n.import '%s' dw\n.mode list\n.separator ' '\n"
		"SELECT 'total', count(*) FROM dw;\n"
		"WITH RECURSIVE site(sid, fid, off, want) AS ("
		" SELECT dw.rowid, f.id, dw.lo - f.entry, dw.chain FROM dw JOIN functions f"
		" ON dw.lo >= f.entry AND dw.lo < f.entry + f.size),"
		" walk(sid, fid, idx, depth, names) AS ("
		" SELECT s.sid, s.fid, r.inline_idx, 0, '' FROM site s JOIN inline_ranges r"
		" ON r.function_id = s.fid AND r.start <= s.off AND s.off < r.end"
		" UNION ALL SELECT w.sid, w.fid, i.parent, w.depth + 1,"
		" w.names || CASE WHEN w.depth THEN ' ' ELSE '' END || i.callee"
		" FROM walk w JOIN inlines i ON i.function_id = w.fid AND i.idx = w.idx WHERE w.depth < 64),"
		" got(sid, depth, names) AS (SELECT sid, max(depth), names FROM walk GROUP BY sid)"
		" SELECT 'same', count(*) FROM site s JOIN got g ON g.sid = s.sid WHERE g.names = s.want;\n"
		"WITH RECURSIVE site(sid, fid, off, want, caller) AS ("
		" SELECT dw.rowid, f.id, dw.lo - f.entry, dw.chain, dw.caller FROM dw JOIN functions f"
		" ON dw.lo >= f.entry AND dw.lo < f.entry + f.size),"
		" walk(sid, fid, idx, depth, names) AS ("
		" SELECT s.sid, s.fid, r.inline_idx, 0, '' FROM site s JOIN inline_ranges r"
		" ON r.function_id = s.fid AND r.start <= s.off AND s.off < r.end"
		" UNION ALL SELECT w.sid, w.fid, i.parent, w.depth + 1,"
		" w.names || CASE WHEN w.depth THEN ' ' ELSE '' END || i.callee"
		" FROM walk w JOIN inlines i ON i.function_id = w.fid AND i.idx = w.idx WHERE w.depth < 64),"
		" got(sid, depth, names) AS (SELECT sid, max(depth), names FROM walk GROUP BY sid)"
		" SELECT 'differs', s.caller, '+' || s.off, 'dwarf:', s.want, 'ours:', coalesce(g.names, '-')"
		" FROM site s LEFT JOIN got g ON g.sid = s.sid WHERE g.names IS NOT s.want LIMIT 5;\n",
		dwf);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' < '%s'", db, sqlf);
	sh_run(cmd, 120, &cmp);
	if (!ASSERT_EQ(cmp.status, 0, "sqlite3"))
		goto out;
	if (cmp.out && strstr(cmp.out, "total "))
		total = atoi(strstr(cmp.out, "total ") + 6);
	if (cmp.out && strstr(cmp.out, "same "))
		same = atoi(strstr(cmp.out, "same ") + 5);
	printf("  %s%sDWARF: %d innermost inlined bodies, goanalyze's chain at their first byte the "
	       "same for %d\n", label ? label : "", label ? ": " : "", total, same);
	if (same != total && cmp.out)
		printf("%s", cmp.out);
	ASSERT_GE(total, 100, "DWARF lists inlined bodies");
	ASSERT_EQ(same, total, "every chain as DWARF nests it");
out:
	cmd_result_free(&dw);
	cmd_result_free(&cmp);
}

void check_goid_vs_gdb(const char *label, const char *bin)
{
	const char *db = tmp_path("goid.db");
	char cmd[2048];
	struct cmd_result r = {};
	long gdb_off = -1;
	char *line;
	struct gadb *gdb;
	struct ga_build *bs = NULL;
	size_t nb = 0, i;

	if (!ASSERT_EQ(index_bin(bin, db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd),
		 "gdb -nx -batch -ex 'set language c' -ex \"ptype/o struct 'runtime.g'\" "
		 "'%s' 2>/dev/null | grep -E '[^a-z_]goid;'", bin);
	sh_run(cmd, 60, &r);
	/* gdb prints each member as: slash-star OFFSET | SIZE star-slash TYPE NAME; */
	line = r.out ? strstr(r.out, "/*") : NULL;
	if (line)
		gdb_off = strtol(line + 2, NULL, 10);
	cmd_result_free(&r);
	if (!ASSERT_GE(gdb_off, 1, "gdb found runtime.g.goid"))
		return;
	gdb = gadb__open(db);
	if (!ASSERT_TRUE(gdb != NULL, "open"))
		return;
	if (ASSERT_OK(gadb__list_builds(gdb, &bs, &nb), "builds") && ASSERT_EQ(nb, 1, "one build")) {
		unsigned long long nm_types;

		ASSERT_EQ(bs[0].goid_offset, gdb_off, "goid offset");
		/* moduledata.types, found through the pcHeader, is the linker's runtime.types */
		snprintf(cmd, sizeof(cmd), "nm '%s' | sed -n 's/ r runtime.types$//p'", bin);
		sh_run(cmd, 30, &r);
		nm_types = strtoull(r.out ? r.out : "0", NULL, 16);
		if (label)
			printf("  %s: goid at %d, gdb %ld; types at 0x%llx, nm 0x%llx\n", label,
			       bs[0].goid_offset, gdb_off, (unsigned long long)bs[0].types_base, nm_types);
		ASSERT_EQ(bs[0].types_base, nm_types, "types base");
		cmd_result_free(&r);
	}
	for (i = 0; i < nb; i++)
		ga_build_clear(&bs[i]);
	free(bs);
	gadb__free(gdb);
}

void check_kinds_locations(const char *label, const char *bin, const char *push_like,
			   struct dwarf_figures *fig)
{
	char name[256], kdb[512], q[1024];
	struct dwarf_figures f = { -1, -1, -1, -1 };
	long long gm;

	snprintf(name, sizeof(name), "loc-%s.db", label);
	snprintf(kdb, sizeof(kdb), "%s", tmp_path(name));	/* tmp_path's buffers rotate */
	if (!ASSERT_EQ(index_bin(bin, kdb), 0, label))
		goto out;
	f.agree = db_count(kdb, "SELECT count(*) FROM params WHERE dwarf_check = 'agrees'");
	f.differ = db_count(kdb, "SELECT count(*) FROM params WHERE dwarf_check = 'differs'");
	f.main_agree = db_count(kdb, "SELECT count(*) FROM params p JOIN functions f ON f.id = "
				"p.function_id WHERE f.name LIKE 'main.%' AND p.dwarf_check = 'agrees'");
	f.main_differ = db_count(kdb, "SELECT count(*) FROM params p JOIN functions f ON f.id = "
				 "p.function_id WHERE f.name LIKE 'main.%' AND p.dwarf_check = 'differs'");
	snprintf(q, sizeof(q), "SELECT count(*) FROM params p JOIN functions f ON f.id = p.function_id "
		 "WHERE f.name LIKE '%s' AND p.dwarf_check = 'agrees' AND p.name IN ('l', 'v')", push_like);
	gm = db_count(kdb, q);
	printf("  %s: main.* %lld arguments agree with DWARF, %lld differ\n", label, f.main_agree,
	       f.main_differ);
	ASSERT_GE(f.main_agree, 60, "kinds: the arguments were checked");
	ASSERT_EQ(f.main_differ, 0, "kinds: every argument agrees");
	ASSERT_EQ(gm, 2, "a generic method: receiver and argument where DWARF has them");
out:
	if (fig)
		*fig = f;
}

void check_stripped_twin(const char *stripped_bin, const char *twin_bin,
			 const char *goid_source_prefix, struct stripped_figures *fig)
{
	const char *db_s = tmp_path("stripped.db"), *db_u = tmp_path("unstripped.db");
	struct stripped_figures f = { -1, -1, "" };
	struct ga_func *fs = NULL, *fu = NULL;
	struct ga_build bs = {}, bu = {};
	struct gadb *gs = NULL, *gu = NULL;
	size_t ns = 0, nu = 0, i, k, diff = 0;

	if (!ASSERT_EQ(index_bin(stripped_bin, db_s), 0, "index stripped") ||
	    !ASSERT_EQ(index_bin(twin_bin, db_u), 0, "index unstripped") ||
	    !load_db(db_s, &gs, &bs, &fs, &ns) || !load_db(db_u, &gu, &bu, &fu, &nu))
		goto out;
	f.goid = bs.goid_offset;
	f.twin_goid = bu.goid_offset;
	snprintf(f.goid_source, sizeof(f.goid_source), "%s",
		 bs.goid_offset_source ? bs.goid_offset_source : "none");
	ASSERT_TRUE(bs.stripped && !bs.has_dwarf, "stripped build flags");
	/* no DWARF: the goid offset comes from elsewhere (the per-version table), and equals DWARF's */
	ASSERT_EQ(bs.goid_offset, bu.goid_offset,
		  "goid offset without DWARF = DWARF's");
	if (goid_source_prefix)
		ASSERT_TRUE(bs.goid_offset_source && !strncmp(bs.goid_offset_source, goid_source_prefix,
							       strlen(goid_source_prefix)), goid_source_prefix);
	else
		ASSERT_TRUE(bu.goid_offset_source && !strcmp(bu.goid_offset_source, "dwarf"),
			    "the twin's from DWARF");
	ASSERT_TRUE(!bu.stripped && bu.has_dwarf, "unstripped build flags");
	if (!ASSERT_EQ(ns, nu, "same number of functions"))
		goto out;
	for (i = 0; i < ns; i++) {
		char un[1024];
		bool same;

		/* without .symtab, names are the table's: "[...]" for type arguments up to Go 1.19 */
		if (strstr(fs[i].name, "[...]"))
			ga_elide_type_args(fu[i].name, un, sizeof(un));
		else
			snprintf(un, sizeof(un), "%s", fu[i].name);
		same = !strcmp(fs[i].name, un) && fs[i].size == fu[i].size &&
		       fs[i].entry_probe_offset == fu[i].entry_probe_offset &&
		       fs[i].nexits == fu[i].nexits &&
		       (!fs[i].params_known || fs[i].args_only ||
			fs[i].params_source == GA_PSRC_TYPES);

		for (k = 0; same && k < fs[i].nexits; k++)
			same = fs[i].exits[k].offset == fu[i].exits[k].offset &&
			       fs[i].exits[k].kind == fu[i].exits[k].kind;
		if (!same && diff++ < 3)
			printf("  %s differs between the stripped and unstripped builds\n", fs[i].name);
	}
	ASSERT_EQ(diff, 0, "functions agree");
out:
	if (fig)
		*fig = f;
	ga_funcs_free(fs, ns);
	ga_funcs_free(fu, nu);
	ga_build_clear(&bs);
	ga_build_clear(&bu);
	gadb__free(gs);
	gadb__free(gu);
}

/*
 * Stripped: the argument words from the arg-info funcdata, placed by the
 * morestack block's spills, against the unstripped twin's DWARF layout.
 * A placed argument never contradicts DWARF; the ones it cannot place
 * (dead register arguments, stack-assigned ones, leaf functions) are "?".
 */
/*
 * Do two layouts of one argument cover the same registers and stack bytes?
 * Adjacent stack pieces merge: the funcdata has a 386 int64 as one 8-byte
 * word where the ABI layout has its two halves.
 */
static size_t merged_words(const struct ga_param *p, int loc[], int where[], int size[], size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->npieces && n < max; i++) {
		const struct ga_piece *pc = &p->pieces[i];

		if (pc->loc == GA_LOC_STACK && n && loc[n - 1] == GA_LOC_STACK &&
		    where[n - 1] + size[n - 1] == pc->stack_off) {
			size[n - 1] += pc->size;
			continue;
		}
		loc[n] = pc->loc;
		where[n] = pc->loc == GA_LOC_REG ? pc->reg : pc->stack_off;
		size[n++] = pc->size;
	}
	return n;
}

static bool same_words(const struct ga_param *a, const struct ga_param *b)
{
	int la[64], wa[64], sa[64], lb[64], wb[64], sb[64];
	size_t na = merged_words(a, la, wa, sa, 64), nb = merged_words(b, lb, wb, sb, 64), i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (la[i] != lb[i] || wa[i] != wb[i] || sa[i] != sb[i])
			return false;
	return true;
}

void arginfo_vs_dwarf(const char *twin, const char *stripped_cmd, const char *twin_bin,
		      size_t min_funcs, size_t min_placed, struct arginfo_figures *fig)
{
	char db_s[512], db_u[512], cmd[2048];
	struct cmd_result r = {};
	struct ga_func *fs = NULL, *fu = NULL;
	struct ga_build bs = {}, bu = {};
	struct gadb *gs = NULL, *gu = NULL;
	size_t ns = 0, nu = 0, i, j, k, a, funcs = 0, placed = 0, same = 0, bad = 0;

	snprintf(db_s, sizeof(db_s), "%s", tmp_path("arginfo-stripped.db"));
	snprintf(db_u, sizeof(db_u), "%s", tmp_path("arginfo-unstripped.db"));
	unlink(db_s);
	snprintf(cmd, sizeof(cmd), "set -e; %s; '%s' index \"$F\" --db '%s'", stripped_cmd,
		 build_path("goanalyze"), db_s);
	sh_run(cmd, 120, &r);
	if (!ASSERT_EQ(r.status, 0, "index the build without DWARF"))
		printf("  %s", r.err ? r.err : "");
	cmd_result_free(&r);
	if (!ASSERT_EQ(index_bin(twin_bin, db_u), 0, "index the twin with DWARF") ||
	    !load_db(db_s, &gs, &bs, &fs, &ns) || !load_db(db_u, &gu, &bu, &fu, &nu) ||
	    !ASSERT_EQ(ns, nu, "same functions"))
		goto out;
	for (i = 0; i < ns; i++) {
		const struct ga_func *s = &fs[i], *u = &fu[i];

		if (!s->args_only || !u->params_known || u->args_only || s->entry != u->entry)
			continue;
		funcs++;
		for (a = 0, j = 0; a < s->nparams; a++, j++) {
			const struct ga_param *sp = &s->params[a], *up;
			bool eq;

			while (j < u->nparams && u->params[j].is_result)
				j++;
			if (j == u->nparams)
				break;
			up = &u->params[j];
			if (!sp->npieces)
				continue;
			placed++;
			eq = same_words(sp, up);
			/* the runtime describes at most 10 words: a cut-short last one is a prefix */
			if (!eq && strstr(sp->type_name, "first words") && sp->npieces < up->npieces) {
				eq = true;
				for (k = 0; eq && k < sp->npieces; k++)
					eq = sp->pieces[k].loc == up->pieces[k].loc &&
					     sp->pieces[k].reg == up->pieces[k].reg;
			}
			if (eq)
				same++;
			else if (bad++ < 5)
				printf("  %s: %s placed where DWARF's %s is not\n", s->name, sp->name,
				       up->name);
		}
	}
	printf("  %s without DWARF: %zu functions with arg-info words; %zu arguments placed, %zu as "
	       "DWARF has them, %zu not\n", twin, funcs, placed, same, bad);
	ASSERT_GE(funcs, min_funcs, "functions with arg-info words");
	ASSERT_GE(placed, min_placed, "arguments placed");
	ASSERT_EQ(bad, 0, "no placed argument contradicts DWARF");
out:
	if (fig) {
		fig->funcs = funcs;
		fig->placed = placed;
		fig->same = same;
	}
	ga_funcs_free(fs, ns);
	ga_funcs_free(fu, nu);
	ga_build_clear(&bs);
	ga_build_clear(&bu);
	gadb__free(gs);
	gadb__free(gu);
}

/* --- methods typed from runtime type data, against DWARF --- */

/* A piece's path without the param's own name ("recv.x" -> ".x"). */
static const char *path_tail(const struct ga_param *p, const struct ga_piece *pc)
{
	size_t n = strlen(p->name);

	return pc->path && !strncmp(pc->path, p->name, n) ? pc->path + n : pc->path ? pc->path : "";
}

/*
 * Do the params a (from type data) and b (DWARF's) lay out the same?
 * what says where they part. b a stand-in receiver: its locations only.
 */
static bool same_layout(const struct ga_param *a, const struct ga_param *b, char *what, size_t len)
{
	bool stand_in = !strcmp(b->type_name, "receiver (not in DWARF)");
	size_t k;

	if (a->is_result != b->is_result || a->size != b->size || a->on_stack != b->on_stack ||
	    (!stand_in && a->kind != b->kind)) {
		snprintf(what, len, "%s %s (%u bytes%s) is %s %s (%u bytes%s) in DWARF", a->name,
			 a->type_name, a->size, a->on_stack ? ", stack" : "", b->name, b->type_name,
			 b->size, b->on_stack ? ", stack" : "");
		return false;
	}
	if (stand_in)
		return true;
	if (a->npieces != b->npieces) {
		snprintf(what, len, "%s %s: %zu pieces, DWARF's %s %zu", a->name, a->type_name,
			 a->npieces, b->name, b->npieces);
		return false;
	}
	for (k = 0; k < a->npieces; k++) {
		const struct ga_piece *x = &a->pieces[k], *y = &b->pieces[k];

		if (x->kind != y->kind || x->size != y->size || x->loc != y->loc ||
		    (x->loc == GA_LOC_REG && x->reg != y->reg) ||
		    (x->loc == GA_LOC_STACK && x->stack_off != y->stack_off) ||
		    strcmp(path_tail(a, x), path_tail(b, y))) {
			snprintf(what, len, "%s piece %zu (%s) is not DWARF's %s", a->name, k,
				 x->path ? x->path : "?", y->path ? y->path : "?");
			return false;
		}
	}
	return true;
}

void types_vs_dwarf(const char *label, const char *stripped_bin, const char *twin_bin,
		    long long min_typed, struct types_figures *fig)
{
	char db_s[512], db_u[512], what[512];
	struct ga_func *fs = NULL, *fu = NULL;
	struct ga_build bs = {}, bu = {};
	struct gadb *gs = NULL, *gu = NULL;
	size_t ns = 0, nu = 0, i, k;
	struct types_figures f = { 0 };

	snprintf(db_s, sizeof(db_s), "%s", tmp_path("types-stripped.db"));
	snprintf(db_u, sizeof(db_u), "%s", tmp_path("types-dwarf.db"));
	if (!ASSERT_EQ(index_bin(stripped_bin, db_s), 0, "index the -s -w build") ||
	    !ASSERT_EQ(index_bin(twin_bin, db_u), 0, "index the twin with DWARF") ||
	    !load_db(db_s, &gs, &bs, &fs, &ns) || !load_db(db_u, &gu, &bu, &fu, &nu) ||
	    !ASSERT_EQ(ns, nu, "same functions"))
		goto out;
	for (i = 0; i < ns; i++) {
		const struct ga_func *s = &fs[i], *u = &fu[i];
		bool same = true;

		what[0] = '\0';
		f.raw += s->params_known && s->params_source == GA_PSRC_ARGINFO;
		if (!s->params_known || s->params_source != GA_PSRC_TYPES)
			continue;
		f.typed++;
		if (s->entry != u->entry || strcmp(s->name, u->name) || !u->params_known ||
		    u->params_source != GA_PSRC_DWARF) {
			f.no_dwarf++;
			continue;
		}
		if (s->nparams == u->nparams + 1 && s->nparams && strcmp(u->params[0].name, ".this") &&
		    !strcmp(s->params[0].name, "recv")) {
			/*
			 * DWARF leaves out the receiver of a generated method
			 * wrapper (params.c infer_receiver) and lays the rest out
			 * without it: their kinds and sizes, and the results'
			 * locations (registers start over) compare.
			 */
			f.recv_missing++;
			for (k = 1; same && k < s->nparams; k++) {
				const struct ga_param *a = &s->params[k], *b = &u->params[k - 1];

				same = a->is_result == b->is_result && a->kind == b->kind && a->size == b->size &&
				       (!a->is_result || same_layout(a, b, what, sizeof(what)));
				if (!same && !what[0])
					snprintf(what, sizeof(what), "%s %s is %s %s in DWARF", a->name,
						 a->type_name, b->name, b->type_name);
			}
			if (same)
				f.agree++;
			else if (f.differ++ < 10)
				printf("  %s: %s (DWARF without its receiver): %s\n", label, s->name, what);
			continue;
		}
		if (s->nparams != u->nparams) {
			snprintf(what, sizeof(what), "%zu params, DWARF %zu", s->nparams, u->nparams);
			same = false;
		}
		for (k = 0; same && k < s->nparams; k++) {
			same = same_layout(&s->params[k], &u->params[k], what, sizeof(what));
			f.type_names += same && strcmp(s->params[k].type_name, u->params[k].type_name) &&
					strcmp(u->params[k].type_name, "receiver (not in DWARF)");
		}
		if (same) {
			f.agree++;
		} else if (f.differ++ < 10) {
			printf("  %s: %s: %s\n", label, s->name, what);
		}
	}
	printf("  %s: %lld functions typed from runtime type data, %lld agree with DWARF (%lld of them "
	       "wrappers whose receiver DWARF leaves out), %lld differ, %lld without DWARF params; "
	       "%lld raw (arg-info words); %lld type names differ\n", label, f.typed, f.agree,
	       f.recv_missing, f.differ, f.no_dwarf, f.raw, f.type_names);
	ASSERT_GE(f.typed, min_typed, "functions typed from runtime type data");
	ASSERT_EQ(f.differ, 0, "every typed function laid out as DWARF has it");
	ASSERT_GE(f.agree, 1, "typed functions compared with DWARF");
out:
	if (fig)
		*fig = f;
	ga_funcs_free(fs, ns);
	ga_funcs_free(fu, nu);
	ga_build_clear(&bs);
	ga_build_clear(&bu);
	gadb__free(gs);
	gadb__free(gu);
}

/* --- samples/kinds end to end --- */

/* The functions of samples/kinds that print their own calls. */
#define KINDS_FUNCS "main.ints", "main.bools", "main.floats", "main.floatSpill", "main.complexes", \
	"main.texts", "main.pointers", "main.nested", "main.arrays", "main.mixed", "main.ifaces", \
	"main.refs", "main.namedTypes", "main.Point.Sum", "main.(*Counter).Add", "main.Max[...]", \
	"main.(*List[...]).Push"

/* goattach's text line without its time, pid, goid and latency. */
static const char *strip_line(char *line)
{
	char *p = strstr(line, " goid="), *sp;

	size_t l = strlen(line);

	while (l && line[l - 1] == ' ')
		line[--l] = '\0';
	if (!p || !(p = strchr(p + 1, ' ')))
		return NULL;
	sp = strrchr(p + 1, ' ');
	if (sp)
		*sp = '\0';
	return p + 1;
}

/*
 * Compare the program's own line with goattach's, character by character.
 * Where goattach says "?(xmm)" (a float in an XMM register, which a
 * uprobe cannot read) and xmm is allowed, the program's float or complex
 * number there is skipped and counted.
 */
static bool same_call(const char *prog, const char *ga, bool xmm, int *nxmm)
{
	while (*prog && *ga) {
		if (xmm && (!strncmp(ga, "?(xmm)", 6) || !strncmp(ga, "?(vreg)", 7))) {
			ga += ga[2] == 'v' ? 1 : 0;
			ga += 6;
			if (*prog == '(') {
				while (*prog && *prog != ')')
					prog++;
				if (*prog)
					prog++;
			} else {
				while (*prog && strchr("0123456789.-+eInfNa", *prog))
					prog++;
			}
			(*nxmm)++;
			continue;
		}
		if (*prog != *ga)
			return false;
		prog++;
		ga++;
	}
	return !*prog && !*ga;
}

/* Can this machine run the binary at all? (A kernel may refuse 32-bit code.) */
static bool can_exec(const char *bin, char *why, size_t len)
{
	char *argv[] = { (char *)bin, "quiet", NULL };
	struct cmd_result r = {};
	bool ok;

	ok = cmd_run(argv, 30, &r) == 0 && r.status == 0;
	if (!ok) {
		struct cmd_result d = {};

		if (strstr(bin, "386"))
			sh_run("dmesg 2>/dev/null | grep -i '32-bit emulation' | tail -1", 10, &d);
		snprintf(why, len, "the kernel will not run %s (exit %d)%s%s", bin, r.status,
			 d.out && *d.out ? "; dmesg: " : "", d.out ? d.out : "");
		why[strcspn(why, "\n")] = '\0';
		cmd_result_free(&d);
	}
	cmd_result_free(&r);
	return ok;
}

/*
 * The program's lines against goattach's text lines, in order. Returns
 * the number of calls that matched exactly; *nxmm counts ?(xmm).
 */
static int compare_calls(const char *label, char *prog_out, char *ga_out, bool xmm, int *nxmm)
{
	char *prog[64], *gal[64], *save = NULL, *line, *cr;
	int np = 0, ng = 0, i, same = 0;

	/* a serial console ends lines with CR LF */
	while ((cr = strchr(prog_out, '\r')))
		*cr = ' ';
	while ((cr = strchr(ga_out, '\r')))
		*cr = ' ';

	for (line = strtok_r(prog_out, "\n", &save); line && np < 64; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "main.", 5)) {
			size_t l = strlen(line);

			while (l && line[l - 1] == ' ')
				line[--l] = '\0';
			prog[np++] = line;
		}
	save = NULL;
	for (line = strtok_r(ga_out, "\n", &save); line && ng < 64; line = strtok_r(NULL, "\n", &save)) {
		const char *call = strip_line(line);

		if (call)
			gal[ng++] = (char *)call;
	}
	ASSERT_EQ(np, KINDS_NCALLS, "the program printed every call");
	if (!ASSERT_EQ(ng, np, "goattach saw every call"))
		return 0;
	for (i = 0; i < np; i++) {
		if (same_call(prog[i], gal[i], xmm, nxmm))
			same++;
		else
			printf("  program:  %s\n  goattach: %s\n", prog[i], gal[i]);
	}
	printf("  %s: %d of %d calls decoded exactly as the program printed them (%d floats in "
	       "vector registers shown as ?(xmm) / ?(vreg))\n", label, same, np, *nxmm);
	ASSERT_EQ(same, np, "every decoded value equals the program's");
	return same;
}

/*
 * A kernel that refuses 32-bit executables (ia32_emulation off, as here):
 * the same comparison inside a VM booting Debian's kernel (scripts/vmtrace.sh);
 * arm64 on an x86 host likewise, under qemu's emulation.
 */
static int kinds_in_vm(const char *label, const char *bin, const char *db, const char *arch, bool xmm)
{
	char cmd[4096], *prog, *ga, *end;
	struct cmd_result r = {};
	int nxmm = 0, same = -1;

	/* arm64: goattach cross-built (make goattach-arm64), the host's kernel cannot run it */
	snprintf(cmd, sizeof(cmd), "scripts/vmtrace.sh %s '%s' '%s' '%s' %s", arch,
		 strcmp(arch, "arm64") ? build_path("goattach") : "build-arm64/goattach", db, bin,
		 "main.ints main.bools main.floats main.floatSpill main.complexes main.texts "
		 "main.pointers main.nested main.arrays main.mixed main.ifaces main.refs "
		 "main.namedTypes main.Point.Sum 'main.(*Counter).Add' 'main.Max[...]' "
		 "'main.(*List[...]).Push'");
	sh_run(cmd, 900, &r);
	if (r.status == 2) {
		TEST_SKIP("no VM for the 386 run: %s", r.err ? r.err : "");
		goto out;
	}
	prog = r.out ? strstr(r.out, "=== PROGRAM ===") : NULL;
	ga = prog ? strstr(prog, "=== GOATTACH ===") : NULL;
	end = ga ? strstr(ga, "=== GOATTACH STDERR ===") : NULL;
	if (!ASSERT_TRUE(prog && ga && end, "the VM ran the program and goattach")) {
		printf("  %s\n%s\n", r.out ? r.out : "", r.err ? r.err : "");
		same = 0;
		goto out;
	}
	*ga = '\0';
	*end = '\0';
	ASSERT_CONTAINS(prog, "app exit 0", "the 386 program ran to its end under the probes");
	ASSERT_CONTAINS(end + 1, "0 events lost", "goattach's summary in the VM");
	printf("  (in a VM: Debian's %s kernel under qemu)\n", arch);
	same = compare_calls(label, prog, ga + strlen("=== GOATTACH ==="), xmm, &nxmm);
	if (xmm)
		ASSERT_GE(nxmm, 10, "register floats are marked, not guessed");
	else
		ASSERT_EQ(nxmm, 0, "386 passes floats on the stack: every one read");
out:
	cmd_result_free(&r);
	return same;
}

/*
 * Every kind of value, decoded by goattach, equals what the program
 * printed about its own call: integers of every width, bools, floats
 * (register-passed ones are "?(xmm)" on amd64; the sixteenth float spills
 * to the stack and is read), complex, strings, []byte, slices, pointers,
 * nested structs, arrays of length 0/1/2, mixed int/float structs,
 * interfaces and errors with their dynamic types, maps, chans, funcs,
 * named types, aliases, value and pointer receivers, generic functions
 * and a generic method with their dictionaries.
 */
int kinds_end_to_end(const char *label, const char *bin, const char *db, bool xmm)
{
	struct bg_proc gt = {}, gj = {};
	struct cmd_result r = {};
	char *targs[] = { "--db", (char *)db, KINDS_FUNCS, NULL };
	char *jargs[] = { "--db", (char *)db, "--json", KINDS_FUNCS, NULL };
	char *run[] = { (char *)bin, NULL };
	const char *skip_reason = bpf_unavailable_reason();
	char why[512];
	int nxmm = 0, same = 0;
	cJSON *c[2] = {};

	if (skip_reason) {
		TEST_SKIP("%s", skip_reason);
		return -1;
	}
	if (!can_exec(bin, why, sizeof(why))) {
		printf("  %s\n", why);
		return kinds_in_vm(label, bin, db, strstr(bin, "arm64") ? "arm64" : "386", xmm);
	}
	if (!ASSERT_TRUE(start_goattach(&gt, targs), "start text") ||
	    !ASSERT_TRUE(start_goattach(&gj, jargs), "start json"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_EQ(r.status, 0, "kinds exit status");
	stop_goattach(&gt);
	stop_goattach(&gj);
	same = compare_calls(label, r.out, gt.out, xmm, &nxmm);
	if (xmm)
		ASSERT_GE(nxmm, 10, "register floats are marked, not guessed");
	/* the JSON of the same calls: nested objects and arrays */
	if (ASSERT_EQ(json_calls(gj.out, "main.nested", c, 1), 1, "json nested")) {
		cJSON *o = cJSON_GetObjectItem(cJSON_GetObjectItem(c[0], "args"), "o");

		ASSERT_EQ(num(o, "P", "X"), 3, "o.P.X");
		ASSERT_STREQ(str(o, "Name", NULL), "out", "o.Name");
		ASSERT_EQ(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "Tail"), 0)->valuedouble, -5,
			  "o.Tail[0]");
		cJSON_Delete(c[0]);
	}
	if (ASSERT_EQ(json_calls(gj.out, "main.ifaces", c, 2), 2, "json ifaces")) {
		cJSON *res = cJSON_GetObjectItem(c[0], "results");

		ASSERT_STREQ(str(res, "~r1", "type"), "*fmt.wrapError", "error type");
		ASSERT_STREQ(str(res, "~r1", "message"), "wrapped: boom", "error message");
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(c[1], "args"), "err")),
			    "nil error is null");
		cJSON_Delete(c[0]);
		cJSON_Delete(c[1]);
	}
out:
	cmd_result_free(&r);
	bg_free(&gt);
	bg_free(&gj);
	return same;
}

/* --- samples/funcs: recursion and stack growth --- */

/* Recursion: calls pair by depth on one goroutine; latencies nest. */
void check_recursion(const char *bin, const char *db)
{
	static const int fact[] = { 1, 1, 2, 6, 24, 120 };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[16];
	int n = 0, i;
	char *args[] = { "--db", (char *)db, "--json", "main.fact", NULL };
	char *run[] = { (char *)bin, "fact", "5", NULL };

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "fact(5) = 120\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.fact", calls, 16);
	if (!ASSERT_EQ(n, 6, "six calls"))
		goto out;
	/* The innermost call returns first. */
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(num(calls[i], "args", "n"), i, "n");
		ASSERT_EQ(num(calls[i], "results", "~r0"), fact[i], "result");
		if (i)
			ASSERT_TRUE(num(calls[i], "frame", NULL) < num(calls[i - 1], "frame", NULL),
				    "an outer call's frame is nearer the stack's top");
		if (i)
			ASSERT_TRUE(num(calls[i], "latency_ns", NULL) >= num(calls[i - 1], "latency_ns", NULL),
				    "an outer call lasts at least as long as the inner one");
	}
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/* Recursion to depth 50: 50 pairs, each in its own frame, latencies nested. */
void check_recursion_depth_50(const char *bin, const char *db)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *c[64];
	char *args[] = { "--db", (char *)db, "--json", "main.nest", NULL };
	char *run[] = { (char *)bin, "nest", "50", NULL };
	int n = 0, i, bad = 0;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "nest(50) = 50\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.nest", c, 64);
	if (!ASSERT_EQ(n, 50, "fifty calls"))
		goto out;
	for (i = 0; i < n; i++) {
		/* innermost first: nest(1) at depth 50 */
		bad += num(c[i], "args", "n") != i + 1 || num(c[i], "results", "~r0") != i + 1 ||
		       (i && num(c[i], "frame", NULL) >= num(c[i - 1], "frame", NULL)) ||
		       (i && num(c[i], "latency_ns", NULL) < num(c[i - 1], "latency_ns", NULL));
	}
	ASSERT_EQ(bad, 0, "args, results, frames nearer the stack top outward, nested latencies");
out:
	free_calls(c, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * Fresh goroutines grow their stacks in grow's prologue: the entry branch
 * is passed twice then, and each call must still be counted exactly once.
 */
void check_stack_growth_counts_once(const char *bin, const char *db)
{
	enum { G = 20, D = 30 };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON **calls = NULL;
	int n = 0, i, wrong = 0;
	char *args[] = { "--db", (char *)db, "--json", "main.grow", NULL };
	char *run[] = { (char *)bin, "grow", "20", "30", NULL };
	const char *ign;

	REQUIRE_BPF();
	calls = calloc(G * (D + 1) + 16, sizeof(*calls));
	if (!ASSERT_TRUE(calls && start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "grow calls=620\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.grow", calls, G * (D + 1) + 16);
	ASSERT_EQ(n, G * (D + 1), "one event per call");
	for (i = 0; i < n; i++)
		if (num(calls[i], "results", "~r0") != num(calls[i], "args", "depth"))
			wrong++;
	ASSERT_EQ(wrong, 0, "grow(d) returns d");
	/* "... N morestack passes ignored": the stack did grow in the prologue. */
	ign = strstr(ga.err, "exits without entry, ");
	ASSERT_TRUE(ign && atoi(ign + strlen("exits without entry, ")) > 0, "morestack passes seen");
out:
	free_calls(calls, n);
	free(calls);
	cmd_result_free(&r);
	bg_free(&ga);
}
