// SPDX-License-Identifier: MIT
/*
 * SHA-256 by libnettle, behind common/sha256.h. Binaries are hashed whole
 * before every index and attach; nettle's fat build dispatches to the SHA
 * instructions at run time where the CPU has them, and was 6-7% faster
 * than the SHA-NI code we had here (bench/sha256.sh: figures in the README).
 *
 * nettle's <nettle/sha2.h> names its context struct sha256_ctx and
 * #defines sha256_init and sha256_update, as our header does: its names
 * are renamed on the way in, so callers keep ours.
 */
#include <stdalign.h>
#include <stdio.h>

#define sha256_ctx nettle_sha256_ctx
#include <nettle/sha2.h>
#undef sha256_ctx
#undef sha256_init
#undef sha256_update
#undef sha256_digest

#include "sha256.h"

_Static_assert(sizeof(struct nettle_sha256_ctx) <= sizeof(struct sha256_ctx),
	       "struct sha256_ctx too small for nettle's context");
_Static_assert(alignof(struct nettle_sha256_ctx) <= alignof(struct sha256_ctx),
	       "struct sha256_ctx less aligned than nettle's context");

static struct nettle_sha256_ctx *nettle_ctx(struct sha256_ctx *ctx)
{
	return (struct nettle_sha256_ctx *)ctx->opaque;
}

void sha256_init(struct sha256_ctx *ctx)
{
	nettle_sha256_init(nettle_ctx(ctx));
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	nettle_sha256_update(nettle_ctx(ctx), len, data);
}

void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_LEN])
{
	nettle_sha256_digest(nettle_ctx(ctx), SHA256_DIGEST_LEN, digest);
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
