/* SPDX-License-Identifier: MIT */
/*
 * The plain data that flows between the stages: the analyzer fills these,
 * the DB module stores and loads them, goattach turns them into probes.
 * Strings in these structs are owned by the struct unless said otherwise,
 * and freed by ga_build_clear() / ga_funcs_free().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

enum ga_arch {
	GA_ARCH_UNKNOWN = 0,
	GA_ARCH_AMD64,
	GA_ARCH_ARM64,
	GA_ARCH_386,
};

/* How a function receives its arguments. */
enum ga_abi {
	GA_ABI0 = 0,		/* stack-based (Go < 1.17 amd64, 386, assembly) */
	GA_ABI_INTERNAL = 1,	/* register-based ABIInternal */
};

/* A line of the build info: the main module, a dependency or a replacement. */
struct ga_module {
	char *kind;		/* "mod", "dep", "=>" (replaces the dep before it) */
	char *path;
	char *version;
	char *sum;		/* NULL when absent */
};

/* A build setting: "CGO_ENABLED" = "1", "-trimpath" = "true", ... */
struct ga_setting {
	char *key;
	char *value;
};

struct ga_build {
	char sha256[SHA256_HEX_LEN];
	uint64_t size;
	char *path;		/* path the analyzer read it from */
	char *go_build_id;	/* NULL when the binary has none */
	char *gnu_build_id;	/* hex, NULL when absent */
	char *go_version;	/* "go1.19.8", NULL if unknown */
	char *module_path;	/* main module path from build info */
	char *mod_info;		/* raw module info text (deps, settings) */
	enum ga_arch arch;
	enum ga_abi default_abi;	/* ABI of compiled Go functions */
	char pclntab_format[8];	/* "1.2", "1.16", "1.18", "1.20" */
	uint64_t text_start;
	bool stripped;		/* no .symtab */
	bool has_dwarf;		/* DWARF was read: its own, or separate debug info */
	char *debuginfo;	/* where: "embedded", "build-id", "debuglink", "debuginfod"; NULL none */
	char *debuginfo_path;	/* the file read (for debuginfod, its cache file) */
	bool cgo;
	bool pie;
	bool trimpath;		/* from build settings */
	bool race;
	size_t nmodules;
	struct ga_module *modules;
	size_t nsettings;
	struct ga_setting *settings;
	uint64_t types_base;	/* moduledata.types: type names are offsets from it, 0 unknown */
	int goid_offset;	/* offset of runtime.g.goid, -1 if unknown */
	char *goid_offset_source;	/* "dwarf", "type:runtime.g", "table:go1.19 ...", ... */
	/* the other fields of runtime.g goattach reads: offsets, 0 unknown (none is at 0) */
	int g_stack_hi_offset;	/* g.stack.hi */
	int g_sched_sp_offset;	/* g.sched.sp */
	int g_status_offset;	/* g.atomicstatus */
	char *g_offsets_source;	/* where these three came from, as goid_offset_source */
	int64_t db_id;		/* rowid once stored/loaded, else 0 */
};

enum ga_exit_kind {
	GA_EXIT_RET = 0,
	GA_EXIT_TAILCALL = 1,
};

#define GA_MAX_INSN_LEN 15

struct ga_exit {
	uint32_t offset;	/* bytes from the function's entry */
	enum ga_exit_kind kind;
	uint64_t target;	/* tail-call target address, 0 for RET */
	char *target_name;	/* tail-call target function, NULL for RET */
	uint8_t insn_len;
	uint8_t insn[GA_MAX_INSN_LEN];	/* the instruction bytes probed */
};

enum ga_entry_kind {
	GA_ENTRY_RAW = 0,	/* the first instruction (no stack check found) */
	GA_ENTRY_JCC = 1,	/* the prologue's branch to morestack */
};

