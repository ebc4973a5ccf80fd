// SPDX-License-Identifier: MIT
/*
 * Unit tests against independent truths: FIPS 180-4 test vectors for
 * SHA-256, and the worked example and rules of Go's abi-internal.md for
 * the ABI layout; --max-rate's choice worked out by hand.
 */
#include <stdlib.h>

#include "abi.h"
#include "buildinfo.h"
#include "goruntime.h"
#include "sha256.h"
#include "sig.h"
#include "test.h"
#include "valve.h"

TEST(sha256_vectors)
{
	char hex[SHA256_HEX_LEN];
	char *million = malloc(1000000);

	sha256_hex("abc", 3, hex);
	ASSERT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
	sha256_hex("", 0, hex);
	ASSERT_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ASSERT_STREQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "448 bits");
	if (ASSERT_TRUE(million != NULL, "malloc")) {
		memset(million, 'a', 1000000);
		sha256_hex(million, 1000000, hex);
		ASSERT_STREQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
			     "a million a");
	}
	free(million);
}

TEST(sha256_incremental)
{
	struct sha256_ctx ctx;
	uint8_t d1[32], d2[32];
	char data[300];
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 7;
	sha256_init(&ctx);
	sha256_update(&ctx, data, sizeof(data));
	sha256_final(&ctx, d1);
	sha256_init(&ctx);
	for (i = 0; i < sizeof(data); i += 13)
		sha256_update(&ctx, data + i, sizeof(data) - i < 13 ? sizeof(data) - i : 13);
	sha256_final(&ctx, d2);
	ASSERT_TRUE(!memcmp(d1, d2, 32), "chunked == whole");
}

/* Types used by the ABI tests. */
static struct gotype t_uint8 = { .kind = GA_KIND_UINT, .name = "uint8", .size = 1 };
static struct gotype t_int8 = { .kind = GA_KIND_INT, .name = "int8", .size = 1, .is_signed = true };
static struct gotype t_int = { .kind = GA_KIND_INT, .name = "int", .size = 8, .is_signed = true };
static struct gotype t_int32 = { .kind = GA_KIND_INT, .name = "int32", .size = 4, .is_signed = true };
static struct gotype t_int64_386 = { .kind = GA_KIND_INT, .name = "int64", .size = 8, .is_signed = true };
static struct gotype t_uintptr = { .kind = GA_KIND_UINT, .name = "uintptr", .size = 8 };
static struct gotype t_float64 = { .kind = GA_KIND_FLOAT, .name = "float64", .size = 8 };
static struct gotype t_string = { .kind = GA_KIND_STRING, .name = "string", .size = 16 };
static struct gotype t_string_386 = { .kind = GA_KIND_STRING, .name = "string", .size = 8 };
static struct gotype t_arr2 = { .kind = GA_KIND_ARRAY, .name = "[2]uintptr", .size = 16, .count = 2,
				.elem = &t_uintptr };

static const struct ga_piece *piece(const struct ga_param *p, size_t i)
{
	return i < p->npieces ? &p->pieces[i] : NULL;
}

#define ASSERT_REG(p, i, want_reg, what) \
	(void)(ASSERT_TRUE(piece(p, i) != NULL, what) && \
	       ASSERT_EQ(piece(p, i)->loc, GA_LOC_REG, what) && \
	       ASSERT_EQ(piece(p, i)->reg, want_reg, what))
#define ASSERT_STACK(p, i, want_off, what) \
	(void)(ASSERT_TRUE(piece(p, i) != NULL, what) && \
	       ASSERT_EQ(piece(p, i)->loc, GA_LOC_STACK, what) && \
	       ASSERT_EQ(piece(p, i)->stack_off, want_off, what))

/*
 * abi-internal.md's example: func f(a1 uint8, a2 [2]uintptr, a3 uint8)
 * (r1 struct{x uintptr; y [2]uintptr}, r2 string). a1 and a3 take the first
 * two integer registers, a2 and r1 go to the stack, r2 takes two registers.
 */
