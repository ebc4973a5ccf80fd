// SPDX-License-Identifier: MIT
/*
 * The type graph of schema v7: samples/typegraph indexed with DWARF and
 * stripped (runtime type data), read back through common/typedb.c, its
 * sizes and offsets against what the program itself prints (unsafe) and
 * its field types against its source; every stored type of a sample
 * reads back; damaged rows read as NULL with one message, no crash.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "db.h"
#include "dwarf.h"
#include "log.h"
#include "model.h"
#include "test.h"
#include "typedb.h"
#include "typegraph.h"

static void log_as_suite(void)
{
	ga_log_set_prog("test_typedb");
}
TEST_SETUP(log_as_suite);

/* One indexed build, its functions and its types. */
struct tg_build {
	struct gadb *db;
	struct ga_build b;
	struct ga_func *funcs;
	size_t nf;
	struct typedb *td;
};

static bool tg_open(const char *bin, const char *db, struct tg_build *tb)
{
	memset(tb, 0, sizeof(*tb));
	if (!ASSERT_EQ(index_bin(bin, db), 0, "index") ||
	    !load_db(db, &tb->db, &tb->b, &tb->funcs, &tb->nf))
		return false;
	tb->td = typedb__open(tb->db, tb->b.db_id);
	return ASSERT_TRUE(tb->td != NULL, "typedb__open");
}

static void tg_close(struct tg_build *tb)
{
	typedb__free(tb->td);
	ga_funcs_free(tb->funcs, tb->nf);
	ga_build_clear(&tb->b);
	gadb__free(tb->db);
}

/* The param pname of function fname, NULL (and a failure) when there is none. */
static const struct ga_param *param_of(const struct tg_build *tb, const char *fname,
				       const char *pname)
{
	size_t i, k;

	for (i = 0; i < tb->nf; i++) {
		if (strcmp(tb->funcs[i].name, fname))
			continue;
		for (k = 0; k < tb->funcs[i].nparams; k++)
			if (!strcmp(tb->funcs[i].params[k].name, pname))
				return &tb->funcs[i].params[k];
	}
	TEST_FAIL_MSG("no param %s of %s", pname, fname);
	return NULL;
}

/* The type of a param, through its params.type_id. */
static const struct gotype *param_type(const struct tg_build *tb, const char *fname,
				       const char *pname)
{
	const struct ga_param *p = param_of(tb, fname, pname);
	const struct gotype *t;

	if (!p || !ASSERT_NEQ(p->type_ref, 0, "params.type_id set"))
		return NULL;
	t = typedb__get(tb->td, p->type_ref);
	ASSERT_TRUE(t != NULL, "typedb__get(param's type)");
	return t;
}

/* What "typegraph layout" prints: "name value" lines. */
struct layout {
	char *out;
};

static bool layout_read(const char *bin, struct layout *l)
{
	char *argv[] = { (char *)bin, "layout", NULL };
	struct cmd_result r = {};

	cmd_run(argv, 30, &r);
	l->out = r.out;
	r.out = NULL;
	cmd_result_free(&r);
	return ASSERT_EQ(r.status, 0, "typegraph layout") && l->out;
}

