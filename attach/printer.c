// SPDX-License-Identifier: MIT
/*
 * The two value printers: Go syntax text and JSON text, over the same
 * calls (printer.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"
#include "util.h"

/* Open a group: a new innermost frame, or NULL (and p->err) when out of memory. */
static struct vp_frame *vp_push(struct vprinter *p, enum vp_group group)
{
	void *mem = p->frames;
	struct vp_frame *f;

	if (p->err)
		return NULL;
	if (ga_ensure_mem(&mem, &p->cap, p->depth + 1, sizeof(*p->frames))) {
		p->err = -ENOMEM;
		return NULL;
	}
	p->frames = mem;
	f = &p->frames[p->depth++];
	*f = (struct vp_frame){ .group = group };
	return f;
}

/* The innermost open group, or NULL at the top or after an error. */
static struct vp_frame *vp_top(struct vprinter *p)
{
	return !p->err && p->depth ? &p->frames[p->depth - 1] : NULL;
}

static void vp_clear(struct vprinter *p)
{
	free(p->frames);
	*p = (struct vprinter){};
}

/* Append to the output unless an append failed before. */
static void __attribute__((format(printf, 2, 3)))
vp_printf(struct vprinter *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	p->err = sbuf_vprintf(p->out, fmt, ap);
	va_end(ap);
}

static void vp_puts(struct vprinter *p, const char *s)
{
	if (!p->err)
		p->err = sbuf_puts(p->out, s);
}

/* --- text: Go syntax --- */

/* How each group looks in text: key_sep follows a member's key (no key when NULL). */
static const struct {
	const char *open, *sep, *key_sep, *close;
} text_groups[] = {
	[VP_ARGS] = { "", ", ", "=", "" },
	[VP_RESULTS] = { "", ", ", NULL, "" },
	[VP_STRUCT] = { "{", " ", ":", "}" },
	[VP_ARRAY] = { "[", " ", NULL, "]" },
	[VP_COMPLEX] = { "(", "", NULL, "i)" },
	[VP_DEREF] = { "", " &", NULL, "" },
	[VP_ELEMS] = { "[", " ", NULL, "]" },
	[VP_MAP] = { "map[", " ", NULL, "]" },
	[VP_ENTRY] = { "", ":", NULL, "" },
};

/* The text_printer around p (its first member). */
static struct text_printer *to_text(struct vprinter *p)
{
	return (struct text_printer *)p;
}

/* A leaf's text. Go prints complex(1, 2) as (1+2i): a sign joins the parts. */
static void text_leaf(struct vprinter *p, const char *text)
{
	struct text_printer *tp = to_text(p);

	if (tp->sign && text[0] != '-' && text[0] != '+')
		vp_puts(p, "+");
	tp->sign = false;
	vp_puts(p, text);
}

static void text_open(struct vprinter *p, enum vp_group group)
{
	if (vp_push(p, group))
		vp_puts(p, text_groups[group].open);
}

static void text_member(struct vprinter *p, const char *key)
{
	struct vp_frame *f = vp_top(p);

	if (!f)
		return;
	if (f->members++)
		vp_puts(p, text_groups[f->group].sep);
	if (key && text_groups[f->group].key_sep) {
		vp_puts(p, key);
		vp_puts(p, text_groups[f->group].key_sep);
	}
	to_text(p)->sign = f->group == VP_COMPLEX && f->members == 2;
}

static void text_close(struct vprinter *p)
{
	struct vp_frame *f = vp_top(p);

	if (!f)
		return;
	if ((f->group == VP_ELEMS || f->group == VP_ARRAY || f->group == VP_MAP) && f->len > f->shown)
		vp_printf(p, "%s...](len=%" PRIu64 ")", f->members ? " " : "", f->len);
	else
		vp_puts(p, text_groups[f->group].close);
	p->depth--;
}

static void text_open_elems(struct vprinter *p, uint64_t len, uint64_t cap, size_t shown)
{
	struct vp_frame *f = vp_push(p, VP_ELEMS);

	(void)cap;
	if (!f)
		return;
	f->len = len;
	f->shown = shown;
	vp_puts(p, text_groups[VP_ELEMS].open);
}

static void text_array_cut(struct vprinter *p, uint64_t len)
{
	struct vp_frame *f = vp_top(p);

	if (!f)
		return;
	f->len = len;
	f->shown = f->members;
}

