// SPDX-License-Identifier: MIT
/*
 * The --sig parser (common/sig.c) and the layout of what it parses
 * (common/abi.c): the register ABI of amd64 and arm64, the stack ABI
 * (ABI0, 386), every value's pieces in memory and behind a pointer, and
 * the check of a layout against the DB's view of a function.
 *
 * Input: a selector byte, then the signature text (NUL bytes end it).
 * Selector: bits 0-1 the architecture the text is parsed for (amd64,
 * arm64, 386; 3: all three), bits 2-7 the max of abi_mem_pieces (1-64).
 * Every parse is laid out in both ABIs and freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "fuzzlib.h"
#include "sig.h"
#include "util.h"

static const enum ga_arch archs[] = { GA_ARCH_AMD64, GA_ARCH_ARM64, GA_ARCH_386 };

/* A function as the DB would hold it with the signature's own layout: the check must accept it. */
static void check_self(const struct ga_param *params, size_t n, int ps)
{
	struct ga_func f = { .name = "main.fuzz", .params_known = true,
			     .params_source = GA_PSRC_TYPES };
	char msg[512];

	f.params = (struct ga_param *)params;
	f.nparams = n;
	gosig__check(&f, params, n, ps, msg, sizeof(msg));
	f.args_only = true;
	gosig__check(&f, params, n, ps, msg, sizeof(msg));
}

static int one_arch(const char *text, enum ga_arch arch, size_t max)
{
	struct gosig *s;
	const struct goparam *gp;
	char err[512];
	size_t n, i;
	int ps = ga_ptr_size(arch), parsed = 0;

	err[0] = '\0';
	s = gosig__parse(text, ps, err, sizeof(err));
	if (!s) {
		/* one line naming the problem */
		fz_check(err[0] && !strchr(err, '\n'), "a refused signature has no one-line message");
		return 0;
	}
	gp = gosig__params(s, &n);
	for (int abi = GA_ABI0; abi <= GA_ABI_INTERNAL; abi++) {
		struct ga_param *out = NULL;
		size_t nout = 0;

		if (gosig__assign(s, arch, abi, &out, &nout))
			continue;
		parsed = 1;
		check_self(out, nout, ps);
		ga_params_free(out, nout);
	}
	for (i = 0; i < n; i++) {
		struct ga_piece *pcs = NULL;
		size_t npc = 0, k;
		bool cut;

		if (!abi_mem_pieces(arch, gp[i].type, gp[i].name, max, &pcs, &npc, &cut)) {
			for (k = 0; k < npc; k++)
				free(pcs[k].path);
			free(pcs);
		}
		if (!abi_deref_pieces(arch, gp[i].type, gp[i].name, &pcs, &npc)) {
			for (k = 0; k < npc; k++)
				free(pcs[k].path);
			free(pcs);
		}
	}
	gosig__free(s);
	return parsed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int sel;
	size_t max;
	char *text;
	int parsed = 0;
	bool bad;

	if (size < 1)
		return 0;
	sel = data[0];
	max = 1 + (sel >> 2);
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	/* "bad:" marks a seed that must be refused: the text after it is parsed */
	bad = !strncmp(text, "bad:", 4);
	if ((sel & 3) == 3) {
		for (size_t a = 0; a < sizeof(archs) / sizeof(archs[0]); a++)
			parsed |= one_arch(text + (bad ? 4 : 0), archs[a], max);
	} else {
		parsed = one_arch(text + (bad ? 4 : 0), archs[sel & 3], max);
	}
	/* the seeds are real signatures: each must parse, each "bad:" one be refused */
	fz_check(bad ? !parsed : parsed || !text[0], bad ? "a bad signature was taken" :
			"a sample's signature did not parse");
	free(text);
	return 0;
}

