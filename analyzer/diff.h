/* SPDX-License-Identifier: MIT */
/* goanalyze diff: functions added, removed and changed between two builds. */
#pragma once

#include <stdio.h>

#include <cjson/cJSON.h>

#include "model.h"

/*
 * The difference as JSON (schema/diff.schema.json): old, new (identities),
 * added, removed, changed (each naming the function and, in "changes",
 * size / returns / entry_probe / signature {old, new} and "locations", one
 * entry per argument that moved), locations_changed (a count). NULL on
 * allocation failure.
 */
cJSON *diff_builds(const struct ga_build *ob, const struct ga_func *of, size_t on,
		   const struct ga_build *nb, const struct ga_func *nf, size_t nn);
void diff_print_text(FILE *out, cJSON *d);
void diff_print_markdown(FILE *out, cJSON *d);
