// SPDX-License-Identifier: MIT
/* goanalyze: index Go binaries into SQLite once per build, and report on them. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpftrace.h"
#include "db.h"
#include "debuginfo.h"
#include "diff.h"
#include "index.h"
#include "log.h"
#include "report.h"
#include "select.h"
#include "sig.h"
#include "util.h"
#include "version.h"

static struct {
	const char *db_path;
	const char *build;	/* --build: sha256 prefix, Go build id or path */
	const char *sig;	/* --sig for annotate */
	const char *output;	/* -o for manifest */
	bool markdown;		/* --markdown for diff */
	bool json;
	const char **debug_dirs;	/* --debug-dir for index, in order; borrowed from argv */
	size_t ndebug_dirs, debug_dirs_cap;
	unsigned long limit;	/* --limit for names; 0: every name */
	bool fail_on_moved;	/* --fail-on-moved for diff */
	int status;		/* the exit status when no error: 2 for diff --fail-on-moved */
} env;

/* The options only some commands take: given ones a command does not take are an error. */
enum cmd_opt {
	CMD_OPT_BUILD = 1 << 0,
	CMD_OPT_SIG = 1 << 1,
	CMD_OPT_OUTPUT = 1 << 2,
	CMD_OPT_MARKDOWN = 1 << 3,
	CMD_OPT_DEBUG_DIR = 1 << 4,
	CMD_OPT_LIMIT = 1 << 5,
	CMD_OPT_FAIL_ON_MOVED = 1 << 6,
};

struct cmd {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *usage;
	const char *help;
	unsigned int opts;	/* enum cmd_opt: which it takes */
};

static int do_help(int argc, char **argv);

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int do_index(int argc, char **argv)
{
	struct index_opts opts = {
		.debug_dirs = env.debug_dirs, .ndebug_dirs = env.ndebug_dirs,
	};
	struct index_result res = {};
	struct gadb_writer *writer;
	struct indexer *ix;
	const char *path;
	double t0, t1, t2;
	int err;

	if (argc != 1 || !env.db_path) {
		pr_warn("usage: goanalyze index BINARY --db FILE [--debug-dir DIR]...");
		return -EINVAL;
	}
	path = argv[0];
	t0 = now_ms();
	ix = indexer__open(path);
	if (!ix)
		return -errno;
	writer = gadb_writer__open(env.db_path, indexer__sha256(ix));
	if (!writer) {
		err = -errno;
		if (err == -EEXIST) {
			printf("'%s' (sha256 %.16s...) is already indexed in '%s': nothing to do\n", path,
			       indexer__sha256(ix), env.db_path);
			err = 0;
		}
		indexer__free(ix);
		return err;
	}
	t1 = now_ms();
	err = indexer__run(ix, writer, &opts, &res);
	indexer__free(ix);
	t2 = now_ms();
	if (!err)
		err = gadb_writer__commit(writer);
	gadb_writer__free(writer);
	pr_debug("index: %.0f ms to identify, %.0f ms to analyze and write, %.0f ms to commit",
		 t1 - t0, t2 - t1, now_ms() - t2);
	if (!err) {
		printf("indexed '%s' (%s %s, %s): %zu functions, %zu with DWARF params, "
		       "%zu with a stack-check entry probe, %zu undecodable -> '%s'\n",
		       path, res.build.go_version ? res.build.go_version : "unknown Go",
		       ga_arch_name(res.build.arch), ga_abi_name(res.build.default_abi), res.nfuncs,
		       res.params.n_known, res.n_jcc_entry, res.n_bad, env.db_path);
		if (res.params.n_from_arginfo)
			printf("no DWARF: %zu functions have their argument words from the arg-info "
			       "funcdata (raw, untyped; --sig gives types)\n", res.params.n_from_arginfo);
		if (res.params.n_dwarf_checked)
			printf("argument locations checked against DWARF location lists: %zu, %zu differ%s\n",
			       res.params.n_dwarf_checked, res.params.n_dwarf_differs,
			       res.params.n_dwarf_differs ? " (see the report's warnings)" : "");
		if (res.types.types)
			printf("types: %zu stored, with %zu struct fields%s\n", res.types.types,
			       res.types.fields, res.types.full ? " (the bound was reached: some "
			       "pointer targets are stored as none)" : "");
		if (res.params.n_dwarf_self_contradicts || res.params.n_dwarf_spill_home)
			printf("not compared, where Go's DWARF cannot say: %zu whose DWARF contradicts "
			       "itself (pieces beyond the type, two arguments in one register), %zu "
			       "given as their spill slot, not where they are at the entry\n",
			       res.params.n_dwarf_self_contradicts, res.params.n_dwarf_spill_home);
	}
	index_result_clear(&res);
	return err;
}

