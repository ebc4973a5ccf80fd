/* SPDX-License-Identifier: MIT */
/*
 * Rules of Go's symbol names that goanalyze and goattach rely on: generic
 * instantiations, dictionaries, the ABI0 halves of assembly pairs.
 */
#pragma once

#include <stdbool.h>

/*
 * A generic function or a method of a generic type, compiled for a shape:
 * the name's last bracketed group holds go.shape types (or is the
 * linker's "[...]") and is followed by nothing, or by the method's name
 * ("pkg.F[...]", "pkg.(*T[...]).M", "pkg.T[...].M"); a closure inside one
 * ("pkg.F[...].func1") is not, nor a fully stenciled instance
 * ("pkg.F[int]").
 */
bool go_is_shape_instance(const char *name);

/* ... and of those a method of a generic type ("pkg.(*T[...]).M", "pkg.T[...].M"). */
bool go_is_shape_method(const char *name);

/* "name.abi0": .symtab's name of the ABI0 half of an assembly pair (Go 1.17+). */
bool go_is_abi0_symbol(const char *name);

/* "main..dict.Max[int]": the dictionary of a generic instantiation. */
bool go_is_dict_symbol(const char *name);
