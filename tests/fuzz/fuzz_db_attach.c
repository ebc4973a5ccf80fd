// SPDX-License-Identifier: MIT
/*
 * goattach's DB reader on damaged DBs: the read paths goattach runs
 * before it loads BPF (attach/main.c open_plan, then --stack's symbols):
 * gadb__open, probe_plan__build (the build by the binary's sha256, the
 * functions a pattern selects with their exits, params and pieces, the
 * layouts, the byte checks of verify.c, the types of common/typedb.c,
 * --deref and an --expr), then gadb__load_syms and
 * gadb__load_sym_inlines. The binary is the pristine base the seed DB
 * was made from: a plan that the DB says but the binary does not hold
 * must be refused by the byte checks, never planned.
 *
 * Input: the records of fzdb.h; the flags byte: bits 0-3 the patterns
 * (below), bit 4 --deref, bit 5 an --expr, bit 6 the stack symbols,
 * bit 7 a walk over the build's types by ref (typedb__get).
 */
#include "fzdb.h"

#include "expr.h"
#include "probes.h"
#include "typedb.h"

static const char *const pattern_sets[][3] = {
	{ "main.ints" }, { "main.texts" }, { "main.*" }, { "main.pointers", "main.refs" },
	{ "main.(*Counter).Add" }, { "main.ifaces" }, { "main.nested", "main.mixed" },
	{ "main.floats", "main.floatSpill" }, { "main.Max[...]" }, { "main.arrays" },
	{ "main.bools", "main.complexes" }, { "main.namedTypes", "main.Point.Sum" },
	{ "main.(*List[...]).Push" }, { "runtime.gopanic" }, { "main.*s" }, { "main.main" },
};
#define NSETS (sizeof(pattern_sets) / sizeof(pattern_sets[0]))

static size_t npatterns(const char *const *set)
{
	size_t n = 0;

	while (n < 3 && set[n])
		n++;
	return n;
}

/*
 * Types by ref, typedb's reader on each row: 48 refs from a start the
 * input picks (each is a query: all 600 of a build would be most of an
 * input's time), and refs past the end.
 */
static void walk_types(struct typedb *td, unsigned int start)
{
	for (uint64_t ref = 1 + start * 48; ref <= 48 + start * 48; ref++)
		typedb__get(td, ref);
	typedb__get(td, 1ULL << 32);
	typedb__get(td, UINT64_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fzdb_seed *s;
	struct probe_plan plan;
	struct plan_opts opts = {};
	struct expr *ex = NULL;
	struct gadb *db;
	const char *path, *const *pats;
	unsigned int set;
	bool changed;
	char msg[128];
	int err;

	if (size < 2)
		return 0;
	s = fzdb_seed(data[0]);
	if (!s)
		return 0;
	path = fzdb_make(s, data + 2, size - 2, &changed);
	if (!path)
		return 0;
	set = data[1] % 16 % NSETS;
	pats = pattern_sets[set];
	opts.deref = data[1] & 0x10;
	opts.deref_depth = opts.deref ? 1 : 0;
	if (data[1] & 0x20) {
		ex = expr_parse(set == 1 ? "len(s)" : "a", msg, sizeof(msg));
		opts.exprs = &ex;
		opts.nexprs = ex ? 1 : 0;
	}
	db = gadb__open(path);
	if (!changed)
		fz_check(db, "gadb__open refused the seed DB");
	if (db) {
		err = probe_plan__build(db, path, fz_path(fz_base(fzdb_bases[data[0] % FZDB_NBASES])), -1, pats,
					npatterns(pats), &opts, &plan);
		/* the 386 base: goattach plans it too; an --expr may apply nowhere */
		if (!changed && !(data[1] & 0x20))
			fz_check(!err && plan.nprobes > 0, "probe_plan__build refused the seed DB");
		if (!err && plan.typedb && (data[1] & 0x80))
			walk_types(plan.typedb, (data[1] >> 4) % 8 + (data[1] & 0xf) % 6);
		if (!err && (data[1] & 0x40)) {
			struct ga_sym *syms = NULL;
			size_t n = 0;

			err = gadb__load_syms(db, plan.build.db_id, &syms, &n);
			if (!err)
				err = gadb__load_sym_inlines(db, plan.build.db_id, syms, n);
			if (!changed)
				fz_check(!err && n > 0, "the stack symbols of the seed DB");
			ga_syms_free(syms, n);
		}
		probe_plan__clear(&plan);
		gadb__free(db);
	}
	expr_free(ex);
	return 0;
}

int fz_seeds(const char *dir)
{
	static const uint8_t flags[] = { 0x00, 0x01, 0x12, 0x43, 0x05, 0x16, 0x07, 0x21, 0x4d, 0x82, 0xd3, 0xa9 };

	return fzdb_write_seeds(dir, flags, sizeof(flags));
}