/*
 * The build id names (a DB id, a sha256 prefix of 6+ characters, a Go
 * build id, or the path indexed; the newest that matches), or the newest
 * build when id is NULL.
 */
static int find_build(struct gadb *db, const char *db_path, const char *id, struct ga_build *out)
{
	struct ga_build *builds;
	size_t n, i, pick = (size_t)-1;
	int err;

	err = gadb__list_builds(db, &builds, &n);
	if (err)
		return err;
	if (!n) {
		pr_warn("db: '%s' holds no builds", db_path);
		err = -ENOENT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct ga_build *b = &builds[i];
		char num[32];

		snprintf(num, sizeof(num), "%lld", (long long)b->db_id);
		if (!id || !strcmp(num, id) ||
		    (strlen(id) >= 6 && !strncmp(b->sha256, id, strlen(id))) ||
		    (b->go_build_id && !strcmp(b->go_build_id, id)) || !strcmp(b->path, id))
			pick = i;
	}
	if (pick == (size_t)-1) {
		pr_warn("db: no build '%s' in '%s' (see 'goanalyze builds')", id, db_path);
		err = -ENOENT;
		goto out;
	}
	*out = builds[pick];
	memset(&builds[pick], 0, sizeof(builds[pick]));
out:
	for (i = 0; i < n; i++)
		ga_build_clear(&builds[i]);
	free(builds);
	return err;
}

static int select_build(struct gadb *db, struct ga_build *out)
{
	return find_build(db, env.db_path, env.build, out);
}

/*
 * A name that matches no function may exist only inlined: say where,
 * instead of "not found". Returns 0 when it was found inlined.
 */
static int report_inlined(struct gadb *db, const struct ga_build *b, const char *pattern)
{
	struct ga_inline_site *sites = NULL;
	size_t n = 0, i;
	int err;

	err = gadb__inline_sites(db, b->db_id, pattern, 50, &sites, &n);
	if (err)
		return err;
	if (!n) {
		pr_warn("report: no function matches '%s' in '%s', and nothing of that name was inlined",
			pattern, env.db_path);
		free(sites);
		return -ENOENT;
	}
	err = report_print_inline_sites(stdout, pattern, sites, n, n == 50, env.json);
	for (i = 0; i < n; i++)
		free(sites[i].caller);
	free(sites);
	return err;
}

static int do_report(int argc, char **argv)
{
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *db;
	size_t n = 0;
	int err, unmatched = -1;

	if (!env.db_path) {
		pr_warn("usage: goanalyze report --db FILE [--json] [FUNC...]");
		return -EINVAL;
	}
	db = gadb__open(env.db_path);
	if (!db)
		return -errno;
	err = select_build(db, &b);
	if (err)
		goto out;
	/* Patterns that name only inlined code are answered, then dropped. */
	for (;;) {
		err = gadb__load_funcs(db, b.db_id, (const char *const *)argv, argc, &funcs, &n,
				       &unmatched);
		if (err || unmatched < 0)
			break;
		ga_funcs_free(funcs, n);
		funcs = NULL;
		n = 0;
		err = report_inlined(db, &b, argv[unmatched]);
		if (err)
			goto out;
		memmove(&argv[unmatched], &argv[unmatched + 1], (argc - unmatched - 1) * sizeof(*argv));
		if (--argc == 0)
			goto out;
	}
	if (err)
		goto out;
	err = report_print(stdout, &b, funcs, n, env.json);
out:
	ga_funcs_free(funcs, n);
	ga_build_clear(&b);
	gadb__free(db);
	return err;
}

/* -o FILE: write to FILE.tmp.PID, renamed into place by output_close(); else stdout. */
static FILE *output_open(const char *what, char *tmp, size_t len)
{
	FILE *out;

	if (!env.output)
		return stdout;
	snprintf(tmp, len, "%s.tmp.%d", env.output, (int)getpid());
	out = fopen(tmp, "w");
	if (!out) {
		int e = errno;

		pr_warn("%s: cannot write '%s': %s", what, tmp, strerror(e));
		errno = e;
	}
	return out;
}

