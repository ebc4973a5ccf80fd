/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 as both programs' JSON output needs it: which bytes are valid
 * UTF-8 (RFC 3629, as Go's unicode/utf8 takes it), and where to cut a
 * string so that no character is split.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The length (1 to 4) of the UTF-8 sequence of one code point at
 * s[0..n): no overlong forms, no surrogates, nothing above U+10FFFF; 0
 * when s does not start one. *prefix (optional) says whether s, all of
 * it, is a valid start of one cut short.
 */
size_t utf8_seq_len(const char *s, size_t n, bool *prefix);
/*
 * n, less the bytes of a character the cut at n splits (a valid start of
 * a UTF-8 sequence that the end of s leaves incomplete): where to cut a
 * string kept in part so that no character is split.
 */
size_t utf8_cut_len(const char *s, size_t n);
