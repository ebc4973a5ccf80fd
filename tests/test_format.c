// SPDX-License-Identifier: MIT
/*
 * goattach's pure formatting helpers against independent truths: what
 * Go's fmt prints for the same values (%v of floats and integers, %q of
 * strings): fixed cases checked with Go 1.19, and random ones printed by
 * a Go program the test runs; and latencies worked out by hand from
 * their rule; JSON strings and values read back by cJSON; ring-buffer
 * records unpacked, and damaged ones refused.
 */
#include <math.h>
#include <stdlib.h>

#include <errno.h>

#include <cjson/cJSON.h>

#include "event.h"
#include "format.h"
#include "printer.h"
#include "test.h"
#include "util.h"

static const char *go_float(double v, bool is32)
{
	static char buf[FORMAT_NUM_LEN];

	format_go_float(v, is32, buf, sizeof(buf));
	return buf;
}

/* fmt.Printf("%v", float64(...)) */
static void test_go_float64(void)
{
	static const struct { double v; const char *go; } cases[] = {
		{ 0.1, "0.1" }, { 1e6, "1e+06" }, { 100000, "100000" }, { 123456, "123456" },
		{ 1e-4, "0.0001" }, { 1e-5, "1e-05" }, { 1.5, "1.5" }, { -2.25, "-2.25" },
		{ 1e21, "1e+21" }, { 1e100, "1e+100" }, { 5e-324, "5e-324" },
		{ 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ 0.30000000000000004, "0.30000000000000004" }, { 123456789, "1.23456789e+08" },
		{ 2.5e-7, "2.5e-07" }, { 999999.5, "999999.5" }, { 1234567, "1.234567e+06" },
		{ 0, "0" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ASSERT_STREQ(go_float(cases[i].v, false), cases[i].go, "float64");
	ASSERT_STREQ(go_float(-0.0, false), "-0", "negative zero");
	ASSERT_STREQ(go_float(INFINITY, false), "+Inf", "+Inf");
	ASSERT_STREQ(go_float(-INFINITY, false), "-Inf", "-Inf");
	ASSERT_STREQ(go_float(NAN, false), "NaN", "NaN");
}

/* fmt.Printf("%v", float32(...)): the shortest decimal of the float32. */
static void test_go_float32(void)
{
	static const struct { float v; const char *go; } cases[] = {
		{ 0.1f, "0.1" }, { 16777216.0f, "1.6777216e+07" }, { 3.4028235e38f, "3.4028235e+38" },
		{ 1e-45f, "1e-45" }, { 1.1f, "1.1" }, { 1e6f, "1e+06" }, { 100000.0f, "100000" },
		{ 0.3f, "0.3" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ASSERT_STREQ(go_float(cases[i].v, true), cases[i].go, "float32");
	/* the same float32 read as a float64 needs all its digits */
	ASSERT_STREQ(go_float(0.1f, false), "0.10000000149011612", "float32 0.1 as float64");
}

/* Words as fetched: a float32 in the low half, a float64 in all of it. */
static void test_float_bits(void)
{
	static const struct { uint64_t bits; int size; const char *go; } cases[] = {
		{ 0x3dcccccd, 4, "0.1" },
		{ 0xffffffff3dcccccdULL, 4, "0.1" },	/* the upper half is not the float's */
		{ 0x3fb999999999999aULL, 8, "0.1" },
		{ 0x8000000000000000ULL, 8, "-0" },
		{ 0x7ff8000000000001ULL, 8, "NaN" },
		{ 0x7f800000, 4, "+Inf" },
		{ 0xff800000, 4, "-Inf" },
	};
	char buf[FORMAT_NUM_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		format_float_bits(cases[i].bits, cases[i].size, buf, sizeof(buf));
		ASSERT_STREQ(buf, cases[i].go, "float bits");
	}
}

/* fmt.Printf("%v", int8(-1), uint16(65535), int32(-2147483648), ...) */
static void test_integers(void)
{
	static const uint8_t le[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };
	static const struct {
		enum ga_piece_kind kind;
		uint64_t bits;
		int size;
		const char *go;
	} scalars[] = {
		{ GA_PIECE_INT, 0xff, 1, "-1" },
		{ GA_PIECE_INT, 0x80000000, 4, "-2147483648" },
		{ GA_PIECE_INT, 0x8000000000000000ULL, 8, "-9223372036854775808" },
		{ GA_PIECE_UINT, 0x1ffff, 2, "65535" },
		{ GA_PIECE_UINT, 0xffffffffffffffffULL, 8, "18446744073709551615" },
		{ GA_PIECE_BOOL, 1, 1, "true" },
		{ GA_PIECE_BOOL, 0, 1, "false" },
		{ GA_PIECE_FLOAT, 0x3ff8000000000000ULL, 8, "1.5" },
	};
	char buf[FORMAT_NUM_LEN];
	size_t i;

	ASSERT_EQ(sign_extend(0xff, 1), -1, "int8 0xff");
	ASSERT_EQ(sign_extend(0x7f, 1), 127, "int8 0x7f");
	ASSERT_EQ(sign_extend(0x12348000, 2), -32768, "int16 from the low half");
	ASSERT_EQ(sign_extend(0x80000000, 4), INT32_MIN, "int32 min");
	ASSERT_EQ(sign_extend(0xffffffffffffffffULL, 8), -1, "int64");
	ASSERT_EQ(mask_size(0x1ffff, 2), 0xffff, "uint16");
	ASSERT_EQ(mask_size(0xdeadbeefcafef00dULL, 4), 0xcafef00d, "uint32");
	ASSERT_TRUE(mask_size(0xdeadbeefcafef00dULL, 8) == 0xdeadbeefcafef00dULL, "uint64 kept");
	ASSERT_EQ(read_le(le, 2), 0x0201, "2 bytes little-endian");
	ASSERT_EQ(read_le(le, 4), 0x04030201, "4 bytes little-endian");
	ASSERT_TRUE(read_le(le, 8) == 0x8807060504030201ULL, "8 bytes little-endian");

	for (i = 0; i < ARRAY_SIZE(scalars); i++) {
		format_scalar(scalars[i].kind, scalars[i].bits, scalars[i].size, buf, sizeof(buf));
		ASSERT_STREQ(buf, scalars[i].go, "format_scalar");
	}
}

static const char *quoted(struct sbuf *b, const char *s, size_t n)
{
	sbuf_free(b);
	if (quote_text(b, s, n))
		return NULL;
	return sbuf_str(b);
}

/* fmt.Printf("%q", ...) for the bytes goattach escapes as Go does. */
static void test_quote_text(void)
{
	static const char all[] = "a\"b\\c\nd\te\x01" "f\x7fg";
	struct sbuf b = {};

	ASSERT_STREQ(quoted(&b, "", 0), "\"\"", "empty");
	ASSERT_STREQ(quoted(&b, "hello", 5), "\"hello\"", "plain");
	ASSERT_STREQ(quoted(&b, all, sizeof(all) - 1), "\"a\\\"b\\\\c\\nd\\te\\x01f\\x7fg\"",
		     "quote, backslash, newline, tab, \\x01, DEL as Go's %q");
	ASSERT_STREQ(quoted(&b, "ab\0c", 4), "\"ab\\x00c\"", "a NUL inside is shown, not an end");
	ASSERT_STREQ(quoted(&b, "abcdef", 3), "\"abc\"", "only n bytes");
	/* what a terminal must not get raw, as Go 1.19's %q prints it */
	ASSERT_STREQ(quoted(&b, "\a\b\f\r\v\x1b[2J", 9), "\"\\a\\b\\f\\r\\v\\x1b[2J\"",
		     "the short escapes, ESC");
	ASSERT_STREQ(quoted(&b, "\xff\xc3(\xe2\x82", 5), "\"\\xff\\xc3(\\xe2\\x82\"",
		     "invalid UTF-8 byte by byte");
	ASSERT_STREQ(quoted(&b, "\xc2\x9b" "1m\xe2\x80\xae" "x\xe2\x80\xa8", 11),
		     "\"\\u009b1m\\u202ex\\u2028\"", "CSI (C1), bidi override, line separator");
	ASSERT_STREQ(quoted(&b, "\xc3\xa9\xe4\xb8\x96\xf0\x9f\x98\x80", 9),
		     "\"\xc3\xa9\xe4\xb8\x96\xf0\x9f\x98\x80\"", "printable runes as they are");
	ASSERT_STREQ(quoted(&b, "\xed\xa0\x80\xf4\x90\x80\x80", 7),
		     "\"\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80\"", "a surrogate, above U+10FFFF");
	ASSERT_STREQ(quoted(&b, "\xf4\x8f\xbf\xbf", 4), "\"\\U0010ffff\"", "a noncharacter");
	sbuf_free(&b);
}

/*
 * Every byte but NUL, escaped as JSON: cJSON reads back the same ASCII
 * bytes, and each byte from 0x80 on (none is UTF-8 on its own or after
 * the one before) as the text \xNN.
 */
static void test_json_quote(void)
{
	char all[255], want[127 + 128 * 4 + 1], *w = want;
	struct sbuf b = {};
	cJSON *j;
	int i;

	for (i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	for (i = 1; i < 128; i++)
		*w++ = (char)i;
	for (i = 128; i < 256; i++)
		w += sprintf(w, "\\x%02x", i);
	ASSERT_OK(json_quote(&b, all, sizeof(all)), "quote");
	j = cJSON_Parse(sbuf_str(&b));
	ASSERT_TRUE(cJSON_IsString(j), "valid JSON string");
	ASSERT_TRUE(j && !strcmp(j->valuestring, want), "ASCII back, the other bytes as \\xNN");
	cJSON_Delete(j);
	sbuf_free(&b);
	ASSERT_OK(json_quote(&b, "a\0b\n\"", 5), "quote NUL");
	ASSERT_STREQ(sbuf_str(&b), "\"a\\u0000b\\n\\\"\"", "NUL as \\u0000, short forms, quote");
	sbuf_free(&b);
}

/* A value told to the JSON printer: objects, arrays, slices and leaves, read back by cJSON. */
static void test_json_printer(void)
{
	struct json_printer jp;
	struct vprinter *p = &jp.vp;
	struct sbuf b = {};
	cJSON *j, *x;

	json_printer__init(&jp, &b);
	p->ops->open(p, VP_ARGS);
	p->ops->member(p, "n");
	p->ops->number(p, "18446744073709551615");
	p->ops->member(p, "s");
	p->ops->string(p, "a\"b", 3, 3);
	p->ops->member(p, "pt");
	p->ops->open(p, VP_STRUCT);
	p->ops->member(p, "X");
	p->ops->boolean(p, true);
	p->ops->member(p, "Y");
	p->ops->none(p, "nil");
	p->ops->close(p);
	p->ops->member(p, "arr");
	p->ops->open(p, VP_ARRAY);
	p->ops->member(p, NULL);
	p->ops->number(p, "1");
	p->ops->member(p, NULL);
	p->ops->word(p, "0x10");
	p->ops->close(p);
	p->ops->member(p, "xs");
	p->ops->open_elems(p, 9, 16, 1);
	p->ops->member(p, NULL);
	p->ops->number(p, "7");
	p->ops->close(p);
	p->ops->member(p, "err");
	p->ops->iface(p, "*errors.errorString", 0xc000010250, "EOF", 3);
	p->ops->close(p);
	ASSERT_OK(p->err, "printed");
	json_printer__clear(&jp);
	j = cJSON_Parse(sbuf_str(&b));
	if (!ASSERT_TRUE(j != NULL, "valid JSON")) {
		printf("  %s\n", sbuf_str(&b));
		goto out;
	}
	ASSERT_TRUE(!strchr(sbuf_str(&b), '\n'), "one line");
	ASSERT_TRUE(strstr(sbuf_str(&b), "\"n\":\"18446744073709551615\",") != NULL,
		    "an integer beyond 2^53 as a string of its exact digits");
	ASSERT_STREQ(cJSON_GetObjectItem(j, "s")->valuestring, "a\"b", "string");
	x = cJSON_GetObjectItem(j, "pt");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(x, "X")) && cJSON_IsNull(cJSON_GetObjectItem(x, "Y")),
		    "struct members");
	x = cJSON_GetObjectItem(j, "arr");
	ASSERT_TRUE(cJSON_GetArraySize(x) == 2 && !strcmp(cJSON_GetArrayItem(x, 1)->valuestring, "0x10"),
		    "array");
	x = cJSON_GetObjectItem(j, "xs");
	ASSERT_TRUE(cJSON_GetObjectItem(x, "len")->valuedouble == 9 &&
		    cJSON_GetArraySize(cJSON_GetObjectItem(x, "elems")) == 1, "slice elements");
	x = cJSON_GetObjectItem(j, "err");
	ASSERT_STREQ(cJSON_GetObjectItem(x, "message")->valuestring, "EOF", "error message");
	ASSERT_STREQ(cJSON_GetObjectItem(x, "data")->valuestring, "0xc000010250", "data word");
out:
	cJSON_Delete(j);
	sbuf_free(&b);
}

/*
 * UTF-8 as RFC 3629 (and Go's unicode/utf8) has it: valid sequences of
 * 1 to 4 bytes kept, and overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes and cut sequences as \xNN each.
 */
static void test_json_quote_utf8(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac \xf0\x9f\x98\x80", "\"\xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "\xef\xbf\xbd\xf4\x8f\xbf\xbf", "\"\xef\xbf\xbd\xf4\x8f\xbf\xbf\"" },
		{ "\xff\x01", "\"\\\\xff\\u0001\"" },
		{ "\xc0\xaf", "\"\\\\xc0\\\\xaf\"" },		/* overlong '/' */
		{ "\xe0\x80\xaf", "\"\\\\xe0\\\\x80\\\\xaf\"" },	/* overlong, 3 bytes */
		{ "\xed\xa0\x80", "\"\\\\xed\\\\xa0\\\\x80\"" },	/* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"" },	/* U+110000 */
		{ "a\xc3", "\"a\\\\xc3\"" },		/* cut */
		{ "\xe2\x82x", "\"\\\\xe2\\\\x82x\"" },
		{ "\x80z", "\"\\\\x80z\"" },
	};
	struct sbuf b = {};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		sbuf_reset(&b);
		ASSERT_OK(json_quote(&b, cases[i].in, strlen(cases[i].in)), "quote");
		ASSERT_STREQ(sbuf_str(&b), cases[i].want, cases[i].in);
	}
	sbuf_free(&b);
	/* a cut moved back to the start of the character it splits, no further */
	ASSERT_EQ(utf8_cut_len("ab\xc3", 3), 2, "a 2-byte start");
	ASSERT_EQ(utf8_cut_len("ab\xc3\xa9", 4), 4, "a whole 2-byte character");
	ASSERT_EQ(utf8_cut_len("a\xf0\x9f\x98", 4), 1, "3 bytes of 4");
	ASSERT_EQ(utf8_cut_len("a\xe2\x82", 3), 1, "2 bytes of 3");
	ASSERT_EQ(utf8_cut_len("ab\xff", 3), 3, "an invalid byte is no start: kept, escaped");
	ASSERT_EQ(utf8_cut_len("ab\xed\xa0", 4), 4, "nor a surrogate's");
	ASSERT_EQ(utf8_cut_len("", 0), 0, "empty");
}