/* Finish what output_open() started: never a half-written FILE. */
static int output_close(const char *what, FILE *out, const char *tmp, int err)
{
	if (!env.output)
		return err;
	if (fclose(out) && !err)
		err = -errno;
	if (!err && rename(tmp, env.output))
		err = -errno;
	if (err) {
		pr_warn("%s: cannot write '%s': %s", what, env.output, strerror(-err));
		unlink(tmp);
	}
	return err;
}

/* The selected build and the functions matching patterns (all if none); an unmatched one is an error. */
static int load_selected(const char *what, struct gadb **db, struct ga_build *b, int argc, char **argv,
			 struct ga_func **funcs, size_t *n)
{
	int err, unmatched = -1;

	*db = gadb__open(env.db_path);
	if (!*db)
		return -errno;
	err = select_build(*db, b);
	if (!err)
		err = gadb__load_funcs(*db, b->db_id, (const char *const *)argv, argc, funcs, n,
				       &unmatched);
	if (!err && unmatched >= 0) {
		pr_warn("%s: no function matches '%s' in '%s'", what, argv[unmatched], env.db_path);
		err = -ENOENT;
	}
	return err;
}

/*
 * goanalyze manifest --db FILE [--build ID] [PATTERN...] [-o FILE]: the
 * probe manifest of a build. -o writes a temporary file and renames it:
 * a manifest is never left half-written.
 */
static int do_manifest(int argc, char **argv)
{
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *db = NULL;
	char tmp[PATH_MAX] = "", gen[64];
	FILE *out;
	size_t n = 0;
	int err;

	if (!env.db_path) {
		pr_warn("usage: goanalyze manifest --db FILE [--build ID] [PATTERN...] [-o FILE]");
		return -EINVAL;
	}
	err = load_selected("manifest", &db, &b, argc, argv, &funcs, &n);
	if (err)
		goto out;
	out = output_open("manifest", tmp, sizeof(tmp));
	if (!out) {
		err = -errno;
		goto out;
	}
	snprintf(gen, sizeof(gen), "goanalyze %s", GA_VERSION);
	err = output_close("manifest", out, tmp,
			   manifest_print(out, &b, funcs, n, gen, gadb_schema_version()));
out:
	ga_funcs_free(funcs, n);
	ga_build_clear(&b);
	gadb__free(db);
	return err;
}

/* goanalyze bpftrace --db FILE [--build ID] FUNC... [-o FILE]: the same probes as a bpftrace script. */
static int do_bpftrace(int argc, char **argv)
{
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *db = NULL;
	char tmp[PATH_MAX] = "", gen[64];
	FILE *out;
	size_t n = 0;
	int err;

	if (!env.db_path || !argc) {
		pr_warn("usage: goanalyze bpftrace --db FILE [--build ID] FUNC... [-o FILE]");
		return -EINVAL;
	}
	err = load_selected("bpftrace", &db, &b, argc, argv, &funcs, &n);
	if (err)
		goto out;
	if (b.arch != GA_ARCH_AMD64) {
		pr_warn("bpftrace: '%s' is %s; scripts are made for amd64 builds (use goattach)",
			b.path, ga_arch_name(b.arch));
		err = -ENOTSUP;
		goto out;
	}
	out = output_open("bpftrace", tmp, sizeof(tmp));
	if (!out) {
		err = -errno;
		goto out;
	}
	snprintf(gen, sizeof(gen), "goanalyze %s", GA_VERSION);
	err = output_close("bpftrace", out, tmp, bpftrace_script(out, &b, env.db_path, gen, funcs, n));
out:
	ga_funcs_free(funcs, n);
	ga_build_clear(&b);
	gadb__free(db);
	return err;
}

/* The build whose names are asked about: a ga_name_exists_fn's ctx. */
struct names_db {
	struct gadb *db;
	int64_t build_id;
};

/* Whether the first name from a prefix on is the prefix itself. */
struct name_probe {
	const char *name;
	bool found;
};

static int first_name_is(void *ctx, const char *name)
{
	struct name_probe *p = ctx;

	p->found = !strcmp(name, p->name);
	return 1;
}

static int name_exists(void *ctx, const char *name)
{
	const struct names_db *nd = ctx;
	struct name_probe p = { name, false };
	int err = gadb__for_each_name(nd->db, nd->build_id, name, first_name_is, &p);

	return err ? err : p.found;
}

