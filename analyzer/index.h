/* SPDX-License-Identifier: MIT */
/* Indexing: from a binary on disk to a build and its functions. */
#pragma once

#include <stddef.h>

#include "model.h"

struct index_result {
	struct ga_build build;
	struct ga_func *funcs;
	size_t nfuncs;
	size_t n_params_known;	/* functions whose params DWARF described */
	size_t n_jcc_entry;	/* functions with an entry probe on the stack-check branch */
	size_t n_bad;		/* functions whose bytes did not decode */
};

/*
 * Analyze the binary at path. Returns 0, or a negative errno after one
 * error line naming the file. The caller frees with index_result_clear().
 */
int index_binary(const char *path, struct index_result *res);
void index_result_clear(struct index_result *res);

/* Only hash the file (cheap): to skip an index that is already done. */
int index_identify(const char *path, char sha256[SHA256_HEX_LEN]);
