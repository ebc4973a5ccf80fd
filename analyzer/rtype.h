/* SPDX-License-Identifier: MIT */
/*
 * The binary's own runtime type descriptors: runtime.g's field offsets
 * without symbols or DWARF.
 */
#pragma once

#include "elfimg.h"
#include "goruntime.h"
#include "pclntab.h"

/*
 * The fields of runtime.g goattach reads (struct go_g_layout), from the
 * type descriptor of runtime.g the binary carries for the runtime itself:
 * found as the element of "*runtime.g" among the typelinked types (Go
 * 1.9-1.26: moduledata.typelinks; 1.27+: the descriptors in
 * [types+ptrsize, types+typedesclen)). go_version may be NULL. 0 and *out
 * (-1 for a field it lacks), -ENOENT when the descriptor is not found or
 * does not hold together (one info line says why).
 */
int rtype_g_layout(const struct elfimg *bin, const struct pclntab *tab, const char *go_version,
		   struct go_g_layout *out);