/* Go's fmt: map[k:v k:v]; cut: map[k:v ...](len=9) */
static void text_open_map(struct vprinter *p, uint64_t len)
{
	struct vp_frame *f = vp_push(p, VP_MAP);

	if (!f)
		return;
	f->len = f->shown = len;
	vp_puts(p, text_groups[VP_MAP].open);
}

static void text_boolean(struct vprinter *p, bool b)
{
	text_leaf(p, b ? "true" : "false");
}

/* The first n of full bytes, quoted; then how long the whole is when cut. */
static void text_string(struct vprinter *p, const char *s, size_t n, uint64_t full)
{
	if (!p->err)
		p->err = quote_text(p->out, s, n);
	if (full > n)
		vp_printf(p, "...(%" PRIu64 " bytes)", full);
}

static void text_bytes(struct vprinter *p, const char *s, size_t n, uint64_t len, uint64_t cap)
{
	(void)cap;
	text_string(p, s, n, len);
}

static void text_slice_header(struct vprinter *p, uint64_t len, uint64_t cap)
{
	vp_printf(p, "[len=%" PRIu64 " cap=%" PRIu64 "]", len, cap);
}

/* <*errors.errorString "EOF">, else <main.T 0xc000012345> */
static void text_iface(struct vprinter *p, const char *type, uint64_t data, const char *msg,
		       size_t msg_len)
{
	if (!msg) {
		vp_printf(p, "<%s 0x%" PRIx64 ">", type, data);
		return;
	}
	vp_printf(p, "<%s ", type);
	if (!p->err)
		p->err = quote_text(p->out, msg, msg_len);
	vp_puts(p, ">");
}

static void text_number_text(struct vprinter *p, const char *num, const char *text)
{
	(void)num;
	text_leaf(p, text);
}

static const struct vprinter_ops text_ops = {
	.open = text_open,
	.member = text_member,
	.close = text_close,
	.open_elems = text_open_elems,
	.array_cut = text_array_cut,
	.open_map = text_open_map,
	.number = text_leaf,
	.number_text = text_number_text,
	.word = text_leaf,
	.boolean = text_boolean,
	.none = text_leaf,
	.string = text_string,
	.bytes = text_bytes,
	.slice_header = text_slice_header,
	.iface = text_iface,
};

void text_printer__init(struct text_printer *tp, struct sbuf *out)
{
	*tp = (struct text_printer){ .vp.ops = &text_ops, .vp.out = out };
}

void text_printer__clear(struct text_printer *tp)
{
	vp_clear(&tp->vp);
	tp->sign = false;
}

/* --- JSON: written as it is told, into an sbuf --- */

static void json_str(struct vprinter *p, const char *s, size_t n)
{
	if (!p->err)
		p->err = json_quote(p->out, s, n);
}

/* A length, a count: a number, or a string beyond 2^53. */
static void json_len(struct vprinter *p, uint64_t v)
{
	if (!p->err)
		p->err = json_u64(p->out, v);
}

/* Only VP_ARRAY and a slice's or map's members are JSON arrays; every other group is an object. */
static bool json_is_array(enum vp_group group)
{
	return group == VP_ARRAY || group == VP_ELEMS || group == VP_MAP;
}

static void json_open(struct vprinter *p, enum vp_group group)
{
	if (vp_push(p, group))
		vp_puts(p, json_is_array(group) ? "[" : "{");
}

/* A comma after the first member, and the key in objects ("" when there is none). */
static void json_member(struct vprinter *p, const char *key)
{
	struct vp_frame *f = vp_top(p);

	if (!f)
		return;
	if (f->members++)
		vp_puts(p, ",");
	if (json_is_array(f->group))
		return;
	json_str(p, key ? key : "", key ? strlen(key) : 0);
	vp_puts(p, ":");
}

static void json_close(struct vprinter *p)
{
	struct vp_frame *f = vp_top(p);

	if (!f)
		return;
	if (f->group == VP_MAP)
		vp_printf(p, "],\"truncated\":%s}", f->len > f->shown ? "true" : "false");
	else
		vp_puts(p, f->group == VP_ELEMS ? "]}" : json_is_array(f->group) ? "]" : "}");
	p->depth--;
}

