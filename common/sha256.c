// SPDX-License-Identifier: MIT
/*
 * FIPS 180-4. Binaries are hashed whole before every index and attach, so
 * x86 CPUs with the SHA extensions use them (about 5x faster); the
 * portable code serves everything else and is tested against them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI_CODE 1
#endif

#include "sha256.h"

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t st[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = st[0]; b = st[1]; c = st[2]; d = st[3];
	e = st[4]; f = st[5]; g = st[6]; h = st[7];
	for (i = 0; i < 64; i++) {
		uint32_t s1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + sha256_k[i] + w[i];
		uint32_t s0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;

		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

static void sha256_blocks_portable(uint32_t st[8], const uint8_t *p, size_t n)
{
	for (; n; n--, p += 64)
		sha256_block(st, p);
}

#ifdef HAVE_SHANI_CODE
/*
 * Four rounds per step on the ABEF/CDGH state layout the SHA instructions
 * use; the message schedule is kept as groups of four words.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_blocks_shani(uint32_t st[8], const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i state0, state1, tmp, abef, cdgh, m[4], t;
	int g;

	tmp = _mm_loadu_si128((const __m128i *)&st[0]);		/* DCBA */
	state1 = _mm_loadu_si128((const __m128i *)&st[4]);	/* HGFE */
	tmp = _mm_shuffle_epi32(tmp, 0xb1);			/* CDAB */
	state1 = _mm_shuffle_epi32(state1, 0x1b);		/* EFGH */
	state0 = _mm_alignr_epi8(tmp, state1, 8);		/* ABEF */
	state1 = _mm_blend_epi16(state1, tmp, 0xf0);		/* CDGH */

	for (; n; n--, p += 64) {
		abef = state0;
		cdgh = state1;
		for (g = 0; g < 16; g++) {
			if (g < 4) {
				m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
			} else {
				/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
				t = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
				m[g & 3] = _mm_sha256msg2_epu32(t, m[(g + 3) & 3]);
			}
			t = _mm_add_epi32(m[g & 3], _mm_loadu_si128((const __m128i *)&sha256_k[4 * g]));
			state1 = _mm_sha256rnds2_epu32(state1, state0, t);
			state0 = _mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(t, 0x0e));
		}
		state0 = _mm_add_epi32(state0, abef);
		state1 = _mm_add_epi32(state1, cdgh);
	}

	tmp = _mm_shuffle_epi32(state0, 0x1b);			/* FEBA */
	state1 = _mm_shuffle_epi32(state1, 0xb1);		/* DCHG */
	state0 = _mm_blend_epi16(tmp, state1, 0xf0);		/* DCBA */
	state1 = _mm_alignr_epi8(state1, tmp, 8);		/* ABEF */
	_mm_storeu_si128((__m128i *)&st[0], state0);
	_mm_storeu_si128((__m128i *)&st[4], state1);
}

static bool cpu_has_shani(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return b & (1u << 29);	/* CPUID.(EAX=7,ECX=0):EBX.SHA */
}
#endif

static void (*blocks_fn)(uint32_t st[8], const uint8_t *p, size_t n);

void sha256_use_portable(bool portable)
{
	blocks_fn = sha256_blocks_portable;
#ifdef HAVE_SHANI_CODE
	if (!portable && cpu_has_shani())
		blocks_fn = sha256_blocks_shani;
#else
	(void)portable;
#endif
}

bool sha256_accelerated(void)
{
	if (!blocks_fn)
		sha256_use_portable(false);
	return blocks_fn != sha256_blocks_portable;
}

static void sha256_blocks(uint32_t st[8], const uint8_t *p, size_t n)
{
	if (!blocks_fn)
		sha256_use_portable(false);
	blocks_fn(st, p, n);
}

void sha256_init(struct sha256_ctx *ctx)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(ctx->state, iv, sizeof(iv));
	ctx->total_len = 0;
	ctx->buf_len = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	ctx->total_len += len;
	if (ctx->buf_len) {
		size_t n = 64 - ctx->buf_len;

		if (n > len)
			n = len;
		memcpy(ctx->buf + ctx->buf_len, p, n);
		ctx->buf_len += n;
		p += n;
		len -= n;
		if (ctx->buf_len < 64)
			return;
		sha256_blocks(ctx->state, ctx->buf, 1);
		ctx->buf_len = 0;
	}
	if (len >= 64) {
		sha256_blocks(ctx->state, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(ctx->buf, p, len);
	ctx->buf_len = len;
}

void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_LEN])
{
	uint64_t bits = ctx->total_len * 8;
	uint8_t pad[72] = { 0x80 };
	size_t pad_len = (ctx->buf_len < 56 ? 56 : 120) - ctx->buf_len;
	int i;

	for (i = 0; i < 8; i++)
		pad[pad_len + i] = bits >> (56 - 8 * i);
	/* sha256_update counts these bytes too, but total_len is no longer used. */
	sha256_update(ctx, pad, pad_len + 8);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = ctx->state[i] >> 24;
		digest[4 * i + 1] = ctx->state[i] >> 16;
		digest[4 * i + 2] = ctx->state[i] >> 8;
		digest[4 * i + 3] = ctx->state[i];
	}
}

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_LEN];
	int i;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
	for (i = 0; i < SHA256_DIGEST_LEN; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
}