/* Integers beyond 2^53 (in magnitude) as strings; floats and smaller integers as numbers. */
static void test_json_big_ints(void)
{
	static const struct {
		const char *num, *want;
	} cases[] = {
		{ "9007199254740992", "9007199254740992" },
		{ "9007199254740993", "\"9007199254740993\"" },
		{ "-9007199254740992", "-9007199254740992" },
		{ "-9007199254740993", "\"-9007199254740993\"" },
		{ "999999999999999", "999999999999999" },
		{ "18446744073709551615", "\"18446744073709551615\"" },
		{ "-9223372036854775808", "\"-9223372036854775808\"" },
		{ "1e+300", "1e+300" },
		{ "12345678901234567.5", "12345678901234567.5" },
		{ "0", "0" },
	};
	struct sbuf b = {};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		sbuf_reset(&b);
		ASSERT_OK(json_num(&b, cases[i].num), "number");
		ASSERT_STREQ(sbuf_str(&b), cases[i].want, cases[i].num);
	}
	sbuf_reset(&b);
	ASSERT_OK(json_u64(&b, 1ULL << 53), "2^53");
	ASSERT_OK(json_u64(&b, (1ULL << 53) + 1), "2^53+1");
	ASSERT_STREQ(sbuf_str(&b), "9007199254740992\"9007199254740993\"", "json_u64");
	sbuf_free(&b);
}

