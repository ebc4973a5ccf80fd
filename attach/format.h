/* SPDX-License-Identifier: MIT */
/*
 * Pure formatting for goattach's output: numbers as Go's %v prints them,
 * latencies with a unit, text quoted as goattach shows Go strings, and a
 * growing text buffer. No I/O and no state: each result depends on the
 * arguments only.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "utf8.h"

/* Room for any number these helpers format (shortest float64, 0x..., int64). */
#define FORMAT_NUM_LEN 64

/* A growing text buffer: zero-initialize, append, then sbuf_free. */
struct sbuf {
	char *s;	/* NUL-terminated once anything was appended, else NULL */
	size_t len, cap;
};

/* Append; 0, or -ENOMEM (or -EINVAL from vsnprintf) with b unchanged. */
int sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append n bytes of s, or a C string; 0 or -ENOMEM (b unchanged). */
int sbuf_append(struct sbuf *b, const char *s, size_t n);
int sbuf_puts(struct sbuf *b, const char *s);
/* Empty again, keeping the memory for the next line. */
void sbuf_reset(struct sbuf *b);
/* The text so far, "" when nothing was appended; borrowed until the next append. */
const char *sbuf_str(const struct sbuf *b);
void sbuf_free(struct sbuf *b);

/*
 * s[0..n) between double quotes as Go's %q shows it, so that no byte
 * reaches a terminal raw: '"', '\\', \a \b \f \n \r \t \v, other
 * control bytes and DEL as \xNN, bytes of invalid UTF-8 as \xNN, and the
 * unprintable runes (C1 controls, bidi and zero-width format characters,
 * separators, private use) as \uNNNN or \UNNNNNNNN. Returns 0 or -ENOMEM.
 */
int quote_text(struct sbuf *b, const char *s, size_t n);
/*
 * s[0..n) as a JSON string that is always valid UTF-8: '"', '\\' and
 * control bytes escaped (\n, \u0001, ...), valid UTF-8 as it is, and
 * each byte that is not part of valid UTF-8 as the text Go's %q writes
 * for it, \xff (in JSON "\\xff"). Returns 0 or -ENOMEM.
 */
int json_quote(struct sbuf *b, const char *s, size_t n);
/*
 * A JSON integer: as a number up to 2^53 in magnitude, beyond that as a
 * JSON string of its digits (as protobuf's JSON mapping writes 64-bit
 * integers), so that no parser rounds it. json_num takes a number's
 * JSON text ("42", "-1.5e+30") and quotes it only when it is such an
 * integer. Return 0 or -ENOMEM.
 */
int json_u64(struct sbuf *b, uint64_t v);
int json_num(struct sbuf *b, const char *num);

/* The low size bytes of v (size 1, 2, 4; 8 or more keeps v; 0 or less: 0). */
uint64_t mask_size(uint64_t v, int size);
/* The low size bytes of v as a signed integer of that width (0 or less: 0). */
int64_t sign_extend(uint64_t v, int size);
/* size bytes at p, little-endian. */
uint64_t read_le(const void *p, int size);

/* v as Go's %v prints a float64 (is32: a float32): shortest, 'g'-like. */
void format_go_float(double v, bool is32, char *buf, size_t len);
/* The float32 (size 4) or float64 with these bits, as format_go_float. */
void format_float_bits(uint64_t bits, int size, char *buf, size_t len);
/*
 * A basic value of size bytes as Go's %v prints it: GA_PIECE_INT signed,
 * GA_PIECE_BOOL true/false, GA_PIECE_FLOAT as format_float_bits, any
 * other kind unsigned.
 */
void format_scalar(enum ga_piece_kind kind, uint64_t bits, int size, char *buf, size_t len);

/*
 * A duration option's text, Go's time.ParseDuration syntax without a sign
 * ("2s", "500ms", "1m30s", "1.5µs"), into *ns. 0, or -ENOMSG for a bare
 * number (no unit), -ERANGE above INT64_MAX ns, -EINVAL for the rest
 * ("nan", "inf", "-1s", "2x").
 */
int parse_go_duration(const char *s, uint64_t *ns);

/*
 * A time.Duration of d ns as Go's String() prints it: "0s", "999ns",
 * "1.5µs" (U+00B5), "13ms", "1m30.5s", "2h0m0s", "-5µs".
 */
void format_go_duration(int64_t d, char *buf, size_t len);

/*
 * n bytes of a net.IP as Go's String() prints them: "10.0.0.1" (4 bytes,
 * or 16 mapping IPv4), "2001:db8::1", "<nil>" (none), else "?" and hex.
 * Room: 40 bytes for 16; 2n + 2 for other lengths.
 */
void format_go_ip(const uint8_t *ip, size_t n, char *buf, size_t len);
/* Room for any IP format_go_ip prints of at most 64 bytes (GA_STR_LEN). */
#define FORMAT_IP_LEN 136

/*
 * A time.Time from its wall and ext words, in RFC 3339 UTC with Go's
 * RFC3339Nano fraction (trailing zeros dropped): "2009-11-10T23:00:00.000000005Z".
 * Its location is not read. Room: 48 bytes.
 */
void format_go_time(uint64_t wall, int64_t ext, char *buf, size_t len);

/* A latency, always in us with three decimals: "1.341us", "11461.000us". */
void format_latency(uint64_t ns, char *buf, size_t len);