/* What names prints: the selected names up to --limit, and how many more. */
struct names_walk {
	struct ga_selection *sel;
	unsigned long printed, more;
};

static int print_name(void *ctx, const char *name)
{
	struct names_walk *w = ctx;

	if (!ga_selection__match(w->sel, name))
		return 0;
	if (env.limit && w->printed >= env.limit)
		w->more++;
	else if (printf("%s\n", name) < 0)
		return -EIO;
	else
		w->printed++;
	return 0;
}

/* The literal start of a lone glob pattern (glob's escapes undone): where names can start. */
static void glob_literal_prefix(const char *pattern, char *buf, size_t len)
{
	size_t n = 0;

	for (; *pattern && !strchr("*?[", *pattern) && n + 1 < len; pattern++) {
		if (*pattern == '\\' && pattern[1])
			pattern++;
		buf[n++] = *pattern;
	}
	buf[n] = '\0';
}

/*
 * goanalyze names --db FILE [PATTERN...] [--limit N]: function names, one
 * per line, in order; PATTERN by goattach's rules (a name, a glob, F[...]),
 * every name without one. Shell completion asks for 'PREFIX*' (glob
 * characters escaped). A pattern that matches nothing is an error.
 */
static int do_names(int argc, char **argv)
{
	struct ga_build b = {};
	struct names_db nd = {};
	struct names_walk w = {};
	char prefix[512] = "";
	int err, unmatched;

	if (!env.db_path) {
		pr_warn("usage: goanalyze names --db FILE [PATTERN...] [--limit N]");
		return -EINVAL;
	}
	nd.db = gadb__open(env.db_path);
	if (!nd.db)
		return -errno;
	err = select_build(nd.db, &b);
	if (err)
		goto out;
	nd.build_id = b.db_id;
	w.sel = ga_selection__new((const char *const *)argv, argc, name_exists, &nd);
	if (!w.sel) {
		err = -errno;
		goto out;
	}
	if (argc == 1)
		glob_literal_prefix(argv[0], prefix, sizeof(prefix));
	err = gadb__for_each_name(nd.db, nd.build_id, prefix, print_name, &w);
	if (err)
		goto out;
	unmatched = ga_selection__first_unmatched(w.sel);
	if (unmatched >= 0) {
		pr_warn("names: no function matches '%s' in '%s'", argv[unmatched], env.db_path);
		err = -ENOENT;
	} else if (w.more) {
		fprintf(stderr, "goanalyze: names: %lu more (--limit %lu)\n", w.more, env.limit);
	}
out:
	ga_selection__free(w.sel);
	ga_build_clear(&b);
	gadb__free(nd.db);
	return err;
}

/* One side of a diff: a build of the --db, or the newest build of a DB file. */
struct diff_side {
	struct gadb *db;
	struct ga_build b;
	struct ga_func *funcs;
	size_t n;
	const char *arg;
	int err;
};

static int diff_side_load(const char *arg, struct diff_side *s)
{
	const char *path = env.db_path;
	const char *id = arg;
	int err, unmatched;

	/* "OLD.db NEW.db": two DB files, the newest build of each */
	if (!env.db_path || (access(arg, R_OK) == 0 && strstr(arg, ".db"))) {
		path = arg;
		id = NULL;
	}
	s->db = gadb__open(path);
	if (!s->db)
		return -errno;
	err = find_build(s->db, path, id, &s->b);
	if (!err)
		err = gadb__load_funcs(s->db, s->b.db_id, NULL, 0, &s->funcs, &s->n, &unmatched);
	return err;
}

/* Each side on its own connection and thread: two 100k-function builds load at once. */
static void *diff_side_thread(void *arg)
{
	struct diff_side *s = arg;

	s->err = diff_side_load(s->arg, s);
	return NULL;
}

static void diff_side_free(struct diff_side *s)
{
	ga_funcs_free(s->funcs, s->n);
	ga_build_clear(&s->b);
	gadb__free(s->db);
}

