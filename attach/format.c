// SPDX-License-Identifier: MIT
/* Pure formatting for goattach's output: numbers, latencies, quoting, text buffers. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "utf8.h"
#include "util.h"

int sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	size_t avail = b->s ? b->cap - b->len : 0;
	va_list ap2;
	void *mem;
	int n;

	/* into the room there is first: one vsnprintf when it fits */
	va_copy(ap2, ap);
	n = vsnprintf(avail ? b->s + b->len : NULL, avail, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < avail) {
		b->len += n;
		return 0;
	}
	mem = b->s;
	if (ga_ensure_mem(&mem, &b->cap, b->len + n + 1, 1)) {
		if (b->s)
			b->s[b->len] = '\0';	/* undo the partial write */
		return -ENOMEM;
	}
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

int sbuf_append(struct sbuf *b, const char *s, size_t n)
{
	void *mem = b->s;

	if (ga_ensure_mem(&mem, &b->cap, b->len + n + 1, 1))
		return -ENOMEM;
	b->s = mem;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int sbuf_puts(struct sbuf *b, const char *s)
{
	return sbuf_append(b, s, strlen(s));
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

/*
 * The UTF-8 sequence at s (n bytes left) as utf8.DecodeRune (Go's
 * unicode/utf8) decodes it: its rune and length, or -1 when it is not
 * valid (overlong, a surrogate, above U+10FFFF, cut short).
 */
static int32_t utf8_decode(const unsigned char *s, size_t n, int *len)
{
	int need = (int)utf8_seq_len((const char *)s, n, NULL), k;
	int32_t r;

	/* which sequences are valid is common/utf8.c's rule, as for JSON */
	if (need < 2)
		return -1;
	r = s[0] & (0x7f >> need);
	for (k = 1; k < need; k++)
		r = r << 6 | (s[k] & 0x3f);
	*len = need;
	return r;
}

/*
 * Is r one that Go's %q escapes though it is valid UTF-8 (not
 * unicode.IsPrint)? Without Go's tables: the C1 controls, the spaces but
 * U+0020, the format characters (soft hyphen, zero widths, bidi controls,
 * BOM), line and paragraph separators, private use and the
 * noncharacters; what a terminal could act on or hide. An unassigned code
 * point Go would escape is shown as it is.
 */
static bool rune_unprintable(int32_t r)
{
	static const struct { int32_t lo, hi; } ranges[] = {
		{ 0x80, 0xa0 }, { 0xad, 0xad }, { 0x600, 0x605 }, { 0x61c, 0x61c },
		{ 0x6dd, 0x6dd }, { 0x70f, 0x70f }, { 0x1680, 0x1680 }, { 0x180e, 0x180e },
		{ 0x2000, 0x200f }, { 0x2028, 0x202f }, { 0x205f, 0x2064 }, { 0x2066, 0x206f },
		{ 0x3000, 0x3000 }, { 0xe000, 0xf8ff }, { 0xfdd0, 0xfdef }, { 0xfeff, 0xfeff },
		{ 0xfff9, 0xfffb }, { 0x110bd, 0x110bd }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 },
		{ 0xe0020, 0xe007f }, { 0xf0000, 0x10ffff },
	};
	size_t i;

	if ((r & 0xfffe) == 0xfffe)
		return true;	/* U+FFFE, U+FFFF and their kin in every plane */
	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (r >= ranges[i].lo && r <= ranges[i].hi)
			return true;
	}
	return false;
}

/*
 * The escape Go's %q (strconv.Quote) gives the byte or rune at s in e,
 * and its length in *len; false when it is printed as it is. ASCII:
 * '"', '\\', \a \b \f \n \r \t \v, other controls and DEL as \xNN; a
 * byte that starts no valid UTF-8 as \xNN; an unprintable rune as \uNNNN
 * or \UNNNNNNNN.
 */