TEST(abi_doc_example)
{
	struct gofield r1_fields[] = {
		{ .name = "x", .offset = 0, .type = &t_uintptr },
		{ .name = "y", .offset = 8, .type = &t_arr2 },
	};
	struct gotype t_r1 = { .kind = GA_KIND_STRUCT, .name = "struct", .size = 24, .nfields = 2,
			       .fields = r1_fields };
	struct goparam params[] = {
		{ .name = "a1", .type = &t_uint8 },
		{ .name = "a2", .type = &t_arr2 },
		{ .name = "a3", .type = &t_uint8 },
		{ .name = "r1", .type = &t_r1, .is_result = true },
		{ .name = "r2", .type = &t_string, .is_result = true },
	};
	struct ga_param *out = NULL;

	if (!ASSERT_OK(abi_assign(GA_ARCH_AMD64, GA_ABI_INTERNAL, params, 5, &out), "assign"))
		return;
	ASSERT_REG(&out[0], 0, 0, "a1 in RAX");
	ASSERT_STACK(&out[1], 0, 8, "a2[0] at 8(SP)");
	ASSERT_STACK(&out[1], 1, 16, "a2[1] at 16(SP)");
	ASSERT_REG(&out[2], 0, 3, "a3 in RBX");
	ASSERT_TRUE(out[3].on_stack, "r1 on the stack");
	ASSERT_STACK(&out[3], 0, 24, "r1.x after the arguments");
	ASSERT_STACK(&out[3], 1, 32, "r1.y[0]");
	ASSERT_STACK(&out[3], 2, 40, "r1.y[1]");
	ASSERT_REG(&out[4], 0, 0, "r2.data starts over at RAX");
	ASSERT_REG(&out[4], 1, 3, "r2.len in RBX");
	ASSERT_EQ(out[4].pieces[0].kind, GA_PIECE_STR_DATA, "r2 data piece");
	ga_params_free(out, 5);
}

/* Nine integer registers on amd64; the tenth int goes to the stack whole. */
TEST(abi_register_exhaustion)
{
	struct goparam params[11];
	struct ga_param *out = NULL;
	static const int want[] = { 0, 3, 2, 5, 4, 8, 9, 10, 11 };
	char names[11][8];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(names[i], sizeof(names[i]), "a%d", i);
		params[i] = (struct goparam){ .name = names[i], .type = &t_int };
	}
	params[10] = (struct goparam){ .name = "s", .type = &t_string };
	if (!ASSERT_OK(abi_assign(GA_ARCH_AMD64, GA_ABI_INTERNAL, params, 11, &out), "assign"))
		return;
	for (i = 0; i < 9; i++)
		ASSERT_REG(&out[i], 0, want[i], names[i]);
	ASSERT_STACK(&out[9], 0, 8, "a9 spills to 8(SP)");
	ASSERT_STACK(&out[10], 0, 16, "string after it, whole on the stack");
	ASSERT_STACK(&out[10], 1, 24, "its length");
	ga_params_free(out, 11);
}

/* Floats take X0.. independently of the integer sequence; structs split. */
TEST(abi_floats_and_structs)
{
	struct gofield fields[] = {
		{ .name = "a", .offset = 0, .type = &t_int },
		{ .name = "b", .offset = 8, .type = &t_float64 },
	};
	struct gotype t_mixed = { .kind = GA_KIND_STRUCT, .name = "main.M", .size = 16, .nfields = 2,
				  .fields = fields };
	struct goparam params[] = {
		{ .name = "x", .type = &t_float64 },
		{ .name = "m", .type = &t_mixed },
		{ .name = "~r0", .type = &t_float64, .is_result = true },
	};
	struct ga_param *out = NULL;

	if (!ASSERT_OK(abi_assign(GA_ARCH_AMD64, GA_ABI_INTERNAL, params, 3, &out), "assign"))
		return;
	ASSERT_REG(&out[0], 0, 17, "x in X0");
	ASSERT_REG(&out[1], 0, 0, "m.a in RAX");
	ASSERT_REG(&out[1], 1, 18, "m.b in X1");
	ASSERT_STREQ(out[1].pieces[1].path, "m.b", "field path");
	ASSERT_REG(&out[2], 0, 17, "result in X0");
	ga_params_free(out, 3);
}

