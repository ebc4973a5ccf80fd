/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), used to identify a binary by its content. The
 * hashing is libnettle's (common/sha256.c is the one file that includes
 * it): its fat build picks the CPU's SHA instructions at run time.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN (SHA256_DIGEST_LEN * 2 + 1)

/* Room for nettle's context (112 bytes in nettle 3.8; sha256.c checks it fits). */
struct sha256_ctx {
	uint64_t opaque[16];
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_LEN]);
/* Hex digest of a whole buffer into hex (SHA256_HEX_LEN bytes, NUL-terminated). */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN]);