static bool text_escape(const unsigned char *s, size_t n, char *e, int *len)
{
	static const char short_forms[] = { ['\a'] = 'a', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
					    ['\r'] = 'r', ['\t'] = 't', ['\v'] = 'v' };
	unsigned char c = s[0];
	int32_t r;

	*len = 1;
	if (c == '"' || c == '\\')
		snprintf(e, 12, "\\%c", c);
	else if (c < sizeof(short_forms) && short_forms[c])
		snprintf(e, 12, "\\%c", short_forms[c]);
	else if (c < 0x20 || c == 0x7f)
		snprintf(e, 12, "\\x%02x", c);
	else if (c < 0x80)
		return false;
	else if ((r = utf8_decode(s, n, len)) < 0)
		snprintf(e, 12, "\\x%02x", c), *len = 1;
	else if (!rune_unprintable(r))
		return false;
	else if (r < 0x10000)
		snprintf(e, 12, "\\u%04x", (unsigned int)r);
	else
		snprintf(e, 12, "\\U%08x", (unsigned int)r);
	return true;
}

int quote_text(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;
	char e[12];
	int len, err = sbuf_append(b, "\"", 1);

	while (!err && i < n) {
		if (!text_escape(u + i, n - i, e, &len)) {
			i += len;
			continue;
		}
		err = sbuf_append(b, s + run, i - run);
		if (!err)
			err = sbuf_puts(b, e);
		i += len;
		run = i;
	}
	if (!err && n > run)
		err = sbuf_append(b, s + run, n - run);
	return err ? err : sbuf_append(b, "\"", 1);
}

/* JSON's escapes (RFC 8259): '"', '\\', the short forms, other control bytes as \u00NN */
static bool json_escape(unsigned char c, char *e)
{
	static const char short_forms[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
					    ['\t'] = 't' };

	if (c == '"' || c == '\\')
		snprintf(e, 8, "\\%c", c);
	else if (c < sizeof(short_forms) && short_forms[c])
		snprintf(e, 8, "\\%c", short_forms[c]);
	else if (c < 0x20)
		snprintf(e, 8, "\\u%04x", c);
	else
		return false;
	return true;
}

int json_quote(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, len;
	char e[8];
	int err = sbuf_append(b, "\"", 1);

	while (!err && i < n) {
		if (u[i] < 0x80) {
			if (!json_escape(u[i], e)) {
				i++;
				continue;
			}
		} else if ((len = utf8_seq_len(s + i, n - i, NULL))) {
			i += len;
			continue;
		} else {
			/* not UTF-8: the byte as Go's %q writes it, \xff, in JSON "\\xff" */
			snprintf(e, sizeof(e), "\\\\x%02x", u[i]);
		}
		err = sbuf_append(b, s + run, i - run);
		err = err ?: sbuf_puts(b, e);
		run = ++i;
	}
	if (!err && n > run)
		err = sbuf_append(b, s + run, n - run);
	return err ?: sbuf_append(b, "\"", 1);
}

/* 2^53: integers beyond it do not all survive a float64 (JavaScript, jq) */
#define JSON_SAFE_INT (1ULL << 53)

int json_u64(struct sbuf *b, uint64_t v)
{
	return sbuf_printf(b, v > JSON_SAFE_INT ? "\"%" PRIu64 "\"" : "%" PRIu64, v);
}

int json_num(struct sbuf *b, const char *num)
{
	const char *d = num + (num[0] == '-');
	size_t nd = strspn(d, "0123456789");

	/* an integer's text: a string beyond 2^53 (16 digits are 10^15 at least) */
	if (nd && !d[nd] && nd >= 16) {
		uint64_t mag = strtoull(d, NULL, 10);

		if (nd > 16 || mag > JSON_SAFE_INT)
			return sbuf_printf(b, "\"%s\"", num);
	}
	return sbuf_puts(b, num);
}

