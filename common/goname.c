// SPDX-License-Identifier: MIT
/* Go symbol-name rules (see goname.h; cmd/compile/internal/noder, cmd/link). */
#include <string.h>

#include "goname.h"

/* A closure's own name part (cmd/compile/internal/ir closureName): funcN, gowrapN, deferwrapN. */
static bool is_closure_part(const char *part)
{
	static const char *const prefixes[] = { "func", "gowrap", "deferwrap" };
	size_t i, len;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(part, prefixes[i], len) && part[len] &&
		    strspn(part + len, "0123456789") == strlen(part + len))
			return true;
	}
	return false;
}

/*
 * What follows the last bracketed group of a shape instance: "" for a
 * generic function, the method's name for a method; NULL when name is
 * not one (a closure inside one, an equality function, no brackets).
 */
static const char *shape_instance_rest(const char *name)
{
	const char *p, *open = NULL, *first = NULL, *last = NULL, *rest, *shape;
	bool method_of_ptr = false;
	int depth = 0;

	if (!strncmp(name, "type..", 6) || !strncmp(name, "type:.", 6))
		return NULL;
	for (p = name; *p; p++) {
		if (*p == '[' && !depth++) {
			open = p;
		} else if (*p == ']' && depth && !--depth) {
			first = open;
			last = p;
		}
	}
	if (!last || depth)
		return NULL;
	/*
	 * Its type arguments are shapes, or the linker abbreviated them
	 * ("[...]" in a stripped binary's pclntab); Go 1.18/1.19's unified
	 * IR stencils every instantiation, main.(*List[int]).Push, which
	 * takes no dictionary.
	 */
	shape = strstr(first, "go.shape.");
	if (strncmp(first, "[...]", 5) && (!shape || shape > last))
		return NULL;
	rest = last + 1;
	if (!*rest)
		return rest;
	if (rest[0] == ')' && rest[1] == '.') {
		rest += 2;
		method_of_ptr = true;
	} else if (rest[0] == '.') {
		rest++;
	} else {
		return NULL;
	}
	if (!*rest || strchr(rest, '.'))
		return NULL;
	/* pkg.F[...].func1 is F's closure; pkg.(*T[...]).M names its closures pkg.(*T[...]).M.func1 */
	return !method_of_ptr && is_closure_part(rest) ? NULL : rest;
}

bool go_is_shape_instance(const char *name)
{
	return shape_instance_rest(name) != NULL;
}

bool go_is_shape_method(const char *name)
{
	const char *rest = shape_instance_rest(name);

	return rest && *rest;
}

bool go_is_abi0_symbol(const char *name)
{
	size_t len = strlen(name);

	return len >= 5 && !strcmp(name + len - 5, ".abi0");
}

bool go_is_dict_symbol(const char *name)
{
	return strstr(name, "..dict.") != NULL;
}