/* {"len": 9, "cap": 16, "elems": [...]}, the elements going in elems */
static void json_open_elems(struct vprinter *p, uint64_t len, uint64_t cap, size_t shown)
{
	(void)shown;
	if (!vp_push(p, VP_ELEMS))
		return;
	vp_puts(p, "{\"len\":");
	json_len(p, len);
	vp_puts(p, ",\"cap\":");
	json_len(p, cap);
	vp_puts(p, ",\"elems\":[");
}

/*
 * JSON: the array holds the elements fetched; the event says which params
 * are incomplete. A map says so itself ("truncated").
 */
static void json_array_cut(struct vprinter *p, uint64_t len)
{
	struct vp_frame *f = vp_top(p);

	if (f && f->group == VP_MAP)
		f->shown = f->members;
	(void)len;
}

/* {"len": 9, "entries": [{"key": "a", "value": 1}, ...], "truncated": true} */
static void json_open_map(struct vprinter *p, uint64_t len)
{
	struct vp_frame *f = vp_push(p, VP_MAP);

	if (!f)
		return;
	f->len = f->shown = len;
	vp_puts(p, "{\"len\":");
	json_len(p, len);
	vp_puts(p, ",\"entries\":[");
}

/* an integer beyond 2^53 as a string of its digits: parsers read JSON numbers as float64 */
static void json_number(struct vprinter *p, const char *num)
{
	if (!p->err)
		p->err = json_num(p->out, num);
}

static void json_number_text(struct vprinter *p, const char *num, const char *text)
{
	(void)text;
	json_number(p, num);
}

static void json_word(struct vprinter *p, const char *text)
{
	json_str(p, text, strlen(text));
}

static void json_boolean(struct vprinter *p, bool b)
{
	vp_puts(p, b ? "true" : "false");
}

static void json_none(struct vprinter *p, const char *text)
{
	(void)text;
	vp_puts(p, "null");
}

/*
 * A whole string as a JSON string; one cut at the fetch limit as
 * {"value": its first bytes, "truncated": true, "len": its length}, the
 * cut moved back to the start of a character it would split.
 */
static void json_string(struct vprinter *p, const char *s, size_t n, uint64_t full)
{
	if (full <= n) {
		json_str(p, s, n);
		return;
	}
	vp_puts(p, "{\"value\":");
	json_str(p, s, utf8_cut_len(s, n));
	vp_puts(p, ",\"truncated\":true,\"len\":");
	json_len(p, full);
	vp_puts(p, "}");
}

/* {"len": 70, "cap": 80, "bytes": "first bytes", "truncated": true}: cut like a string */
static void json_bytes(struct vprinter *p, const char *s, size_t n, uint64_t len, uint64_t cap)
{
	vp_puts(p, "{\"len\":");
	json_len(p, len);
	vp_puts(p, ",\"cap\":");
	json_len(p, cap);
	vp_puts(p, ",\"bytes\":");
	json_str(p, s, len > n ? utf8_cut_len(s, n) : n);
	vp_puts(p, len > n ? ",\"truncated\":true}" : "}");
}

static void json_slice_header(struct vprinter *p, uint64_t len, uint64_t cap)
{
	vp_puts(p, "{\"len\":");
	json_len(p, len);
	vp_puts(p, ",\"cap\":");
	json_len(p, cap);
	vp_puts(p, "}");
}

/* {"type": "*errors.errorString", "data": "0xc000010250", "message": "EOF"} */
static void json_iface(struct vprinter *p, const char *type, uint64_t data, const char *msg,
		       size_t msg_len)
{
	vp_puts(p, "{\"type\":");
	json_str(p, type, strlen(type));
	vp_printf(p, ",\"data\":\"0x%" PRIx64 "\"", data);
	if (msg) {
		vp_puts(p, ",\"message\":");
		json_str(p, msg, msg_len);
	}
	vp_puts(p, "}");
}

static const struct vprinter_ops json_ops = {
	.open = json_open,
	.member = json_member,
	.close = json_close,
	.open_elems = json_open_elems,
	.array_cut = json_array_cut,
	.open_map = json_open_map,
	.number = json_number,
	.number_text = json_number_text,
	.word = json_word,
	.boolean = json_boolean,
	.none = json_none,
	.string = json_string,
	.bytes = json_bytes,
	.slice_header = json_slice_header,
	.iface = json_iface,
};

void json_printer__init(struct json_printer *jp, struct sbuf *out)
{
	*jp = (struct json_printer){ .vp.ops = &json_ops, .vp.out = out };
}

void json_printer__clear(struct json_printer *jp)
{
	vp_clear(&jp->vp);
}
