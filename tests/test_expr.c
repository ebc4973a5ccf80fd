// SPDX-License-Identifier: MIT
/*
 * The expressions of --expr and --filter: the parser against Go's
 * syntax rules (what parses, how it prints back, where a bad one is
 * refused), then type-checking against real DBs and values read from
 * real processes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "test.h"

/* The expression language: what parses, how it prints back, and where a bad one is refused. */
TEST(expr_parse_and_format)
{
	static const struct { const char *src, *want; } ok[] = {
		{ "r.URL.Path", "r.URL.Path" },
		{ " len( r.Body )>0&&r.Method==\"POST\"", "len(r.Body) > 0 && r.Method == \"POST\"" },
		{ "strings.HasPrefix(r.URL.Path, `/api`)", "strings.HasPrefix(r.URL.Path, \"/api\")" },
		{ "r.Header[\"X-Id\"][0]", "r.Header[\"X-Id\"][0]" },
		{ "!(a == 1 || b != -2) && c", "!(a == 1 || b != -2) && c" },
		{ "a || b && c", "a || b && c" },
		{ "(a || b) && c", "(a || b) && c" },
		{ "latency > 2ms", "latency > 2000000ns" },
		{ "latency >= 1.5s", "latency >= 1500000000ns" },
		{ "~r0.Code >= 500", "~r0.Code >= 500" },
		{ "err != nil", "err != nil" },
		{ "*p == 0x10", "*p == 16" },
		{ "s == \"a\\tb\\u00e9\\x01\"", "s == \"a\\x09b\xc3\xa9\\x01\"" },
		{ "x < 9223372036854775807", "x < 9223372036854775807" },
		{ "x > -9223372036854775808", "x > -9223372036854775808" },
		{ "f > 0.5", "f > 0.5" },
		{ "ok == true", "ok == true" },
	};
	static const struct { const char *src, *msg; } bad[] = {
		{ "", "empty expression" },
		{ "r.Method ==", "at 12: expected a name" },
		{ "len(r.Body", "expected ')' at the end" },
		{ "r.URL.", "at 6: unexpected '.'" },
		{ "xs[i]", "must be a constant" },
		{ "x > 99999999999999999999", "out of range" },
		{ "x > 2parsecs", "unexpected 'p' after a number" },
		{ "s == \"abc", "not terminated" },
		{ "s == \"\\q\"", "unknown escape" },
		{ "foo(x)", "unknown function 'foo'" },
		{ "strings.HasPrefix(a, b)", "a string literal prefix" },
		{ "a = 1", "unexpected '= 1'" },
		{ "((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))", "nested deeper" },
	};
	char msg[256], out[512];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct expr *e = expr_parse(ok[i].src, msg, sizeof(msg));

		if (!ASSERT_TRUE(e != NULL, ok[i].src)) {
			fprintf(stderr, "    %s\n", msg);
			continue;
		}
		ASSERT_OK(expr_format(e, out, sizeof(out)), "format");
		ASSERT_STREQ(out, ok[i].want, ok[i].src);
		expr_free(e);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct expr *e = expr_parse(bad[i].src, msg, sizeof(msg));

		ASSERT_TRUE(e == NULL, bad[i].src);
		ASSERT_CONTAINS(msg, bad[i].msg, bad[i].src);
		expr_free(e);
	}
}
