/* SPDX-License-Identifier: MIT */
/* From the DB to a verified list of probes: which file offsets, which specs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "db.h"
#include "elfimg.h"
#include "goattach.h"
#include "gotypes.h"
#include "maps.h"
#include "model.h"

/* Where a piece of a parameter went in the fetched words. */
#define SLOT_NONE (-1)		/* not fetched: beyond the fetch budget (GA_MAX_WORDS) */
#define SLOT_UNREADABLE (-2)	/* lives where a uprobe cannot read (XMM registers) */

/* Entries of a map parameter shown: fewer when the fetch budget runs out. */
#define MAP_SHOW 4

/* One fetched entry of a map parameter: the words of its key and value. */
struct map_entry_words {
	int map_word;		/* GA_SRC_MAP: the key's address; map_word + 1 the value's */
	int key_word[2];	/* the key's words (a string: data, len), SLOT_NONE when none */
	int val_word[2];
	int key_str, val_str;	/* string slots, SLOT_NONE */
	int val_elem[2];	/* a []string value: its first element's words, SLOT_NONE */
	int val_elem_str;
};

/* A map parameter: len(m) and its first entries (map_type_parse of its type name). */
struct map_words {
	bool is_map;
	bool types_known;	/* key and val parsed and laid out: entries fetched */
	struct gotype key, val;
	struct map_shape shape;
	int len_word;		/* len(m), or SLOT_NONE */
	int nentries;
	struct map_entry_words e[MAP_SHOW];
	bool val_strings;	/* the values are []string: shown by their first element */
};

struct func_layout {
	/* per piece, flattened over params in order: word index or SLOT_* */
	int *word;
	/* per piece: its byte offset in that word (small stack values share a word) */
	uint8_t *shift;
	/* per piece: string slot for GA_PIECE_STR_DATA pieces, else SLOT_NONE */
	int *str;
	size_t npieces;
	/* --deref: per pointee field (flattened over params), word index or SLOT_* */
	int *dword;
	/* per param: what of a map was fetched (is_map false for other params) */
	struct map_words *maps;
	/* per param: a net/netip.Addr's z.value->isV6 byte (Go 1.22+), else SLOT_NONE */
	int *aux;
};

struct expr;
struct expr_show;
struct typedb;

/* What the user asked of the probes besides the functions. */
struct plan_opts {
	const char *sig;	/* --sig: the signature of the one function selected */
	bool deref;		/* --deref */
	int deref_depth;	/* --deref=N: pointers followed, N levels (1: the params' own) */
	struct expr *const *exprs;	/* --expr, parsed: shown with the calls of every function */
	size_t nexprs;		/* ... where they type-check (one at least) */
	const char *filter;	/* --filter: must type-check in every function */
};

#define GA_FUNC_NONE 0xffffffffu	/* a probe of the runtime's, not a traced function */

struct planned_probe {
	uint64_t file_off;
	size_t func_idx;
	struct ga_probe_spec spec;
};

struct probe_plan {
	struct ga_build build;
	struct elfimg *img;	/* the binary, mapped: probe bytes, type and dictionary names */
	struct gotypes types;
	char *binary_path;	/* the file the user named (messages; see probe_plan__names_verified) */
	/* "/proc/self/fd/N": the file hashed and checked (plan->img's fd), where the uprobes go */
	char attach_path[32];
	dev_t bin_dev;		/* that file's device and inode */
	ino_t bin_ino;
	struct ga_func *funcs;
	size_t nfuncs;
	struct func_layout *layouts;	/* per function */
	struct planned_probe *probes;	/* index == attach cookie */
	size_t nprobes;
	int tls_g_off;	/* 386: g's offset from the TLS block at 0(GS) */
	bool deref;	/* --deref: fetch the basic fields of what pointers point at */
	struct typedb *typedb;	/* the build's types (for expressions); NULL when none are needed */
	struct expr_show *shows;	/* per function: its --expr values; NULL without --expr */
	struct expr_show *deref_shows;	/* per function: --deref of its pointer params, by param */
	struct expr_types *owned_types;	/* types made for params the DB has none of */
	struct ga_filter *filters;	/* per function: its --filter compiled; NULL without */
	size_t nexprs;
	size_t nmarks;	/* probes on runtime.gopanic / runtime.Goexit (func_idx GA_FUNC_NONE) */
};

/*
 * Identify binary_path (the file open at binary_fd when >= 0, else
 * binary_path opened once), find its build in db (refusing, with both ids,
 * when absent), load the functions matching patterns, check the bytes at
 * every probe address against the binary, and build the probe specs.
 * sig (optional, Go syntax) gives the parameters of the one function
 * selected, for binaries without DWARF; exprs and filter are placed in
 * every function's fetch lists (exprplace.h).
 * Returns 0 or a negative errno after an error line.
 */
int probe_plan__build(struct gadb *db, const char *db_path, const char *binary_path,
		      int binary_fd, const char *const *patterns, size_t npat,
		      const struct plan_opts *opts, struct probe_plan *plan);
void probe_plan__clear(struct probe_plan *plan);

/*
 * Whether path (the binary the user named, or /proc/PID/exe) still is the
 * file the plan verified, by device and inode; *now (optional) gets what
 * path is now (zeroed when it is gone).
 */
bool probe_plan__names_verified(const struct probe_plan *plan, const char *path,
				struct stat *now);

/* Index of param's first piece, and of its first pointee field, in a layout's flat arrays. */
size_t layout_piece_base(const struct ga_func *f, size_t param);
size_t layout_deref_base(const struct ga_func *f, size_t param);

/*
 * The fetched result words that are the type word of an error result, as
 * a mask over ga_vals.words: any of them non-zero is a non-nil error.
 */
uint32_t layout_error_words(const struct ga_func *f, const struct func_layout *lay);

/*
 * The string fetch of piece k of prm (at flat index idx of lay), if it
 * starts one: a string, the first bytes of a slice of a basic type, an
 * error's message. False when it does not, or its words were not fetched.
 */
bool layout_string_fetch(const struct ga_param *prm, size_t k, size_t idx,
			 const struct func_layout *lay, struct ga_strfetch *out);

/*
 * The words of a map value whose pointer is word pw of spec: len(m),
 * then its first entries while the budget lasts. map_t is its type from
 * the DB (key and value types by ref), or NULL and type_name parsed.
 */
void layout_map_value(const struct probe_plan *plan, const struct gotype *map_t,
		      const char *type_name, const char *name, int pw, struct map_words *mw,
		      struct ga_probe_spec *spec);
