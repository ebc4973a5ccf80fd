/* SPDX-License-Identifier: MIT */
/*
 * Method signatures from the binary's own runtime type data, for binaries
 * without DWARF: every method a named type's uncommon data lists with its
 * func type (mtyp) and the code it runs (tfn, ifn), as the type trees of
 * gotype.h, laid out by abi_assign() like DWARF's.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "gotype.h"
#include "pclntab.h"

struct rtype_methods;

struct rtype_methods_stats {
	size_t types;		/* type descriptors with methods */
	size_t methods;		/* methods they list */
	size_t no_mtyp;		/* of them, with the func type dropped by the linker */
	size_t funcs;		/* function entries a method with a func type runs */
};

/*
 * Read every type descriptor with methods in [moduledata.types, etypes)
 * of tab's binary (Go go_version, NULL unknown): the methods whose tfn or
 * ifn is the entry of a function of tab named as the method. NULL with
 * errno ENOENT when the binary has no type data (one info line), ENOMEM.
 */
struct rtype_methods *rtype_methods__new(const struct pclntab *tab, const char *go_version);
void rtype_methods__free(struct rtype_methods *m);
void rtype_methods__stats(const struct rtype_methods *m, struct rtype_methods_stats *st);

/*
 * The params of the method whose code starts at entry: the receiver
 * ("recv"), its arguments ("arg0", ...), then its results ("~r0", ...).
 * 0 and *params (free() it; the names and types it points to are m's and
 * live until rtype_methods__free()), -ENOENT when entry runs no method
 * with a func type or a type does not read, -ENOMEM.
 */
int rtype_methods__func_params(struct rtype_methods *m, uint64_t entry, struct goparam **params,
			       size_t *n);

/* The type a pointer's pointee_off names (its descriptor's address), owned by m; NULL if unreadable. */
const struct gotype *rtype_methods__type_at(struct rtype_methods *m, uint64_t addr);