uint64_t mask_size(uint64_t v, int size)
{
	if (size <= 0)
		return 0;
	return size >= 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

int64_t sign_extend(uint64_t v, int size)
{
	int shift;

	if (size <= 0)
		return 0;
	if (size >= 8)
		return (int64_t)v;
	shift = 64 - size * 8;
	return (int64_t)(v << shift) >> shift;
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

/*
 * Always microseconds with three decimals, so that one column of call
 * lines, or of a --stats table, reads in one unit and sorts as numbers.
 */
void format_latency(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 "us", ns / 1000, ns % 1000);
}

/* A unit of time.ParseDuration (time/format.go) at s: its ns, and its length in *n; 0 if none. */
static uint64_t duration_unit(const char *s, size_t *n)
{
	static const struct { const char *name; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000 }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	size_t i, len;

	/* the unit runs to the next digit or '.', as in Go */
	for (len = 0; s[len] && s[len] != '.' && (s[len] < '0' || s[len] > '9'); len++)
		;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strlen(units[i].name) == len && !strncmp(s, units[i].name, len)) {
			*n = len;
			return units[i].ns;
		}
	}
	return 0;
}

/*
 * time.ParseDuration (time/format.go, Go 1.20) without a sign: numbers
 * with a unit each ("2s", "1.5ms", "1m30s", "500µs"), a fraction's
 * nanoseconds truncated as Go does (through a float64). A bare number has
 * no unit and is refused (-ENOMSG), so is "nan", "inf", "-1s" and
 * anything over INT64_MAX ns (-ERANGE).
 */
int parse_go_duration(const char *s, uint64_t *ns)
{
	const uint64_t max = INT64_MAX;
	uint64_t total = 0, v, f, unit;
	bool pre, post, overflow, any_unit = false;
	double scale;
	size_t n;

	if (!*s)
		return -EINVAL;
	while (*s) {
		if (*s != '.' && (*s < '0' || *s > '9'))
			return -EINVAL;
		for (v = 0, pre = false; *s >= '0' && *s <= '9'; s++, pre = true) {
			if (v > (max - (*s - '0')) / 10)
				return -ERANGE;
			v = v * 10 + (*s - '0');
		}
		f = 0;
		scale = 1;
		post = false;
		if (*s == '.') {
			/* digits past what a uint64 holds are dropped, as Go's leadingFraction does */
			for (s++, overflow = false; *s >= '0' && *s <= '9'; s++, post = true) {
				if (overflow || f > max / 10) {
					overflow = true;
					continue;
				}
				f = f * 10 + (*s - '0');
				scale *= 10;
			}
		}
		if (!pre && !post)
			return -EINVAL;
		if (!*s)
			return any_unit ? -EINVAL : -ENOMSG;
		unit = duration_unit(s, &n);
		if (!unit)
			return -EINVAL;
		any_unit = true;
		s += n;
		if (v > max / unit)
			return -ERANGE;
		v *= unit;
		if (f)
			v += (uint64_t)((double)f * ((double)unit / scale));
		if (v > max || total > max - v)
			return -ERANGE;
		total += v;
	}
	*ns = total;
	return 0;
}

/* frac of a value with digits decimals: "." and its digits without trailing zeros, or "". */
static void duration_frac(uint64_t frac, int digits, char *buf)
{
	int i, end = 0;

	buf[0] = '.';
	for (i = digits; i > 0; i--, frac /= 10) {
		buf[i] = '0' + frac % 10;
		if (!end && buf[i] != '0')
			end = i + 1;
	}
	buf[end] = '\0';	/* all zeros: end 0, no "." */
}

/*
 * Go's time.Duration.String (time/time.go): under a second one unit (ns,
 * µs, ms) with the fraction's trailing zeros dropped; from a second on,
 * h, m and s with up to nine decimals of s, each larger unit shown only
 * when not zero, and the smaller ones then always ("2h0m0s").
 */
void format_go_duration(int64_t d, char *buf, size_t len)
{
	uint64_t u = d < 0 ? -(uint64_t)d : (uint64_t)d, secs;
	const char *sign = d < 0 ? "-" : "";
	char frac[16];

	if (!d) {
		snprintf(buf, len, "0s");
	} else if (u < 1000) {
		snprintf(buf, len, "%s%" PRIu64 "ns", sign, u);
	} else if (u < 1000000) {
		duration_frac(u % 1000, 3, frac);
		snprintf(buf, len, "%s%" PRIu64 "%s\u00b5s", sign, u / 1000, frac);
	} else if (u < 1000000000) {
		duration_frac(u % 1000000, 6, frac);
		snprintf(buf, len, "%s%" PRIu64 "%sms", sign, u / 1000000, frac);
	} else {
		duration_frac(u % 1000000000, 9, frac);
		secs = u / 1000000000;
		if (secs >= 3600)
			snprintf(buf, len, "%s%" PRIu64 "h%" PRIu64 "m%" PRIu64 "%ss", sign, secs / 3600,
				 secs / 60 % 60, secs % 60, frac);
		else if (secs >= 60)
			snprintf(buf, len, "%s%" PRIu64 "m%" PRIu64 "%ss", sign, secs / 60, secs % 60,
				 frac);
		else
			snprintf(buf, len, "%s%" PRIu64 "%ss", sign, secs, frac);
	}
}

