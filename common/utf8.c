// SPDX-License-Identifier: MIT
/* UTF-8 validity and cuts, for the JSON both programs write (utf8.h). */
#include "utf8.h"

size_t utf8_seq_len(const char *str, size_t n, bool *prefix)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (prefix)
		*prefix = false;
	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	/* the second byte's range rules out overlongs, surrogates and > U+10FFFF */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < len; i++) {
		if (i >= n) {
			if (prefix)
				*prefix = true;
			return 0;
		}
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

size_t utf8_cut_len(const char *s, size_t n)
{
	size_t i;
	bool prefix;

	/* a code point is at most 4 bytes: its start is among the last 3 */
	for (i = n > 3 ? n - 3 : 0; i < n; i++)
		if (!utf8_seq_len(s + i, n - i, &prefix) && prefix)
			return i;
	return n;
}