/* goanalyze diff --db FILE OLD NEW | goanalyze diff OLD.db NEW.db [--json|--markdown] */
static int do_diff(int argc, char **argv)
{
	struct diff_side o, n;
	cJSON *d = NULL;
	int err;

	if (argc != 2) {
		pr_warn("usage: goanalyze diff --db FILE OLD NEW (builds by id, sha256, Go build id or "
			"path), or goanalyze diff OLD.db NEW.db [--json | --markdown]");
		return -EINVAL;
	}
	{
		pthread_t t;
		bool threaded;

		memset(&o, 0, sizeof(o));
		memset(&n, 0, sizeof(n));
		n.arg = argv[1];
		threaded = !pthread_create(&t, NULL, diff_side_thread, &n);
		err = diff_side_load(argv[0], &o);
		if (threaded)
			pthread_join(t, NULL);
		else
			diff_side_thread(&n);
		if (!err)
			err = n.err;
	}
	if (err)
		goto out;
	d = diff_builds(&o.b, o.funcs, o.n, &n.b, n.funcs, n.n);
	if (!d) {
		err = -ENOMEM;
		goto out;
	}
	if (env.json) {
		char *s = cJSON_Print(d);

		if (s)
			printf("%s\n", s);
		free(s);
	} else if (env.markdown) {
		diff_print_markdown(stdout, d);
	} else {
		diff_print_text(stdout, d);
	}
	if (env.fail_on_moved) {
		int moved = cJSON_GetNumberValue(cJSON_GetObjectItem(d, "locations_changed"));

		/* for CI: hand-written probes of a function whose arguments moved read garbage */
		if (moved) {
			fflush(stdout);
			fprintf(stderr, "goanalyze: diff: the arguments of %d function%s moved "
				"(--fail-on-moved)\n", moved, moved == 1 ? "" : "s");
			env.status = 2;
		}
	}
out:
	cJSON_Delete(d);
#ifndef GA_SANITIZED
	/* 200k functions: the process is about to exit, freeing them one by one is wasted time */
	if (!err) {
		fflush(stdout);
		gadb__free(o.db);
		gadb__free(n.db);
		return 0;
	}
#endif
	diff_side_free(&o);
	diff_side_free(&n);
	return err;
}

/* goanalyze annotate --db FILE FUNC --sig SIG: params for a function DWARF does not describe. */
static int do_annotate(int argc, char **argv)
{
	struct ga_func *funcs = NULL;
	struct ga_build b = {};
	struct gadb *db;
	struct gosig *sig = NULL;
	char msg[1024] = "";
	size_t n = 0, i;
	int err, unmatched = -1;

	if (argc != 1 || !env.db_path || !env.sig) {
		pr_warn("usage: goanalyze annotate --db FILE FUNC --sig 'func(...) ...'");
		return -EINVAL;
	}
	db = gadb__open(env.db_path);
	if (!db)
		return -errno;
	err = select_build(db, &b);
	if (!err)
		err = gadb__load_funcs(db, b.db_id, (const char *const *)argv, 1, &funcs, &n, &unmatched);
	gadb__free(db);
	if (err)
		goto out;
	if (unmatched >= 0 || !n) {
		pr_warn("annotate: no function '%s' in '%s'", argv[0], env.db_path);
		err = -ENOENT;
		goto out;
	}
	sig = gosig__parse(env.sig, ga_ptr_size(b.arch), msg, sizeof(msg));
	if (!sig) {
		pr_warn("annotate: bad --sig '%.100s%s': %s", env.sig,
			strlen(env.sig) > 100 ? "..." : "", msg);
		err = -EINVAL;
		goto out;
	}
	/* Each twin of the name gets the layout of its own ABI. */
	for (i = 0; i < n && !err; i++) {
		struct ga_param *params = NULL;
		size_t np = 0;

		err = gosig__assign(sig, b.arch, funcs[i].abi, &params, &np);
		if (!err && gosig__check(&funcs[i], params, np, ga_ptr_size(b.arch), msg, sizeof(msg))) {
			pr_warn("annotate: --sig refused: %s", msg);
			err = -EINVAL;
		}
		if (!err)
			err = gadb_annotate(env.db_path, funcs[i].db_id, params, np);
		if (!err)
			printf("annotated %s (%s) in '%s'\n", funcs[i].name, ga_abi_name(funcs[i].abi),
			       env.db_path);
		ga_params_free(params, np);
	}
out:
	gosig__free(sig);
	ga_funcs_free(funcs, n);
	ga_build_clear(&b);
	return err;
}