/* A string cut at the fetch limit: {value, truncated, len}, the cut at a character's start. */
static void test_json_cut_string(void)
{
	char s[64];
	struct json_printer jp;
	struct vprinter *p = &jp.vp;
	struct sbuf b = {};

	memset(s, 'a', 63);
	s[63] = (char)0xc3;	/* the first byte of "é", whose second was not fetched */
	json_printer__init(&jp, &b);
	p->ops->open(p, VP_ARGS);
	p->ops->member(p, "s");
	p->ops->string(p, s, 64, 70);
	p->ops->member(p, "b");
	p->ops->bytes(p, s, 64, 65, 80);
	p->ops->member(p, "whole");
	p->ops->string(p, "ab", 2, 2);
	p->ops->close(p);
	ASSERT_OK(p->err, "printed");
	json_printer__clear(&jp);
	ASSERT_STREQ(sbuf_str(&b), "{\"s\":{\"value\":\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "\",\"truncated\":true,\"len\":70},\"b\":{\"len\":65,\"cap\":80,\"bytes\":\""
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "\",\"truncated\":true},\"whole\":\"ab\"}", "cut string and bytes");
	sbuf_free(&b);
}

/* A record as BPF packs it: header, words, then string bytes back to back. */
static size_t make_record(unsigned char *buf)
{
	struct ga_event h = {
		.ts_entry = 10, .ts_exit = 25, .goid = 7, .func_id = 3, .pid = 42,
		.nwords = { 3, 1 }, .nstrs = { 2, 1 }, .str_len = { { 5, 0 }, { 2 } },
	};
	unsigned long long w[4] = { 0x1111, 5, 0x2222, 99 };
	size_t off = sizeof(h);

	h.size = sizeof(w) + 5 + 0 + 2;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + off, w, sizeof(w));
	off += sizeof(w);
	memcpy(buf + off, "hello", 5);
	off += 5;
	memcpy(buf + off, "ok", 2);
	return off + 2;
}

