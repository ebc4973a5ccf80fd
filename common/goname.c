// SPDX-License-Identifier: MIT
/* Go symbol-name rules (see goname.h; cmd/compile/internal/noder, cmd/link). */
#include <string.h>

#include "goname.h"

bool go_is_shape_instance(const char *name)
{
	const char *p, *last = NULL, *rest;
	int depth = 0;

	if (!strncmp(name, "type..", 6) || !strncmp(name, "type:.", 6))
		return false;
	for (p = name; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth && !--depth)
			last = p;
	}
	if (!last || depth)
		return false;
	rest = last + 1;
	if (!*rest)
		return true;
	if (rest[0] == ')' && rest[1] == '.')
		rest += 2;
	else if (rest[0] == '.')
		rest++;
	else
		return false;
	return *rest && !strchr(rest, '.');
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
