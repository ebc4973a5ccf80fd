// SPDX-License-Identifier: MIT
/* Pure formatting for goattach's output: numbers, latencies, quoting, text buffers. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "util.h"

int sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	void *mem;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	mem = b->s;
	if (ga_ensure_mem(&mem, &b->cap, b->len + n + 1, 1))
		return -ENOMEM;
	b->s = mem;
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += n;
	return 0;
}

int sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

const char *sbuf_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	*b = (struct sbuf){};
}

int quote_text(struct sbuf *b, const char *s, size_t n)
{
	int err = sbuf_printf(b, "\"");
	size_t i;

	for (i = 0; !err && i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			err = sbuf_printf(b, "\\%c", c);
		else if (c == '\n')
			err = sbuf_printf(b, "\\n");
		else if (c == '\t')
			err = sbuf_printf(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			err = sbuf_printf(b, "\\x%02x", c);
		else
			err = sbuf_printf(b, "%c", c);
	}
	return err ? err : sbuf_printf(b, "\"");
}

uint64_t mask_size(uint64_t v, int size)
{
	return size >= 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

int64_t sign_extend(uint64_t v, int size)
{
	int shift = 64 - size * 8;

	return size >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

uint64_t read_le(const void *p, int size)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	int i;

	for (i = size - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/*
 * The shortest decimal that reads back as the same float32 or float64,
 * laid out as Go's %v does (fmt's %v is strconv 'g' with the shortest
 * precision; strconv/ftoa.go then uses an exponent when it is below -4 or
 * at least 6), else plain digits.
 */
void format_go_float(double v, bool is32, char *buf, size_t len)
{
	char e[FORMAT_NUM_LEN];
	int prec, exp;

	if (isnan(v)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		snprintf(buf, len, signbit(v) ? "-0" : "0");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		double back;

		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		back = strtod(e, NULL);
		if (is32 ? (float)back == (float)v : back == v)
			break;
	}
	exp = atoi(strchr(e, 'e') + 1);
	if (exp < -4 || exp >= 6) {
		snprintf(buf, len, "%s", e);
		return;
	}
	snprintf(buf, len, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, v);
}

void format_float_bits(uint64_t bits, int size, char *buf, size_t len)
{
	if (size == 4) {
		uint32_t b = (uint32_t)bits;
		float f;

		memcpy(&f, &b, sizeof(f));
		format_go_float(f, true, buf, len);
	} else {
		double d;

		memcpy(&d, &bits, sizeof(d));
		format_go_float(d, false, buf, len);
	}
}

void format_scalar(enum ga_piece_kind kind, uint64_t bits, int size, char *buf, size_t len)
{
	switch (kind) {
	case GA_PIECE_INT:
		snprintf(buf, len, "%" PRId64, sign_extend(bits, size));
		break;
	case GA_PIECE_BOOL:
		snprintf(buf, len, "%s", mask_size(bits, size) ? "true" : "false");
		break;
	case GA_PIECE_FLOAT:
		format_float_bits(bits, size, buf, len);
		break;
	default:
		snprintf(buf, len, "%" PRIu64, mask_size(bits, size));
		break;
	}
}

void format_latency(uint64_t ns, char *buf, size_t len)
{
	if (ns < 10000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.3fus", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.3fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
}