/* 386: everything on the stack from 4(SP); int64 is only 4-aligned. */
TEST(abi_386_stack)
{
	struct goparam params[] = {
		{ .name = "a", .type = &t_int8 },
		{ .name = "b", .type = &t_int64_386 },
		{ .name = "c", .type = &t_string_386 },
		{ .name = "~r0", .type = &t_int32, .is_result = true },
	};
	struct ga_param *out = NULL;

	if (!ASSERT_OK(abi_assign(GA_ARCH_386, GA_ABI0, params, 4, &out), "assign"))
		return;
	ASSERT_STACK(&out[0], 0, 4, "a at 4(SP)");
	ASSERT_STACK(&out[1], 0, 8, "b.lo at 8(SP)");
	ASSERT_STACK(&out[1], 1, 12, "b.hi at 12(SP)");
	ASSERT_STACK(&out[2], 0, 16, "c.data");
	ASSERT_STACK(&out[2], 1, 20, "c.len");
	ASSERT_STACK(&out[3], 0, 24, "result after pointer alignment");
	ga_params_free(out, 4);
}

/* amd64 ABI0 (Go < 1.17): 8(SP) first; results after pointer alignment. */
TEST(abi0_amd64)
{
	struct goparam params[] = {
		{ .name = "x", .type = &t_string },
		{ .name = "y", .type = &t_uint8 },
		{ .name = "~r0", .type = &t_int, .is_result = true },
	};
	struct ga_param *out = NULL;

	if (!ASSERT_OK(abi_assign(GA_ARCH_AMD64, GA_ABI0, params, 3, &out), "assign"))
		return;
	ASSERT_STACK(&out[0], 0, 8, "x.data");
	ASSERT_STACK(&out[0], 1, 16, "x.len");
	ASSERT_STACK(&out[1], 0, 24, "y");
	ASSERT_STACK(&out[2], 0, 32, "result 8-aligned after y");
	ga_params_free(out, 3);
}

