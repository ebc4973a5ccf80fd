/* SPDX-License-Identifier: MIT */
/*
 * Which functions a list of name patterns selects, by Go's naming rules.
 * No storage here: whoever holds the names answers whether one exists.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether pattern has glob characters. Go names have them too
 * ("main.(*T).M", "main.Max[go.shape.int_0]"), so it may still be a name.
 */
bool ga_pattern_is_glob(const char *pattern);

struct ga_selection;

/* 1 if a function is called name, 0 if not, or a negative errno. */
typedef int (*ga_name_exists_fn)(void *ctx, const char *name);

/*
 * The selection of patterns[0..npat) (borrowed while it lives); npat == 0
 * selects every function. A pattern naming a function exactly selects it,
 * a "[...]" pattern every instantiation of a generic function, any other
 * is an fnmatch(3) glob. A pattern that is both a name and a glob is the
 * name: name_exists is asked for each pattern with glob characters.
 * Returns NULL and sets errno (ENOMEM, or what name_exists returned).
 */
struct ga_selection *ga_selection__new(const char *const *patterns, size_t npat,
				       ga_name_exists_fn name_exists, void *ctx);
void ga_selection__free(struct ga_selection *sel);

/* Whether every pattern names a function (and there is at least one). */
bool ga_selection__names_only(const struct ga_selection *sel);

/* Whether the function called name is selected; remembers which patterns matched. */
bool ga_selection__match(struct ga_selection *sel, const char *name);

/* The index of the first pattern that matched no name so far, or -1. */
int ga_selection__first_unmatched(const struct ga_selection *sel);
