// SPDX-License-Identifier: MIT
/*
 * The --expr and --filter strings: the expression parser (attach/expr.c),
 * their type-checking and placement in a function's fetch lists
 * (attach/exprplace.c), and the filter compiler (attach/filter.c), as
 * goattach runs them: probe_plan__build() on a real DB (no BPF).
 *
 * The DB is made once per process by the indexer library from the
 * go1.19-amd64 base (samples/kinds) into /dev/shm, opened, and unlinked.
 *
 * Input: a function selector byte (mod the functions below), a kind
 * byte (bit 0: 0 --expr, 1 --filter; bit 1: --deref too; bit 2: a --sig
 * of the function's own shape replaces its DWARF params), then the text:
 * for --expr up to 4 expressions, one a line; for --filter the condition.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "expr.h"
#include "exprplace.h"
#include "fuzzlib.h"
#include "index.h"
#include "log.h"
#include "probes.h"

/* samples/kinds: functions of every kind of parameter, and a --sig for each (bit 2) */
static const struct {
	const char *name, *sig;
} funcs[] = {
	{ "main.ints", "func(a int8, b int16, c int32, d int64, e uint8, f uint16, g uint32, "
		       "h uint64, i int, j uint, k uintptr) int64" },
	{ "main.bools", "func(a, b bool, n int) (bool, bool)" },
	{ "main.floats", "func(a float32, b float64, c float64) (float64, float32)" },
	{ "main.texts", "func(s string, b []byte, xs []int32, ss []string, empty string, none []int) "
			"(string, int)" },
	{ "main.pointers", "func(p *struct{ X int; Y int }, np *struct{ X int; Y int }) "
			   "*struct{ X int; Y int }" },
	{ "main.nested", "func(o struct{ P struct{ X int; Y int }; Flag bool; Name string; "
			 "Tail [2]int16 }) struct{ P struct{ X int; Y int }; Flag bool; Name string; "
			 "Tail [2]int16 }" },
	{ "main.arrays", "func(z [0]int, one [1]int8, two [2]uint16, ps [1]struct{ X int; Y int }) int" },
	{ "main.mixed", "func(m struct{ I int32; F float64; B bool; G float32 }, n int) "
			"(struct{ I int32; F float64; B bool; G float32 }, int)" },
	{ "main.ifaces", "func(e any, s interface{ String() string }, err error) (any, error)" },
	{ "main.refs", "func(m map[string]int, c chan int, f func(int) int) int" },
	{ "main.namedTypes", "func(id int64, a struct{ X int; Y int }) int64" },
	{ "main.complexes", "func(a complex64, b complex128) complex128" },
	{ "main.(*Counter).Add", "func(c *struct{ n int }, n int) int" },
	{ "main.Point.Sum", "func(p struct{ X int; Y int }) int" },
};
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))
#define MAX_EXPRS 4

static struct gadb *db;
static char db_path[64];

/* The seed DB: the real indexer on the pristine base, once. NULL when the base is absent. */
static struct gadb *seed_db(struct fz_file *f)
{
	int err;

	if (db)
		return db;
	/* FZ_VERBOSE=1: the error lines goattach would print */
	if (getenv("FZ_VERBOSE"))
		ga_log_set_level(GA_LOG_WARN);
	snprintf(db_path, sizeof(db_path), "/dev/shm/fuzz_expr-%d.db", (int)getpid());
	unlink(db_path);
	err = fz_index(fz_path(f), db_path);
	if (!err)
		db = gadb__open(db_path);
	/* the open DB is all that is kept: nothing left in /dev/shm */
	unlink(db_path);
	fz_check(db, "the seed DB was not made");
	return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr *exprs[MAX_EXPRS] = {};
	struct probe_plan plan;
	struct plan_opts opts = {};
	const char *pattern;
	struct fz_file *f;
	size_t nexprs = 0, i;
	char *text, *line, *next, msg[256];
	unsigned int kind;
	int err;

	if (size < 2)
		return 0;
	f = fz_base(FZ_GO119_AMD64);
	if (!f || !seed_db(f))
		return 0;
	pattern = funcs[data[0] % NFUNCS].name;
	kind = data[1];
	text = malloc(size - 1);
	if (!text)
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	if (kind & 1) {
		struct expr *e = expr_parse(text, msg, sizeof(msg));

		/* as goattach's main: refused in one line naming where */
		if (!e)
			fz_check(msg[0] && !strchr(msg, '\n'), "a refused --filter has no one-line message");
		expr_free(e);
		opts.filter = text;
	} else {
		for (line = text; line && nexprs < MAX_EXPRS; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			/* as goattach's main: an expression that does not parse is refused there */
			exprs[nexprs] = expr_parse(line, msg, sizeof(msg));
			if (exprs[nexprs])
				nexprs++;
		}
		opts.exprs = exprs;
		opts.nexprs = nexprs;
	}
	opts.deref = kind & 2;
	opts.deref_depth = opts.deref ? 1 + (kind >> 4) % DEREF_MAX_DEPTH : 0;
	if (kind & 4)
		opts.sig = funcs[data[0] % NFUNCS].sig;
	if (opts.filter || opts.nexprs) {
		err = probe_plan__build(db, db_path, fz_path(f), -1, &pattern, 1, &opts, &plan);
		/* the seeds (kind bit 3 clear) are expressions the function takes */
		if (!(kind & 8))
			fz_check(!err, "a seed's --expr or --filter was refused");
		probe_plan__clear(&plan);
	}
	for (i = 0; i < nexprs; i++)
		expr_free(exprs[i]);
	free(text);
	return 0;
}