/* --sig: Go syntax in, the same layout the DWARF path would compute out. */
TEST(sig_parse)
{
	struct ga_param *out = NULL;
	struct gosig *s;
	size_t n = 0;
	char err[256] = "";

	s = gosig__parse("func(x, y string) (string, string)", 8, err, sizeof(err));
	if (!ASSERT_TRUE(s != NULL, err))
		return;
	if (ASSERT_OK(gosig__assign(s, GA_ARCH_AMD64, GA_ABI_INTERNAL, &out, &n), "assign") &&
	    ASSERT_EQ(n, 4, "four params")) {
		ASSERT_STREQ(out[0].name, "x", "x");
		ASSERT_STREQ(out[1].name, "y", "y shares x's type");
		ASSERT_STREQ(out[2].name, "~r0", "unnamed result");
		ASSERT_TRUE(out[2].is_result && !out[1].is_result, "result flags");
		ASSERT_EQ(out[1].kind, GA_KIND_STRING, "string");
		ASSERT_REG(&out[1], 0, 2, "y.data in RCX");
		ASSERT_REG(&out[3], 1, 5, "~r1.len in RDI");
	}
	ga_params_free(out, n);
	gosig__free(s);

	s = gosig__parse("func(int, bool) (n int, err error)", 8, err, sizeof(err));
	if (ASSERT_TRUE(s != NULL, err)) {
		const struct goparam *gp = gosig__params(s, &n);

		ASSERT_EQ(n, 4, "four");
		ASSERT_STREQ(gp[0].name, "p0", "unnamed argument");
		ASSERT_EQ(gp[1].type->kind, GA_KIND_BOOL, "bool");
		ASSERT_STREQ(gp[3].name, "err", "named result");
		ASSERT_EQ(gp[3].type->kind, GA_KIND_IFACE, "error is an interface");
	}
	gosig__free(s);

	s = gosig__parse("func(b []byte, m map[string]int, f func(int) error, p *int, "
			 "a [2]int32, v interface{}, st struct{ A int8; B int64 }) any",
			 8, err, sizeof(err));
	if (ASSERT_TRUE(s != NULL, err)) {
		const struct goparam *gp = gosig__params(s, &n);

		ASSERT_EQ(n, 8, "eight");
		ASSERT_EQ(gp[0].type->kind, GA_KIND_SLICE, "slice");
		ASSERT_EQ(gp[1].type->kind, GA_KIND_PTR, "map is a pointer");
		ASSERT_EQ(gp[2].type->kind, GA_KIND_PTR, "func is a pointer");
		ASSERT_EQ(gp[4].type->size, 8, "[2]int32 size");
		ASSERT_EQ(gp[5].type->kind, GA_KIND_EFACE, "interface{}");
		ASSERT_EQ(gp[6].type->size, 16, "struct padded to int64 alignment");
		ASSERT_EQ(gp[6].type->fields[1].offset, 8, "B at offset 8");
		ASSERT_EQ(gp[7].type->kind, GA_KIND_EFACE, "any");
	}
	gosig__free(s);

	ASSERT_TRUE(!gosig__parse("func(x Foo)", 8, err, sizeof(err)), "unknown named type refused");
	ASSERT_CONTAINS(err, "unknown type 'Foo'", "says which");
	ASSERT_TRUE(!gosig__parse("func(x int", 8, err, sizeof(err)), "unbalanced refused");
	ASSERT_TRUE(!gosig__parse("func(x int) int garbage", 8, err, sizeof(err)), "trailing text refused");
}

TEST(go_version_parse)
{
	int major = 0, minor = 0;

	ASSERT_OK(go_version_parse("go1.19.8", &major, &minor), "go1.19.8");
	ASSERT_EQ(minor, 19, "minor");
	ASSERT_OK(go_version_parse("devel go1.22-abcdef", &major, &minor), "devel");
	ASSERT_EQ(minor, 22, "devel minor");
	ASSERT_NEQ(go_version_parse("gcc 12", &major, &minor), 0, "not Go");
}

/* The hottest first, only as many as bring the rest under the limit; dropped ones not again. */
TEST(valve_choose_hottest)
{
	uint64_t rates[5] = { 100, 90000, 500, 30000, 0 };
	bool dropped[5] = {};
	size_t order[5];

	ASSERT_EQ(valve_choose(rates, dropped, 5, 200000, order), 0, "under the limit: none");
	ASSERT_EQ(valve_choose(rates, dropped, 5, 120600, order), 0, "at the limit: none");
	ASSERT_EQ(valve_choose(rates, dropped, 5, 120599, order), 1, "one over: the hottest");
	ASSERT_EQ(order[0], 1, "the hottest is function 1");
	ASSERT_EQ(valve_choose(rates, dropped, 5, 1000, order), 2, "two to get under 1000");
	ASSERT_TRUE(order[0] == 1 && order[1] == 3, "hottest first");
	ASSERT_EQ(valve_choose(rates, dropped, 5, 0, order), 4, "limit 0: all that run");
	dropped[1] = true;
	ASSERT_EQ(valve_choose(rates, dropped, 5, 1000, order), 1, "function 1 already gone");
	ASSERT_EQ(order[0], 3, "then function 3");
	rates[0] = rates[2] = 7;
	rates[3] = 0;
	ASSERT_EQ(valve_choose(rates, dropped, 5, 7, order), 1, "a tie");
	ASSERT_EQ(order[0], 0, "ties in function order");
}