/* Signatures of the samples' functions (samples/NAME/main.go), every kind; named types spelled out. */
static const char *const seeds[] = {
	"func(id int, d int64) int",
	"func(b [32]byte) int",
	"func(a [40]int64) int64",
	"func(f [3]struct{ A uint8; B int32 }) int32",
	"func(xs []string) string",
	"func(a, b int) int",
	"func() int64",
	"func(n int, small int8, u uint16, ok bool) int",
	"func(method, path string) int",
	"func(n int) (fd int, err error)",
	"func(r *struct{ Method string; Path string; Seq int64 }) int",
	"func(n int) string",
	"func(n int) (int, bool, float64, string, error)",
	"func(c *struct{ n int }, n int) int",
	"func(b []byte, xs []int32) (int, []byte)",
	"func(n int) (r int, panicked bool)",
	"func(c chan int) int",
	"func(c <-chan int, d chan<- string) int",
	"func(t struct{ wall uint64; ext int64; loc *int }, d int64) struct{ wall uint64; ext int64; loc *int }",
	"func(s string) int",
	"func(m map[string]int) int",
	"func(m map[int64]string) int",
	"func(m map[string]struct{}) int",
	"func(m map[uint16]float64) int",
	"func(m interface{}) string",
	"func(f string, m interface{})",
	"func(w *struct{ code int }, b []byte) (int, error)",
	"func(w interface{ Header() map[string][]string; Write([]byte) (int, error) }, r *struct{}) (*struct{ Code int }, error)",
	"func(s *string) string",
	"func(reqs []*struct{ Seq int64 })",
	"func(seq int64) []*struct{ Seq int64 }",
	"func(a int8, b int16, c int32, d int64, e uint8, f uint16, g uint32, h uint64, i int, j uint, k uintptr) int64",
	"func(a, b bool, n int) (bool, bool)",
	"func(a float32, b float64, c float64) (float64, float32)",
	"func(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p float64) float64",
	"func(a complex64, b complex128) complex128",
	"func(s string, b []byte, xs []int32, ss []string, empty string, none []int) (string, int)",
	"func(p *struct{ X int; Y int }, np *struct{ X int; Y int }) *struct{ X int; Y int }",
	"func(o struct{ In struct{ A int8; B struct{ C int64; D string } }; E []int }) struct{ In struct{ A int8 }; E []int }",
	"func(z [0]int, one [1]int8, two [2]uint16, ps [1]struct{ X int; Y int }) int",
	"func(m struct{ a int8; b int64; c bool; d float32; s string }, n int) (struct{ a int8; b int64 }, int)",
	"func(e any, s interface{ String() string }, err error) (any, error)",
	"func(m map[string]int, c chan int, f func(int) int) int",
	"func(f func(a, b int) (int, error), g func()) func() error",
	"func(p struct{ X int; Y int }) int",
	"func(a, b int) int",	/* Max[int], spelled by its shape */
	"func(l *struct{ head *int; n int }, v int) int",
	"func(p unsafe.Pointer, u uintptr) unsafe.Pointer",
	"func(e struct{}, f struct{ _ struct{}; x [0]int64 }, g [4]struct{}) int",
	"func(args []int) int",	/* a variadic: its slice */
	"func(x int, y int, z int, w int, v int, u int, t int, s int, r int, q int, o int) (a, b, c, d, e, f, g, h, i, j int)",
	"func(x [2][3]int32, y [1][1][1]string) [2]float32",
	"(int, string) error",
	"func(int, bool) (n int, err error)",
	/* the findings: refused promptly, nothing leaked */
	"func(a [1048576][1048576][0]int, b int)",	/* size 0: nothing to walk */
	"bad:func(s struct{ a int; b [1048576][1048576]int64 })",
	"func(s struct{ a [1048576][1048576][0]int; b int })",
	"func(chan int, map[string]int, func(int) error, struct{ a int8 }) (struct{ b int64 }, int)",
	"bad:func(s struct{ a int; b Foo })",
	"bad:func(s struct{ a int; b int; c })",
	"bad:func(a [99999999999999999999]int)",
	"bad:func(a [-1]int)",
	"bad:func(a [+1]int)",
	"bad:func(a [1048576][1048576][1048576][1048576]int)",
	"bad:func(a struct{ a [1048576]int64; b [1048576]int64 })",
	"bad:func(a ****************************int)",
	"bad:func(a int",
	"bad:func(a map[string int)",
	"bad:func(a int) int garbage",
};

int fz_seeds(const char *dir)
{
	char buf[1024], name[32];
	size_t i;
	int err;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		const char *text = seeds[i];
		size_t n = strlen(text);

		buf[0] = (i % 4) | ((i * 7) % 64) << 2;
		memcpy(buf + 1, text, n);
		snprintf(name, sizeof(name), "sig-%02zu", i);
		err = fz_write_seed(dir, name, buf, 1 + n);
		if (err)
			return err;
	}
	return 0;
}