/* The value the program printed for name, -1 when it printed none. */
static long long layout_get(const struct layout *l, const char *name)
{
	size_t len = strlen(name);
	const char *p = l->out;

	while (p && *p) {
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atoll(p + len + 1);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

static const struct gofield *field_of(const struct gotype *t, const char *name)
{
	size_t i;

	for (i = 0; t && i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	TEST_FAIL_MSG("no field %s in %s", name, t ? t->name : "(null)");
	return NULL;
}

/* A struct's size and its fields' offsets (prefix "Req": "Req.size", "Req.URL") as the program says. */
static bool struct_matches(const struct gotype *t, const struct layout *l, const char *prefix,
			   const char *const *fields, size_t n)
{
	char key[128];
	bool ok;
	size_t i;

	snprintf(key, sizeof(key), "%s.size", prefix);
	ok = ASSERT_EQ(t->kind, GA_KIND_STRUCT, prefix) &&
	     ASSERT_EQ(t->size, layout_get(l, key), key) && ASSERT_EQ(t->nfields, n, prefix);
	for (i = 0; ok && i < n; i++) {
		snprintf(key, sizeof(key), "%s.%s", prefix, fields[i]);
		ok = ASSERT_STREQ(t->fields[i].name, fields[i], "field order") &&
		     ASSERT_EQ(t->fields[i].offset, layout_get(l, key), key);
	}
	return ok;
}

static const char *const req_fields[] = {
	"Base", "Method", "URL", "Header", "Body", "Sizes", "Done", "List",
};
static const char *const url_fields[] = { "Scheme", "Host", "Path" };
static const char *const base_fields[] = { "ID", "Flags" };

/*
 * main.Req as samples/typegraph declares it, through td: layout from the
 * program, field types from its source. Shared by the DWARF and the
 * stripped build.
 */
static void check_req(struct typedb *td, const struct gotype *req, const struct layout *l)
{
	const struct gotype *t, *u;
	const struct gofield *f;

	if (!struct_matches(req, l, "Req", req_fields, 8))
		return;
	ASSERT_STREQ(req->name, "main.Req", "name");
	f = field_of(req, "Base");
	if (f && ASSERT_TRUE(f->embedded, "Base is embedded") &&
	    struct_matches(f->type, l, "Base", base_fields, 2)) {
		ASSERT_FALSE(f->type->fields[0].embedded, "ID is not");
		ASSERT_EQ(f->type->fields[0].type->kind, GA_KIND_INT, "ID int64");
		ASSERT_TRUE(f->type->fields[0].type->is_signed, "ID signed");
		ASSERT_EQ(f->type->fields[1].type->size, 2, "Flags uint16");
		ASSERT_EQ(f->type->fields[1].type->kind, GA_KIND_UINT, "Flags unsigned");
	}
	f = field_of(req, "Method");
	ASSERT_FALSE(f && f->embedded, "Method is not embedded");
	ASSERT_TRUE(f && f->type->kind == GA_KIND_STRING, "Method string");
	/* URL *URL: a plain pointer whose target is a ref */
	f = field_of(req, "URL");
	if (f && ASSERT_EQ(f->type->kind, GA_KIND_PTR, "URL") &&
	    ASSERT_EQ(f->type->ptr_kind, GO_PTR_PLAIN, "URL *T")) {
		t = typedb__get(td, f->type->pointee_off);
		if (ASSERT_TRUE(t != NULL, "URL's target")) {
			ASSERT_STREQ(t->name, "main.URL", "target");
			struct_matches(t, l, "URL", url_fields, 3);
		}
	}
	/* Header map[string][]string */
	f = field_of(req, "Header");
	if (f && ASSERT_EQ(f->type->ptr_kind, GO_PTR_MAP, "Header is a map")) {
		t = typedb__get(td, f->type->key_ref);
		ASSERT_TRUE(t && t->kind == GA_KIND_STRING, "map key string");
		t = typedb__get(td, f->type->elem_ref);
		if (ASSERT_TRUE(t && t->kind == GA_KIND_SLICE, "map value []string")) {
			u = typedb__get(td, t->elem_ref);
			ASSERT_TRUE(u && u->kind == GA_KIND_STRING, "[]string's element");
		}
	}
	/* Body []byte */
	f = field_of(req, "Body");
	if (f && ASSERT_EQ(f->type->kind, GA_KIND_SLICE, "Body slice")) {
		t = typedb__get(td, f->type->elem_ref);
		ASSERT_TRUE(t && t->kind == GA_KIND_UINT && t->size == 1, "Body's element byte");
	}
	/* Sizes [3]int16: the element resolved */
	f = field_of(req, "Sizes");
	if (f && ASSERT_EQ(f->type->kind, GA_KIND_ARRAY, "Sizes array")) {
		ASSERT_EQ(f->type->count, 3, "[3]");
		ASSERT_TRUE(f->type->elem && f->type->elem->size == 2 && f->type->elem->is_signed,
			    "int16 element");
		ASSERT_EQ(f->type->size, 6, "6 bytes");
	}
	/* Done chan bool */
	f = field_of(req, "Done");
	if (f && ASSERT_EQ(f->type->ptr_kind, GO_PTR_CHAN, "Done chan")) {
		t = typedb__get(td, f->type->elem_ref);
		ASSERT_TRUE(t && t->kind == GA_KIND_BOOL, "chan element bool");
		ASSERT_EQ(f->type->key_ref, 0, "a chan has no key");
	}
	f = field_of(req, "List");
	ASSERT_TRUE(f && f->type->kind == GA_KIND_PTR && f->type->ptr_kind == GO_PTR_PLAIN, "List *node");
}

TEST(struct_param_dwarf)
{
	const char *bin = build_path("samples/typegraph");
	struct layout l = {};
	struct tg_build tb;
	const struct gotype *t, *req;

	if (!layout_read(bin, &l) || !tg_open(bin, tmp_path("tg.db"), &tb))
		goto out;
	/* by value: the struct itself */
	req = param_type(&tb, "main.byValue", "r");
	if (req)
		check_req(tb.td, req, &l);
	/* by pointer: the same main.Req behind the ref */
	t = param_type(&tb, "main.handle", "r");
	if (t && ASSERT_EQ(t->kind, GA_KIND_PTR, "*Req") &&
	    ASSERT_EQ(t->ptr_kind, GO_PTR_PLAIN, "plain pointer")) {
		ASSERT_STREQ(t->name, "*main.Req", "name");
		ASSERT_TRUE(typedb__get(tb.td, t->pointee_off) == req, "*Req's target is Req, once");
	}
	/* a param's type is stored once per build: both Serve and handle name the same id */
	ASSERT_EQ(db_count(tmp_path("tg.db"), "SELECT count(*) FROM types WHERE name = 'main.Req'"), 1,
		  "main.Req stored once");
	ASSERT_EQ(db_count(tmp_path("tg.db"), "SELECT count(DISTINCT type_id) FROM params p JOIN "
			   "functions f ON f.id = p.function_id WHERE f.name IN "
			   "('main.handle', 'main.(*server).Serve') AND p.name = 'r'"), 1,
		  "one id for *main.Req");
out:
	tg_close(&tb);
	free(l.out);
}

TEST(map_slice_chan_params)
{
	struct tg_build tb;
	const struct gotype *t, *k, *v;

	if (!tg_open(build_path("samples/typegraph"), tmp_path("tg2.db"), &tb))
		goto out;
	t = param_type(&tb, "main.lookup", "m");
	if (t && ASSERT_EQ(t->kind, GA_KIND_PTR, "a map is a pointer word") &&
	    ASSERT_EQ(t->ptr_kind, GO_PTR_MAP, "map")) {
		ASSERT_STREQ(t->name, "map[string]int", "name");
		k = typedb__get(tb.td, t->key_ref);
		v = typedb__get(tb.td, t->elem_ref);
		ASSERT_TRUE(k && k->kind == GA_KIND_STRING && k->size == 16, "key string");
		ASSERT_TRUE(v && v->kind == GA_KIND_INT && v->is_signed && v->size == 8, "value int");
		ASSERT_EQ(t->pointee_off, 0, "no plain target");
	}
	t = param_type(&tb, "main.sum", "xs");
	if (t && ASSERT_EQ(t->kind, GA_KIND_SLICE, "slice")) {
		v = typedb__get(tb.td, t->elem_ref);
		ASSERT_TRUE(v && v->kind == GA_KIND_UINT && v->size == 4 && !v->is_signed,
			    "element uint32");
		ASSERT_STREQ(v ? v->name : NULL, "uint32", "element name");
	}
	t = param_type(&tb, "main.send", "c");
	if (t && ASSERT_EQ(t->ptr_kind, GO_PTR_CHAN, "chan")) {
		v = typedb__get(tb.td, t->elem_ref);
		ASSERT_TRUE(v && v->kind == GA_KIND_INT && v->size == 8, "element int");
	}
	ASSERT_EQ(typedb__get(tb.td, 0) == NULL, 1, "ref 0 is none");
	ASSERT_EQ(typedb__get(tb.td, 1u << 30) == NULL, 1, "an id the build lacks is none");
out:
	tg_close(&tb);
}

/* A linked list: node.next is *node, the param's own type; following it comes back to node. */
TEST(list_cycle)
{
	struct tg_build tb;
	const struct gotype *p, *node;
	const struct gofield *next;

	if (!tg_open(build_path("samples/typegraph"), tmp_path("tg3.db"), &tb))
		goto out;
	p = param_type(&tb, "main.walk", "n");
	if (!p || !ASSERT_EQ(p->ptr_kind, GO_PTR_PLAIN, "*node"))
		goto out;
	node = typedb__get(tb.td, p->pointee_off);
	if (!ASSERT_TRUE(node != NULL, "node") || !ASSERT_STREQ(node->name, "main.node", "name"))
		goto out;
	next = field_of(node, "next");
	if (!next)
		goto out;
	ASSERT_TRUE(next->type == p, "node.next is the param's *node (one node per type)");
	ASSERT_TRUE(typedb__get(tb.td, next->type->pointee_off) == node, "and leads back to node");
out:
	tg_close(&tb);
}

/*
 * Without DWARF: main.(*server).Serve typed from the runtime type data;
 * its *main.Req argument reaches the same struct, with the same layout
 * and field types, as the DWARF build's.
 */
TEST(stripped_method_types)
{
	struct layout l = {};
	struct tg_build tb;
	const struct gotype *t, *req;
	const struct ga_param *p;

	if (!layout_read(build_path("samples/typegraph-stripped"), &l) ||
	    !tg_open(build_path("samples/typegraph-stripped"), tmp_path("tgs.db"), &tb))
		goto out;
	ASSERT_EQ(db_count(tmp_path("tgs.db"), "SELECT has_dwarf FROM builds"), 0, "no DWARF");
	ASSERT_EQ(db_count(tmp_path("tgs.db"), "SELECT count(*) FROM functions WHERE name = "
			   "'main.(*server).Serve' AND params_source = 'types'"), 1, "typed from types");
	t = param_type(&tb, "main.(*server).Serve", "recv");
	ASSERT_TRUE(t && t->kind == GA_KIND_PTR && !strcmp(t->name, "*main.server"), "receiver");
	p = param_of(&tb, "main.(*server).Serve", "arg1");
	if (p)
		ASSERT_TRUE((t = typedb__get(tb.td, p->type_ref)) && t->kind == GA_KIND_INT, "n int");
	t = param_type(&tb, "main.(*server).Serve", "arg0");
	if (!t || !ASSERT_EQ(t->ptr_kind, GO_PTR_PLAIN, "*Req"))
		goto out;
	req = typedb__get(tb.td, t->pointee_off);
	if (ASSERT_TRUE(req != NULL, "Req"))
		check_req(tb.td, req, &l);
out:
	tg_close(&tb);
	free(l.out);
}

/* Every type a sample's build stores reads back (ids are 1..count). */
static void all_read_back(const char *sample)
{
	char db[256];
	struct tg_build tb;
	long long n, id, bad = 0;

	snprintf(db, sizeof(db), "all-%s.db", strrchr(sample, '/') + 1);
	snprintf(db, sizeof(db), "%s", tmp_path(db));
	if (!tg_open(build_path(sample), db, &tb))
		goto out;
	n = db_count(db, "SELECT count(*) FROM types");
	ASSERT_GE(n, 50, "types stored");
	ASSERT_EQ(db_count(db, "SELECT max(id) FROM types"), n, "ids 1..count");
	ASSERT_EQ(db_count(db, "SELECT count(*) FROM params WHERE type_id IS NOT NULL AND type_id "
			   "NOT IN (SELECT id FROM types)"), 0, "every params.type_id is a type");
	for (id = 1; id <= n; id++)
		bad += typedb__get(tb.td, id) == NULL;
	ASSERT_EQ(bad, 0, sample);
	printf("  %s: %lld types, %lld fields\n", sample, n,
	       db_count(db, "SELECT count(*) FROM type_fields"));
out:
	tg_close(&tb);
}

TEST(every_type_reads_back)
{
	all_read_back("samples/typegraph");
	all_read_back("samples/typegraph-stripped");
	all_read_back("samples/kinds");
	all_read_back("samples/funcs");
	all_read_back("samples/kinds-386");
	all_read_back("samples/kinds-arm64");
	all_read_back("samples/swapper-stripped");
}

/* Run fn with stderr going to a file; its text in *err (free it). */
static void with_stderr_captured(void (*fn)(void *), void *arg, char **err)
{
	const char *path = tmp_path("stderr.txt");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600), saved = dup(2);
	FILE *f;
	long len;

	*err = NULL;
	if (fd < 0 || saved < 0)
		return;
	fflush(stderr);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	*err = calloc(1, len + 1);
	if (*err && fread(*err, 1, len, f) != (size_t)len)
		(*err)[0] = '\0';
	fclose(f);
}

struct damage_case {
	const char *what;
	const char *sql;	/* run on a copy of the DB */
	const char *fname, *pname;	/* the param whose type then reads as NULL */
	bool through_ptr;	/* the damaged type is the param's pointer target */
	const char *says;	/* in the message */
};

struct damage_run {
	struct typedb *td;
	uint64_t ref;
	bool through_ptr;
	const struct gotype *got, *again;
};

static void damage_get(void *arg)
{
	struct damage_run *r = arg;
	const struct gotype *t = typedb__get(r->td, r->ref);

	if (r->through_ptr)
		t = t ? typedb__get(r->td, t->pointee_off) : NULL;
	r->got = t;
	t = typedb__get(r->td, r->ref);
	if (r->through_ptr)
		t = t ? typedb__get(r->td, t->pointee_off) : NULL;
	r->again = t;
}

static void check_damage(const char *good_db, const struct damage_case *c, int i)
{
	char db[256], cmd[1024], *err = NULL;
	struct cmd_result r = {};
	struct tg_build tb = {};
	struct damage_run run = {};
	const struct ga_param *p;

	snprintf(db, sizeof(db), "damaged-%d.db", i);
	snprintf(db, sizeof(db), "%s", tmp_path(db));
	/* a DB another tool wrote: CHECK constraints do not hold it back */
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && sqlite3 '%s' \"PRAGMA ignore_check_constraints = ON; %s\"",
		 good_db, db, db, c->sql);
	sh_run(cmd, 30, &r);
	if (!ASSERT_EQ(r.status, 0, c->what))
		goto out;
	if (!load_db(db, &tb.db, &tb.b, &tb.funcs, &tb.nf))
		goto out;
	tb.td = typedb__open(tb.db, tb.b.db_id);
	p = param_of(&tb, c->fname, c->pname);
	if (!ASSERT_TRUE(tb.td != NULL, "open") || !p)
		goto out;
	run = (struct damage_run){ .td = tb.td, .ref = p->type_ref, .through_ptr = c->through_ptr };
	with_stderr_captured(damage_get, &run, &err);
	ASSERT_TRUE(run.got == NULL, c->what);
	ASSERT_TRUE(run.again == NULL, "still NULL the second time");
	if (ASSERT_TRUE(err != NULL, "stderr captured")) {
		ASSERT_EQ(count_lines_with(err, "typedb:"), 1, "one message");
		ASSERT_EQ(count_lines_with(err, db), 1, "naming the DB");
		ASSERT_CONTAINS(err, c->says, c->what);
	}
out:
	free(err);
	cmd_result_free(&r);
	tg_close(&tb);
}

/*
 * Damaged rows: each makes the type (and what holds it) NULL with one
 * line on stderr naming the DB, once; no crash (run under ASan too).
 */
TEST(damaged_rows)
{
	static const struct damage_case cases[] = {
		{ "a kind that does not parse", "UPDATE types SET kind = 'bogus' WHERE name = 'main.Req'",
		  "main.byValue", "r", false, "kind 'bogus'" },
		{ "a field's type that is damaged", "UPDATE types SET kind = 'bogus' WHERE name = 'main.Base'",
		  "main.byValue", "r", false, "kind 'bogus'" },
		{ "a field naming a missing type",
		  "UPDATE type_fields SET type = 999999 WHERE name = 'Method' AND type_id = "
		  "(SELECT id FROM types WHERE name = 'main.Req')",
		  "main.byValue", "r", false, "type 999999, which the build lacks" },
		{ "a negative size", "UPDATE types SET size = -8 WHERE name = 'main.node'",
		  "main.walk", "n", true, "not a number >= 0" },
		{ "a size as text", "UPDATE types SET size = 'big' WHERE name = 'main.node'",
		  "main.walk", "n", true, "not a number >= 0" },
		{ "a pointer kind that is none", "UPDATE types SET ptr_kind = 'weird' WHERE name = 'map[string]int'",
		  "main.lookup", "m", false, "pointer kind 'weird'" },
		{ "a field beyond its struct", "UPDATE type_fields SET offset = 1000 WHERE name = 'next'",
		  "main.walk", "n", true, "beyond its" },
		{ "a struct holding itself",
		  "UPDATE type_fields SET type = type_id WHERE name = 'Flags' AND type_id = "
		  "(SELECT id FROM types WHERE name = 'main.Base')",
		  "main.byValue", "r", false, "holds the type itself" },
	};
	const char *good = tmp_path("damage-good.db");
	char good_db[256];
	size_t i;

	snprintf(good_db, sizeof(good_db), "%s", good);
	if (!ASSERT_EQ(index_bin(build_path("samples/typegraph"), good_db), 0, "index"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_damage(good_db, &cases[i], i);
}

/* The Go toolchain of release ver that scripts/fetch-go.sh caches, NULL when absent. */
static const char *cached_go(const char *ver)
{
	static char path[512];
	const char *cache = getenv("GOATTACH_GO_CACHE"), *home = getenv("HOME");

	if (cache)
		snprintf(path, sizeof(path), "%s/go-%s/usr/lib/go-%s/bin/go", cache, ver, ver);
	else
		snprintf(path, sizeof(path), "%s/.cache/goattach-go/go-%s/usr/lib/go-%s/bin/go",
			 home ? home : "/root", ver, ver);
	return access(path, X_OK) ? NULL : path;
}

/*
 * samples/typegraph built by newer releases (DWARF 5 from 1.25, swiss
 * maps' MapType from 1.24, internal/abi's descriptors from 1.21), plain
 * and -s -w: main.Req reads back as the program lays it out, from DWARF
 * and from the runtime type data.
 */
TEST(newer_go_releases)
{
	static const char *const vers[] = { "1.21", "1.26" };
	size_t i, s;
	int built = 0;

	for (i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		const char *go = cached_go(vers[i]);

		for (s = 0; go && s < 2; s++) {
			char bin[256], db[300], cmd[1024];
			struct cmd_result r = {};
			struct layout l = {};
			struct tg_build tb = {};
			const struct gotype *t, *req = NULL;

			snprintf(bin, sizeof(bin), "%s/typegraph-%s%s", tmp_dir(), vers[i], s ? "-sw" : "");
			snprintf(db, sizeof(db), "%s.db", bin);
			snprintf(cmd, sizeof(cmd), "cd samples/typegraph && GOFLAGS=-mod=mod GOTOOLCHAIN=local "
				 "CGO_ENABLED=0 '%s' build -gcflags=-l %s -o '%s' .", go,
				 s ? "-ldflags='-s -w'" : "", bin);
			sh_run(cmd, 300, &r);
			if (!ASSERT_EQ(r.status, 0, "go build") || !layout_read(bin, &l) ||
			    !tg_open(bin, db, &tb))
				goto next;
			built++;
			t = s ? param_type(&tb, "main.(*server).Serve", "arg0") :
				param_type(&tb, "main.handle", "r");
			if (t && ASSERT_EQ(t->ptr_kind, GO_PTR_PLAIN, "*Req"))
				req = typedb__get(tb.td, t->pointee_off);
			if (ASSERT_TRUE(req != NULL, bin))
				check_req(tb.td, req, &l);
next:
			tg_close(&tb);
			free(l.out);
			cmd_result_free(&r);
		}
	}
	if (!built)
		TEST_SKIP("no Go 1.21 or 1.26 in the toolchain cache (scripts/fetch-go.sh)");
}

static const struct gotype *dwarf_ref(void *ctx, uint64_t ref)
{
	return gdwarf__type_at(ctx, ref);
}

/*
 * The registry's bound: with room for 4 types, main.byValue's Req (DWARF)
 * is written with all its fields (and theirs), refs beyond the bound are
 * cut and said; every id a stored row names is stored.
 */
TEST(type_bound)
{
	const char *bin = build_path("samples/typegraph");
	const char *db = tmp_path("bound.db"), *idx_db = tmp_path("bound-index.db");
	struct ga_build b = { .path = "bound", .arch = GA_ARCH_AMD64, .default_abi = GA_ABI_INTERNAL,
			      .pclntab_format = "1.18" };
	struct gadb_writer *w = NULL;
	struct typegraph *tg = NULL;
	struct typegraph_stats st;
	const struct goparam *gps = NULL;
	struct gdwarf *dw = NULL;
	size_t n = 0;
	uint64_t id = 0, entry;

	memset(b.sha256, 'a', sizeof(b.sha256) - 1);
	if (!ASSERT_EQ(index_bin(bin, idx_db), 0, "index"))
		return;
	entry = db_count(idx_db, "SELECT entry FROM functions WHERE name = 'main.byValue'");
	dw = gdwarf__open(bin);
	unlink(db);
	w = gadb_writer__open(db, b.sha256);
	if (!ASSERT_TRUE(dw && w, "open") || !ASSERT_OK(gadb_writer__begin_build(w, &b, "test"), "begin") ||
	    !ASSERT_OK(gdwarf__func_params(dw, entry, &gps, &n), "byValue's params") ||
	    !ASSERT_GE(n, 1, "params"))
		goto out;
	tg = typegraph__new(w, dwarf_ref, dw, 4);
	if (!ASSERT_TRUE(tg != NULL, "typegraph__new") ||
	    !ASSERT_OK(typegraph__id(tg, gps[0].type, &id), "typegraph__id") ||
	    !ASSERT_EQ(id, 1, "the first type is 1"))
		goto out;
	typegraph__stats(tg, &st);
	ASSERT_TRUE(st.full, "the bound was reached");
	ASSERT_GE(st.cut, 1, "refs cut");
	ASSERT_OK(typegraph__id(tg, gps[0].type, &id), "again");
	ASSERT_EQ(id, 1, "the same type, the same id");
	if (!ASSERT_OK(gadb_writer__commit(w), "commit"))
		goto out;
	ASSERT_EQ(db_count(db, "SELECT count(*) FROM types"), st.types, "types written");
	ASSERT_EQ(db_count(db, "SELECT count(*) FROM type_fields WHERE type_id = 1"), 8, "Req's 8 fields");
	ASSERT_EQ(db_count(db, "SELECT count(*) FROM type_fields WHERE type NOT IN (SELECT id FROM types)"),
		  0, "every field's type is stored");
	ASSERT_EQ(db_count(db, "SELECT count(*) FROM types WHERE elem NOT IN (SELECT id FROM types) OR "
			   "key NOT IN (SELECT id FROM types)"), 0, "every ref stored is a type");
	ASSERT_GE(db_count(db, "SELECT count(*) FROM types WHERE name = '*main.URL' AND elem IS NULL"), 1,
		  "a cut pointer has no target");
out:
	typegraph__free(tg);
	gadb_writer__free(w);
	gdwarf__params_free(dw, gps);
	gdwarf__free(dw);
}

/* goanalyze index says how many types it stored: as many as the DB holds. */
TEST(index_says_types)
{
	const char *db = tmp_path("says.db");
	char cmd[1024], want[64];
	struct cmd_result r = {};

	unlink(db);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s'", build_path("goanalyze"),
		 build_path("samples/typegraph"), db);
	sh_run(cmd, 120, &r);
	if (ASSERT_EQ(r.status, 0, "index")) {
		snprintf(want, sizeof(want), "types: %lld stored, with %lld struct fields\n",
			 db_count(db, "SELECT count(*) FROM types"),
			 db_count(db, "SELECT count(*) FROM type_fields"));
		ASSERT_CONTAINS(r.out, want, "the summary line");
	}
	cmd_result_free(&r);
}