static void test_event_unpack(void)
{
	unsigned char buf[sizeof(struct ga_event) + GA_EV_DATA_MAX + 64];
	struct ga_event *h = (struct ga_event *)buf;
	struct event e;
	size_t n = make_record(buf);

	if (!ASSERT_OK(event__unpack(&e, buf, n), "unpack"))
		return;
	ASSERT_EQ(e.ts_exit - e.ts_entry, 15, "times");
	ASSERT_EQ(e.goid, 7, "goid");
	ASSERT_EQ(e.func_id, 3, "function");
	ASSERT_EQ(e.args.words[0], 0x1111, "argument word 0");
	ASSERT_EQ(e.args.words[2], 0x2222, "argument word 2");
	ASSERT_EQ(e.args.words[3], 0, "argument words past the count stay 0");
	ASSERT_EQ(e.results.words[0], 99, "result word");
	ASSERT_TRUE(e.args.str_len[0] == 5 && !memcmp(e.args.strs[0], "hello", 5), "argument string 0");
	ASSERT_EQ(e.args.str_len[1], 0, "an empty string");
	ASSERT_TRUE(e.results.str_len[0] == 2 && !memcmp(e.results.strs[0], "ok", 2), "result string");

	/* damaged: each refused, e untouched */
	e.goid = 12345;
	ASSERT_EQ(event__unpack(&e, buf, n - 1), -EINVAL, "a byte short");
	ASSERT_EQ(event__unpack(&e, buf, sizeof(*h) - 1), -EINVAL, "shorter than a header");
	h->nwords[0] = GA_MAX_WORDS + 1;
	ASSERT_EQ(event__unpack(&e, buf, n), -EINVAL, "too many words");
	n = make_record(buf);
	h->str_len[1][0] = GA_STR_LEN + 1;
	ASSERT_EQ(event__unpack(&e, buf, n), -EINVAL, "a string longer than the limit");
	n = make_record(buf);
	h->str_len[1][2] = 1;
	ASSERT_EQ(event__unpack(&e, buf, n), -EINVAL, "bytes of a string past the count");
	n = make_record(buf);
	h->nwords[1] = 2;
	ASSERT_EQ(event__unpack(&e, buf, n), -EINVAL, "counts that do not add up to the size");
	ASSERT_EQ(e.goid, 12345, "nothing written on error");
}