static int do_builds(int argc, char **argv)
{
	struct ga_build *builds = NULL;
	struct gadb *db;
	size_t n = 0, i;
	int err;

	(void)argv;
	if (!env.db_path || argc) {
		pr_warn("usage: goanalyze builds --db FILE [--json]");
		return -EINVAL;
	}
	db = gadb__open(env.db_path);
	if (!db)
		return -errno;
	err = gadb__list_builds(db, &builds, &n);
	if (!err)
		err = report_print_builds(stdout, builds, n, env.json);
	for (i = 0; i < n; i++)
		ga_build_clear(&builds[i]);
	free(builds);
	gadb__free(db);
	return err;
}

static const struct cmd cmds[] = {
	{ "index", do_index, "index BINARY --db FILE [--debug-dir DIR]...",
	  "Analyze a Go ELF binary and add it to the DB (a no-op if already there).",
	  CMD_OPT_DEBUG_DIR },
	{ "report", do_report, "report --db FILE [--json] [--build ID] [FUNC...]",
	  "List functions with entry probe, returns and parameter locations.", CMD_OPT_BUILD },
	{ "builds", do_builds, "builds --db FILE [--json]", "List the builds a DB holds.", 0 },
	{ "manifest", do_manifest, "manifest --db FILE [--build ID] [PATTERN...] [-o FILE]",
	  "The probe manifest of a build, as JSON (schema/manifest.schema.json).",
	  CMD_OPT_BUILD | CMD_OPT_OUTPUT },
	{ "diff", do_diff, "diff --db FILE OLD NEW | diff OLD.db NEW.db",
	  "Functions added, removed and changed between two builds (--json, --markdown; "
	  "--fail-on-moved: exit 2 when an argument moved).", CMD_OPT_MARKDOWN | CMD_OPT_FAIL_ON_MOVED },
	{ "bpftrace", do_bpftrace, "bpftrace --db FILE FUNC... [-o FILE]",
	  "A bpftrace script doing what goattach does for FUNC (run: bpftrace --unsafe).",
	  CMD_OPT_BUILD | CMD_OPT_OUTPUT },
	{ "annotate", do_annotate, "annotate --db FILE FUNC --sig SIG",
	  "Give a function's Go signature where DWARF does not (stripped binaries).",
	  CMD_OPT_BUILD | CMD_OPT_SIG },
	{ "names", do_names, "names --db FILE [PATTERN...] [--limit N]",
	  "Function names (all, or those PATTERN selects: 'main.*'), one per line.",
	  CMD_OPT_BUILD | CMD_OPT_LIMIT },
	{ "help", do_help, "help [COMMAND]", "Show this help.", 0 },
};

#define NCMDS ARRAY_SIZE(cmds)

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: goanalyze [OPTIONS] COMMAND [ARGS]\n"
		"Index Go binaries into SQLite for goattach (analysis runs once per build).\n\n"
		"Commands (any unique prefix works):\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-50s %s\n", cmds[i].usage, cmds[i].help);
	fprintf(out,
		"\nOptions:\n"
		"  -d, --db FILE      the SQLite database\n"
		"  -b, --build ID     build to report on: sha256 prefix, Go build id or path\n"
		"  -s, --sig SIG      Go signature for annotate: 'func(x, y string) (string, string)'\n"
		"  -o, --output FILE  where manifest and bpftrace write (atomically; default stdout)\n"
		"  -j, --json         JSON output (errors too, as {\"error\": ...})\n"
		"  -m, --markdown     diff as Markdown, for a pull-request comment\n"
		"      --fail-on-moved\n"
		"                     diff: exit 2 when an argument of a function in both builds\n"
		"                     moved (another register or stack offset), for CI\n"
		"      --limit N      names: at most N names, and on stderr how many more\n"
		"      --debug-dir DIR\n"
		"                     index: where separate debug files are (repeatable; replaces\n"
		"                     the default " DEBUGINFO_DEFAULT_DIR "). A binary without DWARF gets it\n"
		"                     from DIR/.build-id/xx/yyyy.debug, else its .gnu_debuglink\n"
		"                     file (next to it, in its .debug/, under DIR), else from\n"
		"                     debuginfod when DEBUGINFOD_URLS is set\n"
		"  -v, --verbose      more messages (twice: debug)\n"
		"  -V, --version      print the version and the DB schema version\n"
		"  -h, --help         this help\n\n"
		"Examples:\n"
		"  goanalyze index ./app --db app.db\n"
		"  goanalyze report --db app.db main.handle 'main.(*Server).*'\n"
		"  goanalyze report --db app.db --json > report.json\n"
		"  goanalyze manifest --db app.db 'main.*' -o app.manifest.json\n"
		"  goanalyze annotate --db app.db main.swap --sig 'func(x, y string) (string, string)'\n"
		"  goanalyze names --db app.db 'main.(*Server).*'\n"
		"  goanalyze diff old.db new.db --fail-on-moved   # in CI\n"
		"\nAn option a command does not take is an error.\n"
		"Exit status: 0 on success, 1 on any error, 2 for diff --fail-on-moved when an\n"
		"argument moved.\n");
}

