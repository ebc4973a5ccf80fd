/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), used to identify a binary by its content. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN (SHA256_DIGEST_LEN * 2 + 1)

struct sha256_ctx {
	uint32_t state[8];
	uint64_t total_len;
	uint8_t buf[64];
	size_t buf_len;
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_LEN]);
/* Force the portable code (tests compare both); false picks the fastest. */
void sha256_use_portable(bool portable);
/* True when the CPU's SHA instructions are in use. */
bool sha256_accelerated(void);
/* Hex digest of a whole buffer into hex (SHA256_HEX_LEN bytes, NUL-terminated). */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN]);
