/* SPDX-License-Identifier: MIT */
/*
 * Each function's parameters and results: from DWARF, laid out by the
 * ABI and checked against DWARF's own location lists (with the hidden
 * dictionary of generics and the receiver DWARF leaves out of wrappers),
 * or, without DWARF, a method's func type from the binary's runtime type
 * data laid out the same way, else the raw argument words of the
 * arg-info funcdata.
 */
#pragma once

#include <stddef.h>

#include "disasm.h"
#include "dwarf.h"
#include "model.h"
#include "pclntab.h"
#include "rtypes.h"
#include "typegraph.h"

struct params_stats {
	size_t n_known;		/* functions whose params DWARF described */
	size_t n_from_types;	/* without DWARF: a method's func type from the runtime type data */
	size_t n_from_arginfo;	/* without DWARF: raw argument words from the arg-info funcdata */
	size_t n_dwarf_checked;	/* arguments whose location DWARF also gives */
	size_t n_dwarf_differs;	/* ... and where it says otherwise */
	/* not compared: DWARF's pieces exceed the type, or two arguments share a register */
	size_t n_dwarf_self_contradicts;
	/* not compared: DWARF gives a register argument's spill slot, not its entry location */
	size_t n_dwarf_spill_home;
};

/*
 * f's params from DWARF, when it describes f (f->params_known then set),
 * with the basic fields of pointees for --deref, and with tg (NULL:
 * none) each param's type_ref, its type written to the build's types.
 * b (its arch, Go version, pclntab format and build settings) says where
 * a shape's dictionary goes when DWARF does not. 0 or a negative errno.
 */
int params_from_dwarf(struct gdwarf *dw, const struct ga_build *b, struct typegraph *tg,
		      struct ga_func *f, struct params_stats *st);

/*
 * Without DWARF: when f is a method whose func type the runtime type
 * data keeps (rm), its receiver, arguments and results typed and laid out
 * by the ABI as DWARF's are (f->params_known set, params_source "types"),
 * their types written through tg (NULL: none) as params_from_dwarf's.
 * 0 (also when f is no such method) or a negative errno.
 */
int params_from_types(struct rtype_methods *rm, const struct ga_build *b, struct typegraph *tg,
		      struct ga_func *f, struct params_stats *st);

/*
 * Without DWARF (Go 1.17+): function idx's argument words from its
 * arg-info funcdata; under the register ABI the morestack block's spills
 * (dis) say which register holds each. 0 (f->params_known set when
 * found) or a negative errno.
 */
int params_from_arginfo(const struct pclntab *tab, size_t idx, const struct ga_build *b,
			struct disasm *dis, struct ga_func *f, struct params_stats *st);
