/* SPDX-License-Identifier: MIT */
/*
 * The checks a suite runs on one Go binary, against an independent
 * source: objdump, debug/gosym and debug/dwarf of the toolchain that built
 * it (tests/gosym), nm, gdb, 'go version -m', the DWARF twin of a stripped
 * build, and the sample programs' own output. The suites run them on
 * build_dir()/samples/; the toolchain matrix (tests/matrix) on the same
 * samples built by every Go release. Each check asserts, prints its
 * figures, and fills a struct of them when the caller passes one.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Index bin into db (removed first); goanalyze's exit status, its stderr printed when not 0. */
int index_bin(const char *bin, const char *db);
/* sqlite3 SCALAR query on db, as a number (-1 when it fails). */
long long db_count(const char *db, const char *query);

struct exits_figures {
	size_t funcs;		/* functions goanalyze found */
	size_t undecodable;	/* of them, with bytes it could not decode */
	size_t compared;	/* with an objdump label at their entry */
	size_t jcc;		/* of them, with a stack-check entry */
	size_t differ;		/* exits or entry probe not as objdump has them */
};

/*
 * Every function's RETs, tail calls and entry probe equal what objdump
 * (the one for bin's architecture) disassembles; >= 95% of the functions
 * compared, >= 500 stack-check entries.
 */
void check_exits_vs_objdump(const char *label, const char *bin, const char *objdump,
			    struct exits_figures *fig);
/* The function list equals what gosym (tests/gosym, built by bin's toolchain) reads. */
void check_funcs_vs_gosym(const char *label, const char *bin, const char *gosym);
/* Every function has its .symtab symbol at its entry; ABI0 functions are the ".abi0" ones. */
void check_funcs_vs_symtab(const char *label, const char *bin);
/*
 * Module path, dependencies, build settings and cgo/trimpath flags equal
 * what 'GO version -m' prints (GO: the go command of bin's toolchain).
 */
void check_buildinfo(const char *go, const char *label, const char *bin);
/* The pclntab inline tree against DWARF's inlined subroutines (gosym -inlines): 99% both ways. */
void check_inlines_vs_dwarf(const char *label, const char *bin, const char *gosym);
/* goanalyze's chain of inlined calls at each inlined body DWARF nests (gosym -inlchains). */
void check_inline_chains_vs_dwarf(const char *label, const char *bin, const char *gosym);
/* runtime.g.goid's offset as gdb prints it from bin's DWARF; types base as nm's runtime.types. */
void check_goid_vs_gdb(const char *label, const char *bin);

struct dwarf_figures {
	long long agree, differ;		/* every argument checked */
	long long main_agree, main_differ;	/* the sample's own (main.*) */
};

/*
 * The argument locations goanalyze computes against DWARF's, in bin's own
 * functions (main.*): >= 60 checked, all agree, and push_like (a LIKE
 * pattern for the generic method (*List[int]).Push) has its receiver and
 * argument where DWARF has them (both after the dictionary in Go 1.19, the
 * receiver before it from 1.21). For samples/kinds.
 */
void check_kinds_locations(const char *label, const char *bin, const char *push_like,
			   struct dwarf_figures *fig);

struct stripped_figures {
	int goid, twin_goid;		/* runtime.g.goid offsets, -1 unknown */
	char goid_source[64];		/* where the stripped build's came from */
};

/*
 * A -s -w build against its twin with symbols and DWARF: the same
 * functions, sizes, exits and entry probes; the goid offset equals the
 * one DWARF gives, from goid_source_prefix ("table:") when not NULL.
 */
void check_stripped_twin(const char *stripped_bin, const char *twin_bin,
			 const char *goid_source_prefix, struct stripped_figures *fig);

struct arginfo_figures {
	size_t funcs;		/* with arg-info words, and DWARF params in the twin */
	size_t placed;		/* arguments given a location */
	size_t same;		/* of them, where DWARF has them */
};

/*
 * The argument words of a build without DWARF (made and named $F by the
 * shell command stripped_cmd) from the arg-info funcdata, against the
 * DWARF layout of twin_bin (named twin in messages): no placed argument
 * contradicts DWARF; at least min_funcs functions and min_placed arguments.
 */
void arginfo_vs_dwarf(const char *twin, const char *stripped_cmd, const char *twin_bin,
		      size_t min_funcs, size_t min_placed, struct arginfo_figures *fig);

struct types_figures {
	long long typed;	/* functions of the -s -w build typed from its runtime type data */
	long long agree;	/* of them, laid out as the twin's DWARF lays them out */
	long long recv_missing;	/* of those, wrappers whose receiver DWARF leaves out */
	long long differ;	/* of them, not */
	long long no_dwarf;	/* of them, without DWARF params in the twin (not compared) */
	long long raw;		/* functions left with raw arg-info words */
	long long type_names;	/* params whose type name differs from DWARF's (not a failure) */
};

/*
 * The methods of a -s -w build (stripped_bin) typed from its runtime type
 * data against the DWARF of its twin: every typed function's receiver,
 * arguments and results have the same kinds, sizes, pieces and
 * locations (names aside; a receiver DWARF leaves out, its stand-in, is
 * compared by its locations only); at least min_typed typed functions,
 * none differs. Prints the figures (label names the pair).
 */
void types_vs_dwarf(const char *label, const char *stripped_bin, const char *twin_bin,
		    long long min_typed, struct types_figures *fig);

/* The calls samples/kinds makes and prints. */
#define KINDS_NCALLS 19

/*
 * samples/kinds traced by goattach (db: bin's DB): every call's text line
 * equals the program's own, JSON too; where the host cannot run bin, in
 * a VM (scripts/vmtrace.sh). xmm: floats in vector registers are expected
 * ("?(xmm)"), at least 10. Returns the calls that matched, -1 when skipped.
 */
int kinds_end_to_end(const char *label, const char *bin, const char *db, bool xmm);

/* samples/funcs traced by goattach, the life of calls: exact pairing under recursion and stack growth. */
void check_recursion(const char *bin, const char *db);
void check_recursion_depth_50(const char *bin, const char *db);
void check_stack_growth_counts_once(const char *bin, const char *db);