/* Condition under which the prologue branch is taken (goes to morestack). */
enum ga_jcc_cond {
	GA_JCC_NONE = 0,
	GA_JCC_BE = 1,		/* x86 JBE (Go's JLS): CF or ZF */
	GA_JCC_B = 2,		/* x86 JB (Go's JCS): CF */
	GA_JCC_LS = 3,		/* arm64 B.LS: C clear or Z set */
	GA_JCC_LO = 4,		/* arm64 B.LO: C clear */
};

/* Where a function's params came from (functions.params_source). */
enum ga_params_source {
	GA_PSRC_NONE = 0,
	GA_PSRC_DWARF = 1,	/* DWARF: the binary's own, or separate debug info (builds.debuginfo) */
	GA_PSRC_TYPES = 2,	/* the binary's runtime type data: a method's func type */
	GA_PSRC_SIG = 3,	/* a signature given by the user (goanalyze annotate, --sig) */
	GA_PSRC_ARGINFO = 4,	/* the arg-info funcdata: raw argument words, no types */
};

enum ga_decode_status {
	GA_DECODE_OK = 0,
	GA_DECODE_BAD = 1,	/* bytes did not decode: exits unknown */
	GA_DECODE_INDIRECT = 2,	/* has an indirect JMP: an exit may be missed */
};

/* Kinds of values, close to Go's reflect.Kind but only what decoding needs. */
enum ga_kind {
	GA_KIND_UNKNOWN = 0,
	GA_KIND_BOOL,
	GA_KIND_INT,
	GA_KIND_UINT,
	GA_KIND_FLOAT,
	GA_KIND_COMPLEX,
	GA_KIND_PTR,		/* also map, chan, func, unsafe.Pointer */
	GA_KIND_STRING,
	GA_KIND_SLICE,
	GA_KIND_IFACE,		/* non-empty interface (itab, data) */
	GA_KIND_EFACE,		/* empty interface (type, data) */
	GA_KIND_STRUCT,
	GA_KIND_ARRAY,
};

/* The role of one machine word of a value. */
enum ga_piece_kind {
	GA_PIECE_INT = 0,
	GA_PIECE_UINT,
	GA_PIECE_BOOL,
	GA_PIECE_FLOAT,
	GA_PIECE_PTR,
	GA_PIECE_STR_DATA,
	GA_PIECE_STR_LEN,
	GA_PIECE_SLICE_DATA,
	GA_PIECE_SLICE_LEN,
	GA_PIECE_SLICE_CAP,
	GA_PIECE_IFACE_TAB,	/* itab pointer, or type pointer for eface */
	GA_PIECE_IFACE_DATA,
	GA_PIECE_RAW,		/* a word of unknown type (arg-info funcdata): shown in hex */
};

enum ga_loc {
	GA_LOC_REG = 0,
	GA_LOC_STACK = 1,
	GA_LOC_DEREF = 2,	/* in the value a pointer argument points at, stack_off into it */
};

struct ga_piece {
	char *path;		/* "x", "req.Name": the value this word belongs to */
	enum ga_piece_kind kind;
	uint8_t size;		/* bytes: 1, 2, 4, 8 */
	enum ga_loc loc;
	int reg;		/* DWARF register number when loc == REG */
	int32_t stack_off;	/* offset from SP at entry (STACK), or into the pointee (DEREF) */
};

/* The computed location against DWARF's location list at the entry. */
enum ga_dwarf_check {
	GA_DWARF_UNCHECKED = 0,	/* no location list to compare with (results, stripped) */
	GA_DWARF_AGREES,
	GA_DWARF_DIFFERS,
};

struct ga_param {
	char *name;
	char *type_name;
	enum ga_kind kind;
	uint32_t size;
	bool is_result;
	bool on_stack;		/* assigned to the stack as a whole */
	enum ga_dwarf_check dwarf_check;
	char *dwarf_loc;	/* what DWARF says at entry ("rcx,rdi", "stack"), NULL if nothing */
	uint64_t type_ref;	/* its type in the build's types table (params.type_id), 0 none */
	size_t npieces;
	struct ga_piece *pieces;
	/* a pointer: the basic fields of what it points at (goattach --deref) */
	size_t nderefs;
	struct ga_piece *derefs;
};