/*
 * Go's net.IP.String (net/ip.go): 4 bytes, or 16 that map an IPv4
 * address (::ffff:a.b.c.d), dotted; other 16 as eight hex groups
 * without leading zeros, the first longest run of two or more zero
 * groups as "::"; no bytes "<nil>"; any other length "?" and its hex.
 */
void format_go_ip(const uint8_t *ip, size_t n, char *buf, size_t len)
{
	static const uint8_t v4_prefix[12] = { [10] = 0xff, [11] = 0xff };
	struct sbuf b = {};
	size_t i, run0 = 0, run_len = 0;

	if (!n) {
		snprintf(buf, len, "<nil>");
		return;
	}
	if (n == 16 && !memcmp(ip, v4_prefix, sizeof(v4_prefix))) {
		ip += 12;
		n = 4;
	}
	if (n == 4) {
		snprintf(buf, len, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		return;
	}
	if (n != 16) {
		sbuf_puts(&b, "?");
		for (i = 0; i < n; i++)
			sbuf_printf(&b, "%02x", ip[i]);
		snprintf(buf, len, "%s", sbuf_str(&b));
		sbuf_free(&b);
		return;
	}
	/* the first longest run of zero groups, in groups */
	for (i = 0; i < 8;) {
		size_t j = i;

		while (j < 8 && !ip[2 * j] && !ip[2 * j + 1])
			j++;
		if (j - i > run_len) {
			run0 = i;
			run_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (run_len < 2)
		run_len = 0;
	for (i = 0; i < 8; i++) {
		if (run_len && i == run0) {
			sbuf_puts(&b, "::");
			i += run_len - 1;
			continue;
		}
		sbuf_printf(&b, "%s%x", i && !(run_len && i == run0 + run_len) ? ":" : "",
			    (unsigned int)ip[2 * i] << 8 | ip[2 * i + 1]);
	}
	snprintf(buf, len, "%s", sbuf_str(&b));
	sbuf_free(&b);
}

/*
 * time.Time's wall and ext words (time/time.go): with the monotonic bit
 * (63) set in wall, bits 30-62 are seconds since 1885 and ext is the
 * monotonic reading; without it, ext is seconds since year 1. Bits 0-29
 * of wall are the nanoseconds either way.
 */
#define GO_TIME_HAS_MONOTONIC (1ULL << 63)
#define GO_TIME_NSEC_BITS 30
#define GO_TIME_WALL_TO_INTERNAL 59453308800LL	/* 1885-01-01 in seconds since year 1 */
#define GO_TIME_UNIX_TO_INTERNAL 62135596800LL	/* 1970-01-01 in seconds since year 1 */

void format_go_time(uint64_t wall, int64_t ext, char *buf, size_t len)
{
	uint32_t nsec = wall & ((1U << GO_TIME_NSEC_BITS) - 1);
	int64_t sec = wall & GO_TIME_HAS_MONOTONIC ?
			      (int64_t)(wall << 1 >> (GO_TIME_NSEC_BITS + 1)) + GO_TIME_WALL_TO_INTERNAL :
			      ext;
	time_t unix_sec;
	struct tm tm;
	char frac[16];

	if (__builtin_sub_overflow(sec, GO_TIME_UNIX_TO_INTERNAL, &unix_sec) ||
	    !gmtime_r(&unix_sec, &tm)) {
		snprintf(buf, len, "{wall:%" PRIu64 " ext:%" PRId64 "}", wall, ext);
		return;
	}
	duration_frac(nsec, 9, frac);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}
