/* SPDX-License-Identifier: MIT */
/* Reports for reviewers: plain text and JSON over the same data (cJSON). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "db.h"
#include "model.h"

/* Print the build and the functions; JSON follows schema/report.schema.json. */
int report_print(FILE *out, const struct ga_build *b, const struct ga_func *funcs, size_t n,
		 bool json);

/* Print one line per build (goanalyze builds). */
int report_print_builds(FILE *out, const struct ga_build *builds, size_t n, bool json);

/* Where a function that exists only inlined was inlined (truncated: more exist). */
int report_print_inline_sites(FILE *out, const char *name, const struct ga_inline_site *sites,
			      size_t n, bool truncated, bool json);
