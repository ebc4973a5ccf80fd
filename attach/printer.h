/* SPDX-License-Identifier: MIT */
/*
 * The value printer: one decoded value is told to a printer as groups
 * (arguments, structs, arrays, ...) of members and leaves, and the
 * printer builds one format. Two printers over the same calls: Go
 * syntax text (as %+v prints values) and JSON, both appended to an sbuf.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

/* A group of members; each shows its own brackets, separators and keys. */
enum vp_group {
	VP_ARGS,	/* a call's arguments: a=1, b=2 */
	VP_RESULTS,	/* its results: 1, nil */
	VP_STRUCT,	/* {X:1 Y:2} */
	VP_ARRAY,	/* [1 2] (members without keys) */
	VP_COMPLEX,	/* (1.5-2i), from members "real" and "imag" */
	VP_DEREF,	/* --deref: 0xc000012345 &{X:1}, from members "addr" and "value" */
	VP_ELEMS,	/* a slice's first elements: [1 2 ...](len=9) (open_elems) */
	VP_MAP,		/* a map's first entries: map[a:1 b:2 ...](len=9) (open_map) */
	VP_ENTRY,	/* one entry of a VP_MAP: a:1, from members "key" and "value" */
};

struct vprinter;

/*
 * Every value is one leaf call or one open ... close; inside a group,
 * member() comes before each value. Strings passed in are borrowed for
 * the call only.
 */
struct vprinter_ops {
	void (*open)(struct vprinter *p, enum vp_group group);
	/* the next member of the open group: key names it (JSON keys; NULL in arrays) */
	void (*member)(struct vprinter *p, const char *key);
	void (*close)(struct vprinter *p);
	/* a slice of basic values: shown of its len elements follow, each a number() */
	void (*open_elems)(struct vprinter *p, uint64_t len, uint64_t cap, size_t shown);
	/* a map of len entries; each shown one a VP_ENTRY; array_cut() when not all are shown */
	void (*open_map)(struct vprinter *p, uint64_t len);
	/* in an open VP_ARRAY or VP_MAP: the members after those shown are not shown */
	void (*array_cut)(struct vprinter *p, uint64_t len);

	/* 42, 1.5: a JSON number, given as its text */
	void (*number)(struct vprinter *p, const char *num);
	/* a number Go prints by its type's String(): text in Go syntax, num in JSON (13ms, 13000000) */
	void (*number_text)(struct vprinter *p, const char *num, const char *text);
	/* 0xc000012345, +Inf, a symbol: bare text, a JSON string */
	void (*word)(struct vprinter *p, const char *text);
	void (*boolean)(struct vprinter *p, bool b);
	/* nil, ?, ?(xmm): this text, JSON null */
	void (*none)(struct vprinter *p, const char *text);
	/* the first n of the full bytes of a Go string */
	void (*string)(struct vprinter *p, const char *s, size_t n, uint64_t full);
	/* a []byte: its first n bytes, len and cap */
	void (*bytes)(struct vprinter *p, const char *s, size_t n, uint64_t len, uint64_t cap);
	/* a slice whose elements are not shown */
	void (*slice_header)(struct vprinter *p, uint64_t len, uint64_t cap);
	/* a non-nil interface: dynamic type, data word, and an error's message (msg NULL if none) */
	void (*iface)(struct vprinter *p, const char *type, uint64_t data, const char *msg,
		      size_t msg_len);
};

/* One open group. */
struct vp_frame {
	enum vp_group group;
	size_t members;		/* member() calls so far */
	uint64_t len;		/* VP_ELEMS: the slice's length, */
	size_t shown;		/* and how many elements are shown */
};

struct vprinter {
	const struct vprinter_ops *ops;
	struct sbuf *out;	/* the text is appended here (borrowed for the printer's life) */
	struct vp_frame *frames;	/* the open groups, innermost last */
	size_t depth, cap;
	int err;		/* -ENOMEM once something could not be kept: stops printing */
	bool cut;		/* set by the decoder: a value did not fit the fetch budget */
};

/* Go syntax, appended to out. */
struct text_printer {
	struct vprinter vp;
	bool sign;		/* the next leaf is an imaginary part: "+" unless signed */
};

void text_printer__init(struct text_printer *tp, struct sbuf *out);
void text_printer__clear(struct text_printer *tp);

/* JSON, appended to out: one value, a group usually. */
struct json_printer {
	struct vprinter vp;
};

void json_printer__init(struct json_printer *jp, struct sbuf *out);
void json_printer__clear(struct json_printer *jp);