static int do_help(int argc, char **argv)
{
	size_t i;

	if (argc == 1) {
		for (i = 0; i < NCMDS; i++) {
			if (!strcmp(cmds[i].name, argv[0])) {
				printf("Usage: goanalyze %s\n%s\n", cmds[i].usage, cmds[i].help);
				return 0;
			}
		}
	}
	usage(stdout);
	return 0;
}

static const struct cmd *find_cmd(const char *name)
{
	const struct cmd *found = NULL;
	size_t i, len = strlen(name);

	for (i = 0; i < NCMDS; i++) {
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
		if (!strncmp(cmds[i].name, name, len)) {
			if (found)
				return NULL;	/* ambiguous */
			found = &cmds[i];
		}
	}
	return found;
}

/* long options without a short one */
enum { OPT_DEBUG_DIR = 256, OPT_LIMIT, OPT_FAIL_ON_MOVED };

/* The long name of an option of enum cmd_opt, for the error saying it does not apply. */
static const char *cmd_opt_name(unsigned int opt)
{
	static const char *const names[] = { "--build", "--sig", "--output", "--markdown",
					      "--debug-dir", "--limit", "--fail-on-moved" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (opt & 1u << i)
			return names[i];
	}
	return "?";
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "build", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "sig", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "fail-on-moved", no_argument, NULL, OPT_FAIL_ON_MOVED },
		{},
	};
	const struct cmd *cmd;
	unsigned int given = 0;
	char *end;
	int opt, verbosity = 0, err;

	ga_log_set_prog("goanalyze");
	while ((opt = getopt_long(argc, argv, "d:b:s:o:jmvVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			env.db_path = optarg;
			break;
		case 'b':
			env.build = optarg;
			given |= CMD_OPT_BUILD;
			break;
		case 'j':
			env.json = true;
			break;
		case 's':
			env.sig = optarg;
			given |= CMD_OPT_SIG;
			break;
		case 'o':
			env.output = optarg;
			given |= CMD_OPT_OUTPUT;
			break;
		case 'm':
			env.markdown = true;
			given |= CMD_OPT_MARKDOWN;
			break;
		case OPT_LIMIT:
			errno = 0;
			env.limit = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || !env.limit || optarg[0] == '-') {
				pr_warn("invalid --limit '%s' (a number of names, 1 or more)", optarg);
				return 1;
			}
			given |= CMD_OPT_LIMIT;
			break;
		case OPT_FAIL_ON_MOVED:
			env.fail_on_moved = true;
			given |= CMD_OPT_FAIL_ON_MOVED;
			break;
		case OPT_DEBUG_DIR:
			given |= CMD_OPT_DEBUG_DIR;
			if (ga_ensure_mem((void **)&env.debug_dirs, &env.debug_dirs_cap,
					  env.ndebug_dirs + 1, sizeof(*env.debug_dirs))) {
				pr_warn("out of memory");
				return 1;
			}
			env.debug_dirs[env.ndebug_dirs++] = optarg;
			break;
		case 'v':
			verbosity++;
			break;
		case 'V':
			printf("goanalyze %s (DB schema version %d)\n", GA_VERSION, gadb_schema_version());
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	ga_log_set_level(verbosity >= 2 ? GA_LOG_DEBUG : verbosity ? GA_LOG_INFO : GA_LOG_WARN);
	ga_log_set_json(env.json);
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = find_cmd(argv[optind]);
	if (!cmd) {
		pr_warn("unknown or ambiguous command '%s' (try 'goanalyze help')", argv[optind]);
		return 1;
	}
	if (given & ~cmd->opts && cmd->handler != do_help) {
		pr_warn("%s does not apply to '%s' (goanalyze help %s)", cmd_opt_name(given & ~cmd->opts),
			cmd->name, cmd->name);
		return 1;
	}
	err = cmd->handler(argc - optind - 1, argv + optind + 1);
	free(env.debug_dirs);
	return err ? 1 : env.status;
}
