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

#include <cjson/cJSON.h>

/* The JSON objects of one build and one function (schema/report.schema.json). */
cJSON *report_build_json(const struct ga_build *b);
cJSON *report_func_json(const struct ga_build *b, const struct ga_func *f);

/*
 * A probe manifest (schema/manifest.schema.json): the build's identity and
 * each function's probes and parameters, functions sorted by name:
 * byte-for-byte the same for the same DB.
 */
int manifest_print(FILE *out, const struct ga_build *b, const struct ga_func *funcs, size_t n,
		   const char *generator, int schema_version);
