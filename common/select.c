// SPDX-License-Identifier: MIT
/* Go's rules for which function names a pattern selects (select.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "select.h"

enum pattern_kind {
	PATTERN_NAME,		/* names one function exactly */
	PATTERN_INSTANCES,	/* "pkg.F[...]": Go's traceback form of every instantiation */
	PATTERN_GLOB,
};

struct ga_selection {
	const char *const *patterns;
	size_t npat;
	enum pattern_kind *kinds;
	bool *matched;
};

bool ga_pattern_is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}

static int pattern_kind(const char *pattern, ga_name_exists_fn name_exists, void *ctx,
			enum pattern_kind *kind)
{
	int exists;

	*kind = PATTERN_NAME;
	if (!ga_pattern_is_glob(pattern))
		return 0;
	/* "main.(*T).M" is both a name and a glob: a name wins. */
	exists = name_exists(ctx, pattern);
	if (exists < 0)
		return exists;
	if (!exists)
		*kind = strstr(pattern, "[...]") ? PATTERN_INSTANCES : PATTERN_GLOB;
	return 0;
}

struct ga_selection *ga_selection__new(const char *const *patterns, size_t npat,
				       ga_name_exists_fn name_exists, void *ctx)
{
	struct ga_selection *sel;
	size_t i;
	int err = -ENOMEM;

	sel = calloc(1, sizeof(*sel));
	if (!sel)
		goto out_err;
	sel->patterns = patterns;
	sel->npat = npat;
	sel->kinds = calloc(npat + 1, sizeof(*sel->kinds));
	sel->matched = calloc(npat + 1, sizeof(*sel->matched));
	if (!sel->kinds || !sel->matched)
		goto out_free;
	for (i = 0; i < npat; i++) {
		err = pattern_kind(patterns[i], name_exists, ctx, &sel->kinds[i]);
		if (err)
			goto out_free;
	}
	return sel;

out_free:
	ga_selection__free(sel);
out_err:
	errno = -err;
	return NULL;
}

void ga_selection__free(struct ga_selection *sel)
{
	if (!sel)
		return;
	free(sel->kinds);
	free(sel->matched);
	free(sel);
}

bool ga_selection__names_only(const struct ga_selection *sel)
{
	size_t i;

	for (i = 0; i < sel->npat; i++) {
		if (sel->kinds[i] != PATTERN_NAME)
			return false;
	}
	return sel->npat > 0;
}

static bool pattern_matches(const char *pattern, enum pattern_kind kind, const char *name)
{
	char elided[1024];

	switch (kind) {
	case PATTERN_NAME:
		return !strcmp(name, pattern);
	case PATTERN_INSTANCES:
		ga_elide_type_args(name, elided, sizeof(elided));
		return !strcmp(elided, pattern);
	default:
		return fnmatch(pattern, name, 0) == 0;
	}
}

bool ga_selection__match(struct ga_selection *sel, const char *name)
{
	bool selected = sel->npat == 0;
	size_t i;

	for (i = 0; i < sel->npat; i++) {
		if (pattern_matches(sel->patterns[i], sel->kinds[i], name)) {
			sel->matched[i] = true;
			selected = true;
		}
	}
	return selected;
}

int ga_selection__first_unmatched(const struct ga_selection *sel)
{
	size_t i;

	for (i = 0; i < sel->npat; i++) {
		if (!sel->matched[i])
			return i;
	}
	return -1;
}