/*
 * --stack's PCs come last, only when it is on: a record
 * without them is the header and the values, exactly as before (the
 * header itself still 88 bytes, the stack count in its former padding).
 */
static void test_event_unpack_stack(void)
{
	unsigned char buf[sizeof(struct ga_event) + GA_EV_RECORD_DATA_MAX + 64];
	struct ga_event *h = (struct ga_event *)buf;
	unsigned long long ret[2] = { 0x401234, 0x405678 };
	struct event e;
	size_t n = make_record(buf);

	ASSERT_EQ(sizeof(struct ga_event), 88, "the header as small as before --stack");
	ASSERT_EQ(n, sizeof(struct ga_event) + 4 * 8 + 5 + 2, "no stack: header, words, strings only");
	if (!ASSERT_OK(event__unpack(&e, buf, n), "unpack without a stack"))
		return;
	ASSERT_EQ(e.nstack, 0, "no PCs");

	memcpy(buf + n, ret, sizeof(ret));
	h->nstack = 2;
	h->size += sizeof(ret);
	if (!ASSERT_OK(event__unpack(&e, buf, n + sizeof(ret)), "unpack with two PCs"))
		return;
	ASSERT_EQ(e.nstack, 2, "two PCs");
	ASSERT_EQ(e.stack[0], 0x401234, "the entry probe's");
	ASSERT_EQ(e.stack[1], 0x405678, "the caller's return address");
	ASSERT_EQ(e.args.words[2], 0x2222, "the words before them unchanged");
	ASSERT_TRUE(e.results.str_len[0] == 2 && !memcmp(e.results.strs[0], "ok", 2),
		    "the strings before them unchanged");

	h->nstack = 3;
	ASSERT_EQ(event__unpack(&e, buf, n + sizeof(ret)), -EINVAL, "a count the size does not hold");
	h->nstack = GA_MAX_STACK + 1;
	h->size = n - sizeof(*h) + h->nstack * 8;
	ASSERT_EQ(event__unpack(&e, buf, n + h->nstack * 8), -EINVAL, "more than GA_MAX_STACK");
}

static void test_sbuf(void)
{
	struct sbuf b = {};
	size_t i;
	bool ok = true;

	ASSERT_STREQ(sbuf_str(&b), "", "empty buffer");
	ASSERT_OK(sbuf_printf(&b, "%s", ""), "append nothing");
	ASSERT_STREQ(sbuf_str(&b), "", "still empty");
	for (i = 0; i < 1000; i++)
		ok &= !sbuf_printf(&b, "%03zu,", i);
	ASSERT_TRUE(ok, "1000 appends");
	ASSERT_EQ(b.len, 4000, "length");
	ASSERT_EQ(strlen(sbuf_str(&b)), 4000, "NUL-terminated");
	ASSERT_TRUE(!strncmp(sbuf_str(&b), "000,001,002,", 12), "start");
	ASSERT_STREQ(sbuf_str(&b) + 3996, "999,", "end");
	sbuf_free(&b);
	ASSERT_TRUE(b.s == NULL && b.len == 0 && b.cap == 0, "freed");
	sbuf_free(&b);
}