/* A call inlined into a function. */
struct ga_inline {
	char *callee;
	uint32_t offset;	/* first byte of the inlined body, from the caller's entry */
	int parent;		/* enclosing inlined call's index, -1 for the function itself */
};

/* Code that is an inlined call's body: [start, end) bytes from the entry. */
struct ga_inl_range {
	uint32_t start, end;
	int32_t idx;		/* the innermost inlined call there (ga_inline index) */
};

struct ga_func {
	int64_t db_id;
	char *name;
	uint64_t entry;		/* virtual address */
	uint64_t file_off;	/* file offset of the entry */
	uint32_t size;		/* up to the next function's entry */
	enum ga_abi abi;
	bool is_asm;		/* assembly (no DWARF params, ABI0 under regabi) */
	bool is_wrapper;	/* compiler-made ABI wrapper */
	int32_t args_size;	/* in/out args size from pclntab, -1 unknown */
	enum ga_decode_status decode_status;
	uint32_t entry_probe_offset;	/* bytes from entry */
	enum ga_entry_kind entry_kind;
	enum ga_jcc_cond entry_jcc;
	uint8_t entry_insn_len;
	uint8_t entry_insn[GA_MAX_INSN_LEN];
	size_t nexits;
	struct ga_exit *exits;
	bool params_known;	/* DWARF (or a signature) described the params */
	bool args_only;		/* params_known from the arg-info funcdata: raw argument words */
	enum ga_params_source params_source;
	size_t nparams;
	struct ga_param *params;
	size_t ninlines;
	struct ga_inline *inlines;
	size_t ninl_ranges;	/* by start */
	struct ga_inl_range *inl_ranges;
};

void ga_build_clear(struct ga_build *b);
void ga_func_clear(struct ga_func *f);
void ga_funcs_free(struct ga_func *funcs, size_t n);
void ga_params_free(struct ga_param *params, size_t n);
/* Free what one param owns, and zero it. */
void ga_param_clear(struct ga_param *p);

/*
 * A function name as Go's function table and tracebacks write it: every
 * top-level bracketed group of type arguments becomes "[...]"
 * ("main.Max[go.shape.int_0]" -> "main.Max[...]").
 */
void ga_elide_type_args(const char *in, char *out, size_t len);

/* Names of enum values as stored in the DB and printed in reports. */
const char *ga_arch_name(enum ga_arch arch);	/* GOARCH spelling */
enum ga_arch ga_arch_from_name(const char *name);
const char *ga_abi_name(enum ga_abi abi);
const char *ga_exit_kind_name(enum ga_exit_kind kind);
const char *ga_entry_kind_name(enum ga_entry_kind kind);
const char *ga_jcc_name(enum ga_jcc_cond cond);
const char *ga_decode_status_name(enum ga_decode_status st);
/* "dwarf", "types", "sig", "arginfo"; NULL for GA_PSRC_NONE */
const char *ga_params_source_name(enum ga_params_source src);
const char *ga_kind_name(enum ga_kind kind);
const char *ga_piece_kind_name(enum ga_piece_kind kind);
const char *ga_reg_name(enum ga_arch arch, int dwarf_reg);
/* Parse the names above back; return -1 for an unknown name. */
int ga_enum_parse(const char *const *names, int n, const char *name);
int ga_abi_parse(const char *s);
int ga_exit_kind_parse(const char *s);
int ga_entry_kind_parse(const char *s);
int ga_jcc_parse(const char *s);
int ga_decode_status_parse(const char *s);
int ga_params_source_parse(const char *s);
int ga_kind_parse(const char *s);
int ga_piece_kind_parse(const char *s);

/* Human-readable location: "rax", "8(sp)". buf must hold 32 bytes. */
const char *ga_piece_loc_str(enum ga_arch arch, const struct ga_piece *p, char *buf);