/* The expressions and filters of test_expr.c, test_filter.c, test_httpish.c, test_maps.c, on samples/kinds. */
static const struct {
	int func;	/* index in funcs */
	unsigned int kind;
	const char *text;
} seeds[] = {
	{ 0, 0, "a\nb\nk\n~r0" },
	{ 0, 1, "a < 0 && b >= 5000 || !(c == 7)" },
	{ 0, 1, "d > -9223372036854775808 && h < 0xffffffff" },
	{ 1, 0, "a\nb\nn\n~r1" },
	{ 1, 1, "a && !b || n != 4" },
	{ 1, 1, "~r0 == true" },
	{ 2, 0, "a\nb\nc\n~r0" },
	{ 2, 8 | 1, "b > 0.5" },
	{ 3, 0, "s\nlen(s)\nb\nxs[0]" },
	{ 3, 0, "ss[1]\nlen(ss)\ncap(xs)\n~r0" },
	{ 3, 1, "strings.HasPrefix(s, \"/api\") && len(b) > 0 && b[0] == 123" },
	{ 3, 1, "s == \"a\\tb\\u00e9\\x01\" || len(xs) > 2" },
	{ 3, 1, "!strings.HasPrefix(s, `/ap`)" },
	{ 4, 0, "p.X\np.Y\n*np\n~r0.X" },
	{ 4, 1, "p != nil && p.X == 1" },
	{ 4, 1, "np == nil" },
	{ 4, 1, "~r0 != nil && ~r0.Y > 2" },
	{ 4, 2, "p.X" },
	{ 5, 0, "o.P.X\no.Name\no.Tail[1]\no.Flag" },
	{ 5, 1, "o.Flag && o.Name == \"outer\"" },
	{ 5, 1, "o.Tail[0] < 3 && len(o.Name) > 0" },
	{ 6, 0, "one[0]\ntwo[1]\nps[0].X" },
	{ 6, 1, "two[1] >= 2" },
	{ 7, 0, "m.I\nm.B\nn\n~r1" },
	{ 7, 1, "m.I == 1 && m.B" },
	{ 8, 0, "e\nerr\ns\n~r1" },
	{ 8, 1, "err != nil" },
	{ 8, 1, "err == nil && e != nil" },
	{ 9, 0, "len(m)\nm[\"x\"]\nlen(c)\ncap(c)" },
	{ 9, 1, "len(m) > 0 && c != nil" },
	{ 9, 8 | 1, "m[\"x\"] == 10" },
	{ 10, 0, "id\na.X\n~r0" },
	{ 10, 1, "id == 7" },
	{ 11, 0, "a\nb" },
	{ 12, 0, "c.n\nn\n~r0" },
	{ 12, 1, "c != nil && n >= 1" },
	{ 12, 1, "latency > 2ms && ~r0 > 0" },
	{ 12, 1, "latency >= 1.5s" },
	{ 12, 4 | 1, "n > 0" },
	{ 12, 8 | 4 | 1, "c.n > 0" },	/* a --sig struct has no DB type */
	{ 13, 0, "p.X\np.Y" },
	{ 13, 2, "p.X" },
	{ 13, 8 | 2, "p" },
	{ 13, 8 | 4, "p.X" },	/* likewise */
	/* refused: one line naming the problem */
	{ 5, 8, "len(o.Tail)" },
	{ 6, 8, "len(z)" },
	{ 0, 8 | 1, "nope == 1" },
	{ 0, 8 | 1, "a == \"x\"" },
	{ 0, 8 | 1, "e < -1" },
	{ 0, 8 | 1, "a" },
	{ 0, 8 | 1, "latency > a" },
	{ 3, 8 | 1, "s == empty" },
	{ 3, 8 | 1, "s == \"0123456789012345678901234567890123456789012345678901234567890123456789\"" },
	{ 0, 8 | 1, "a == 1 || a == 2 || a == 3 || a == 4 || a == 5 || a == 6 || a == 7 || a == 8 || "
		    "a == 9 || a == 10 || a == 11 || a == 12 || a == 13 || a == 14 || a == 15 || a == 16" },
	{ 7, 8, "n.X\nnope\nlen(n)\nn[2]" },
	{ 7, 8, "n > 2\n\"x\"\n(c.total\nr.Header[\"X-Id\"][0]" },
	{ 0, 8 | 1, "((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))) == 1" },
};

int fz_seeds(const char *dir)
{
	char buf[1024], name[32];
	size_t i, n;
	int err;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		n = strlen(seeds[i].text);
		buf[0] = seeds[i].func;
		buf[1] = seeds[i].kind;
		memcpy(buf + 2, seeds[i].text, n);
		snprintf(name, sizeof(name), "expr-%02zu", i);
		err = fz_write_seed(dir, name, buf, 2 + n);
		if (err)
			return err;
	}
	return 0;
}