/* Always us, three decimals: one unit in a column of calls. */
static void test_format_latency(void)
{
	static const struct { uint64_t ns; const char *want; } cases[] = {
		{ 0, "0.000us" }, { 1341, "1.341us" }, { 9999, "9.999us" }, { 1234567, "1234.567us" },
		{ 11461000, "11461.000us" }, { 2500000001ULL, "2500000.001us" },
		{ 90061000000000ULL, "90061000000.000us" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		format_latency(cases[i].ns, buf, sizeof(buf));
		ASSERT_STREQ(buf, cases[i].want, "latency");
	}
}

/*
 * A Go program printing, from a fixed seed, the bits and %v of float64s
 * and float32s (random bits, and short decimals), and strings of the
 * bytes goattach quotes as %q does (no \a \b \f \r \v, no bytes >= 0x80,
 * which Go escapes its own way) in hex and %q; and time.Durations (the
 * extremes, then random ones, a third of them rounded to a power of ten,
 * a quarter negative) as String() prints them; and net.IPs of 4 and 16
 * bytes (zero groups at random, some mapping IPv4) and of other lengths.
 */
static const char go_truth_src[] =
	"package main\n"
	"\n"
	"import (\n"
	"\t\"bufio\"\n"
	"\t\"fmt\"\n"
	"\t\"math\"\n"
	"\t\"math/rand\"\n"
	"\t\"net\"\n"
	"\t\"os\"\n"
	"\t\"time\"\n"
	"\t\"unicode/utf8\"\n"
	")\n"
	"\n"
	"func main() {\n"
	"\tw := bufio.NewWriter(os.Stdout)\n"
	"\tdefer w.Flush()\n"
	"\tr := rand.New(rand.NewSource(7))\n"
	"\tfor i := 0; i < 20000; i++ {\n"
	"\t\tb := r.Uint64()\n"
	"\t\tif i%2 == 0 {\n"
	"\t\t\tb = math.Float64bits(float64(r.Int63n(2000000)) / math.Pow(10, float64(r.Intn(12))))\n"
	"\t\t}\n"
	"\t\tfmt.Fprintf(w, \"8 %x %v\\n\", b, math.Float64frombits(b))\n"
	"\t\tb32 := r.Uint32()\n"
	"\t\tif i%2 == 0 {\n"
	"\t\t\tf := float32(r.Int63n(2000000)) / float32(math.Pow(10, float64(r.Intn(8))))\n"
	"\t\t\tb32 = math.Float32bits(f)\n"
	"\t\t}\n"
	"\t\tfmt.Fprintf(w, \"4 %x %v\\n\", b32, math.Float32frombits(b32))\n"
	"\t}\n"
	"\tfor i := 0; i < 2000; i++ {\n"
	"\t\ts := make([]byte, r.Intn(20))\n"
	"\t\tfor k := range s {\n"
	"\t\t\ts[k] = byte(r.Intn(128))\n"
	"\t\t}\n"
	"\t\tfmt.Fprintf(w, \"q %x %q\\n\", append([]byte{'.'}, s...), s)\n"
	"\t}\n"
	"\tfor _, d := range []int64{0, 1, -1, 999, 1000, 1e6, 1e9, 60e9, 3600e9, math.MaxInt64, math.MinInt64} {\n"
	"\t\tfmt.Fprintf(w, \"d %d %v\\n\", d, time.Duration(d))\n"
	"\t}\n"
	"\tfor i := 0; i < 5000; i++ {\n"
	"\t\td := r.Int63() >> uint(r.Intn(63))\n"
	"\t\tif i%3 == 0 {\n"
	"\t\t\td -= d % int64(math.Pow(10, float64(r.Intn(10))))\n"
	"\t\t}\n"
	"\t\tif r.Intn(4) == 0 {\n"
	"\t\t\td = -d\n"
	"\t\t}\n"
	"\t\tfmt.Fprintf(w, \"d %d %v\\n\", d, time.Duration(d))\n"
	"\t}\n"
	"\tfor i := 0; i < 3000; i++ {\n"
	"\t\tip := make(net.IP, []int{4, 16, 16, 16, 0, 5}[r.Intn(6)])\n"
	"\t\tfor k := 0; k+1 < len(ip); k += 2 {\n"
	"\t\t\tif r.Intn(2) == 0 {\n"
	"\t\t\t\tip[k], ip[k+1] = byte(r.Intn(256)), byte(r.Intn(3))\n"
	"\t\t\t}\n"
	"\t\t}\n"
	"\t\tif len(ip) == 5 {\n"
	"\t\t\tip[4] = byte(r.Intn(256))\n"
	"\t\t}\n"
	"\t\tif len(ip) == 16 && r.Intn(5) == 0 {\n"
	"\t\t\tcopy(ip, net.IPv4(1, 2, byte(r.Intn(256)), 4))\n"
	"\t\t}\n"
	"\t\tfmt.Fprintf(w, \"i %x %s\\n\", append([]byte{'.'}, ip...), ip.String())\n"
	"\t}\n"
	"\trunes := []rune{0xe9, 0x4e16, 0x1f600, 0xdf, 0xfffd, 0x85, 0x9b, 0xa0, 0xad, 0x2028, 0x2029,\n"
	"\t\t0x202e, 0x200b, 0xfeff, 0xe000, 0x10ffff, 0x3000, 0xfffe, 0x1d173, 0x7ff, 0xffff}\n"
	"\tknown := map[rune]bool{}\n"
	"\tfor _, c := range runes {\n"
	"\t\tknown[c] = true\n"
	"\t}\n"
	"\tfor i := 0; i < 2000; {\n"
	"\t\tvar s []byte\n"
	"\t\tfor k, n := 0, r.Intn(24); k < n; k++ {\n"
	"\t\t\tif r.Intn(3) == 0 {\n"
	"\t\t\t\ts = utf8.AppendRune(s, runes[r.Intn(len(runes))])\n"
	"\t\t\t} else {\n"
	"\t\t\t\ts = append(s, byte(r.Intn(256)))\n"
	"\t\t\t}\n"
	"\t\t}\n"
	"\t\tok := true\n"
	"\t\tfor j := 0; j < len(s); {\n"
	"\t\t\tc, n := utf8.DecodeRune(s[j:])\n"
	"\t\t\tok = ok && (n == 1 || known[c])\n"
	"\t\t\tj += n\n"
	"\t\t}\n"
	"\t\tif ok {\n"
	"\t\t\ti++\n"
	"\t\t\tfmt.Fprintf(w, \"q %x %q\\n\", append([]byte{'.'}, s...), s)\n"
	"\t\t}\n"
	"\t}\n"
	"\tunits := []string{\"ns\", \"us\", \"\\u00b5s\", \"\\u03bcs\", \"ms\", \"s\", \"m\", \"h\", \"x\", \"\", \"S\"}\n"
	"\tfor i := 0; i < 4000; i++ {\n"
	"\t\tvar s string\n"
	"\t\tswitch r.Intn(20) {\n"
	"\t\tcase 0:\n"
	"\t\t\ts = []string{\"nan\", \"inf\", \"0\", \"\", \"-1s\", \"+2ms\", \"1e3s\", \".s\", \"1..5s\"}[r.Intn(9)]\n"
	"\t\tdefault:\n"
	"\t\t\tfor k, n := 0, 1+r.Intn(3); k < n; k++ {\n"
	"\t\t\t\ts += fmt.Sprint(r.Int63n(1 << uint(r.Intn(40))))\n"
	"\t\t\t\tif r.Intn(3) == 0 {\n"
	"\t\t\t\t\ts += \".\" + fmt.Sprint(r.Int63n(1 << uint(r.Intn(60))))[1:]\n"
	"\t\t\t\t}\n"
	"\t\t\t\ts += units[r.Intn(len(units)-3)]\n"
	"\t\t\t\tif r.Intn(40) == 0 {\n"
	"\t\t\t\t\ts += units[len(units)-3+r.Intn(3)]\n"
	"\t\t\t\t}\n"
	"\t\t\t}\n"
	"\t\t}\n"
	"\t\tif d, err := time.ParseDuration(s); err != nil {\n"
	"\t\t\tfmt.Fprintf(w, \"p %x err\\n\", append([]byte{'.'}, s...))\n"
	"\t\t} else {\n"
	"\t\t\tfmt.Fprintf(w, \"p %x %d\\n\", append([]byte{'.'}, s...), int64(d))\n"
	"\t\t}\n"
	"\t}\n"
	"}\n";

/* Run the Go program above; its stdout in res. False (and a skip) when Go is not here. */
static bool run_go_truth(struct cmd_result *res)
{
	char cmd[2048];
	FILE *f;

	if (sh_run("command -v go >/dev/null", 10, res) || res->status) {
		TEST_SKIP("no go command: no Go to compare with");
		return false;
	}
	cmd_result_free(res);
	f = fopen(tmp_path("gotruth.go"), "w");
	if (!ASSERT_TRUE(f != NULL, "write the Go program"))
		return false;
	fputs(go_truth_src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd '%s' && GOFLAGS=-mod=mod GOTOOLCHAIN=local go run gotruth.go",
		 tmp_dir());
	if (sh_run(cmd, 300, res) || !ASSERT_EQ(res->status, 0, "go run")) {
		printf("%s\n", res->err ? res->err : "");
		return false;
	}
	return true;
}

/*
 * A duration string (hex, after '.') Go's time.ParseDuration parsed to
 * want ("err", or its ns) against parse_go_duration: the same ns, or an
 * error where Go has one; and an error too where ours is stricter on
 * purpose: a sign, or no unit ("0").
 */
static bool check_parse_duration(const char *hex, const char *want, char *ours, size_t len)
{
	char str[128];
	size_t i, n = strlen(hex) / 2 - 1;
	uint64_t ns;
	int err;

	for (i = 0; i < n && i < sizeof(str) - 1; i++)
		sscanf(hex + 2 + 2 * i, "%2hhx", (unsigned char *)&str[i]);
	str[i] = '\0';
	err = parse_go_duration(str, &ns);
	if (err)
		snprintf(ours, len, "err (%d) for '%s'", err, str);
	else
		snprintf(ours, len, "%" PRIu64 " for '%s'", ns, str);
	if (!strcmp(want, "err"))
		return err != 0;
	if (str[0] == '-' || str[0] == '+' || !strcmp(str, "0"))
		return err != 0;
	return !err && ns == strtoull(want, NULL, 10);
}

/* One line of the Go program's output against ours; false when they differ. */
static bool check_go_line(const char *line, struct sbuf *b, char *ours, size_t len)
{
	char kind[4], hex[256], *want;
	uint8_t bytes[128];
	unsigned long long bits;
	size_t i, n;

	if (sscanf(line, "%3s %255s", kind, hex) != 2 || !(want = strchr(strchr(line, ' ') + 1, ' ')))
		return false;
	want++;
	if (kind[0] == 'd') {
		format_go_duration(strtoll(hex, NULL, 10), ours, len);
		return !strcmp(ours, want);
	}
	if (kind[0] == 'p')
		return check_parse_duration(hex, want, ours, len);
	if (kind[0] != 'q' && kind[0] != 'i') {
		bits = strtoull(hex, NULL, 16);
		format_float_bits(bits, kind[0] == '4' ? 4 : 8, ours, len);
		return !strcmp(ours, want);
	}
	/* the hex starts with '.' (2e) so that an empty string has some */
	n = strlen(hex) / 2 - 1;
	for (i = 0; i < n && i < sizeof(bytes); i++)
		sscanf(hex + 2 + 2 * i, "%2hhx", &bytes[i]);
	if (kind[0] == 'i') {
		format_go_ip(bytes, n, ours, len);
		return !strcmp(ours, want);
	}
	sbuf_free(b);
	quote_text(b, (const char *)bytes, n);
	snprintf(ours, len, "%s", sbuf_str(b));
	return !strcmp(ours, want);
}

/* Random floats, strings, durations and IPs, as Go prints them. */
static void test_go_random(void)
{
	struct cmd_result res = {};
	struct sbuf b = {};
	char *line, *save, ours[256];
	int n = 0, bad = 0;

	if (!run_go_truth(&res))
		goto out;
	for (line = strtok_r(res.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		if (!check_go_line(line, &b, ours, sizeof(ours)) && bad++ < 5)
			printf("  go: %s\n  ours: %s\n", line, ours);
	}
	printf("  %d values printed by Go, %d differ\n", n, bad);
	ASSERT_EQ(n, 42000 + 11 + 5000 + 3000 + 2000 + 4000, "lines from Go");
	ASSERT_EQ(bad, 0, "values that differ from Go");
out:
	sbuf_free(&b);
	cmd_result_free(&res);
}

/* Durations as Go's String() prints them (checked with Go 1.19). */
static void test_go_duration(void)
{
	static const struct { int64_t ns; const char *want; } cases[] = {
		{ 0, "0s" }, { 1, "1ns" }, { -5000, "-5\u00b5s" }, { 1500, "1.5\u00b5s" },
		{ 13000000, "13ms" }, { 1500000000, "1.5s" }, { 7200000000000LL, "2h0m0s" },
		{ 90500000000LL, "1m30.5s" }, { 1000000001, "1.000000001s" },
		{ INT64_MIN, "-2562047h47m16.854775808s" }, { INT64_MAX, "2562047h47m16.854775807s" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		format_go_duration(cases[i].ns, buf, sizeof(buf));
		ASSERT_STREQ(buf, cases[i].want, "duration");
	}
}

/* net.IPs as Go's String() prints them (checked with Go 1.19). */
static void test_go_ip(void)
{
	static const struct { uint8_t ip[16]; size_t n; const char *want; } cases[] = {
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16, "2001:db8::1" },
		{ {}, 16, "::" },
		{ { 0, 1, 0, 0, 0, 0, 0, 2, [15] = 3 }, 16, "1:0:0:2::3" },
		{ { 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4 }, 16, "1:0:2:0:3:0:4:0" },
		{ { [10] = 0xff, 0xff, 10, 1, 2, 3 }, 16, "10.1.2.3" },
		{ { 192, 168, 0, 1 }, 4, "192.168.0.1" },
		{ {}, 0, "<nil>" },
		{ { 1, 2, 3, 4, 5 }, 5, "?0102030405" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		format_go_ip(cases[i].ip, cases[i].n, buf, sizeof(buf));
		ASSERT_STREQ(buf, cases[i].want, "ip");
	}
}

/*
 * time.Times from their wall and ext words, as Go's RFC3339Nano prints
 * them in UTC (words and text from samples/funcs' "later" under Go 1.19).
 */
static void test_go_time(void)
{
	static const struct { uint64_t wall; int64_t ext; const char *want; } cases[] = {
		{ 5, 63393490800LL, "2009-11-10T23:00:00.000000005Z" },
		{ 0, 62121413860LL, "1969-07-20T20:17:40Z" },
		{ 500000000, 71350243201LL, "2262-01-01T00:00:01.5Z" },
		{ 123456789, 63835596800LL, "2023-11-14T22:13:20.123456789Z" },
		/* monotonic: seconds since 1885 in bits 30-62 (2026-12-02T00:25:16.754012877Z) */
		{ 14032080897532056269ULL, 33051, "2026-12-02T00:25:16.754012877Z" },
	};
	char buf[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		format_go_time(cases[i].wall, cases[i].ext, buf, sizeof(buf));
		ASSERT_STREQ(buf, cases[i].want, "time");
	}
}

int main(void)
{
	RUN_TEST(test_go_float64);
	RUN_TEST(test_go_float32);
	RUN_TEST(test_float_bits);
	RUN_TEST(test_integers);
	RUN_TEST(test_quote_text);
	RUN_TEST(test_json_quote);
	RUN_TEST(test_json_printer);
	RUN_TEST(test_json_quote_utf8);
	RUN_TEST(test_json_big_ints);
	RUN_TEST(test_json_cut_string);
	RUN_TEST(test_event_unpack);
	RUN_TEST(test_event_unpack_stack);
	RUN_TEST(test_sbuf);
	RUN_TEST(test_format_latency);
	RUN_TEST(test_go_duration);
	RUN_TEST(test_go_ip);
	RUN_TEST(test_go_time);
	RUN_TEST(test_go_random);
	return test_summary();
}
