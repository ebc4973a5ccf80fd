/* SPDX-License-Identifier: MIT */
/*
 * Go expressions over a traced call: --expr shows them with each call,
 * --filter keeps only the calls they hold for. Parsed once (expr_parse),
 * type-checked and placed once per traced function (expr_place): every
 * value they read becomes words and strings of the function's own fetch
 * lists (struct ga_probe_spec), read by the same BPF fetch program as
 * the arguments, through pointers with GA_SRC_DEREF.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "goattach.h"
#include "gotype.h"

enum expr_kind {
	EXPR_IDENT,	/* a parameter or result: its name, "~r0", "recv", "arg0", ... */
	EXPR_LATENCY,	/* the identifier latency: the call's duration (ns), at the exit */
	EXPR_FIELD,	/* x.name; through a pointer too (Go's automatic dereference) */
	EXPR_INDEX,	/* x[num]: an array or slice element, num a constant */
	EXPR_MAPKEY,	/* x[key]: a map's value for a constant key (key: y, a literal) */
	EXPR_DEREF,	/* *x */
	EXPR_LEN,	/* len(x): string, slice, array, map, chan */
	EXPR_CAP,	/* cap(x): slice, array, chan */
	EXPR_INT,	/* an integer literal: num (negative too) */
	EXPR_FLOAT,	/* a floating-point literal: fnum */
	EXPR_STRING,	/* a string literal: str, len (Go's escapes decoded) */
	EXPR_DURATION,	/* 2ms, 1.5s: num nanoseconds */
	EXPR_BOOL,	/* true, false: num 1 or 0 */
	EXPR_NIL,	/* nil */
	EXPR_CMP,	/* x cmp y */
	EXPR_AND,	/* x && y */
	EXPR_OR,	/* x || y */
	EXPR_NOT,	/* !x */
	EXPR_HASPREFIX,	/* strings.HasPrefix(x, y): y a string literal */
};

enum expr_cmp {
	EXPR_EQ = 0,
	EXPR_NE,
	EXPR_LT,
	EXPR_LE,
	EXPR_GT,
	EXPR_GE,
};

/*
 * Where a value's words are in the fetch of one side of a call, after
 * expr_place(). Word and slot indexes are into the ga_vals of that side
 * (entry: the arguments part; RET: the results part of the event).
 */
struct expr_loc {
	bool placed;
	int part;		/* GA_EV_ARGS (fetched at the entry) or GA_EV_RESULTS (at the RET) */
	int word;		/* scalar, pointer, iface tab, string or slice data: its word; -1 none */
	int len_word;		/* string, slice: the length word; map, chan: the count word; -1 */
	int cap_word;		/* slice: the capacity word; -1 */
	int data_word;		/* iface: the data word; -1 */
	int str;		/* string, []byte: the slot of its copied bytes; -1 none */
	int guard;		/* a word that is 0 when the value is behind a nil pointer; -1 none */
	uint8_t size;		/* scalar: its bytes (1, 2, 4, 8) */
	uint8_t shift;		/* scalar: its byte offset in word (small values share stack words) */
	bool is_signed;
	bool is_float;
};

struct expr {
	enum expr_kind kind;
	enum expr_cmp cmp;	/* EXPR_CMP */
	struct expr *x, *y;	/* operands; EXPR_MAPKEY: x the map, y the key literal */
	char *name;		/* EXPR_IDENT, EXPR_FIELD: the name */
	int64_t num;		/* EXPR_INT, EXPR_INDEX (the index), EXPR_DURATION, EXPR_BOOL */
	double fnum;		/* EXPR_FLOAT */
	char *str;		/* EXPR_STRING: the bytes (NUL-terminated, may hold NULs) */
	size_t len;		/* EXPR_STRING: their count */
	int pos;		/* byte offset in the source text, for messages */

	/* by expr_place(), for one function */
	const struct gotype *type;	/* the Go type; NULL for untyped literals and bools */
	bool at_exit;		/* reads a result or latency: evaluated at the exit */
	struct expr_loc loc;	/* where its value was fetched (values read from the call) */
};

/*
 * Parse src (a Go expression of the forms above). NULL on a syntax error,
 * with msg saying what and where ("at 7: expected ')'").
 */
struct expr *expr_parse(const char *src, char *msg, size_t msglen);
void expr_free(struct expr *e);

/* The source text of e, normalized (the JSON key of an --expr). */
int expr_format(const struct expr *e, char *buf, size_t len);
