/* SPDX-License-Identifier: MIT */
/*
 * Go maps read in BPF: the walk of one map (struct ga_mapfetch, by the
 * build's Go version and the key and value types), its constant-key
 * lookup or the nth entry, and the fetch words that run it. Independent
 * of parameters: the planner of map parameters (probes.c) and the
 * expression compiler (m["k"]) use the same calls.
 *
 * Fetch words: mapfetch_words() fills words[i] (GA_SRC_MAP) and
 * words[i + 1] (GA_SRC_KEEP): after the probe, words[i] is the address of
 * the entry's key and words[i + 1] of its value; words[i] == 0 means no
 * entry, and then words[i + 1] == 1 when the walk stopped at its bound
 * (GA_MAP_SCAN slots) before the map's end (unknown), 0 when there is
 * none (nil or empty map, key absent, fewer than n + 1 entries). Later
 * GA_SRC_DEREF words read the key and value through those two words.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "goattach.h"
#include "gotype.h"
#include "model.h"

/* A map type's shape as decoders need it (the walk itself is in struct ga_mapfetch). */
struct map_shape {
	uint64_t key_size, val_size;
	int len_off, len_size;	/* len(m): the header's first word (hmap.count, Map.used) */
};

/*
 * mf walks maps of key and val types of build b, in GA_MAPF_NTH mode.
 * 0, or -ENOTSUP / -EINVAL with a message in msg (an unknown or
 * unsupported map layout, indirect keys or values over 128 bytes).
 */
int mapfetch_init(const struct ga_build *b, const struct gotype *key, const struct gotype *val,
		  struct ga_mapfetch *mf, char *msg, size_t len);
/* The same, and the shape (shape may be NULL). */
int mapfetch_init_shape(const struct ga_build *b, const struct gotype *key,
			const struct gotype *val, struct ga_mapfetch *mf, struct map_shape *shape,
			char *msg, size_t len);

/* The entry of rank n in the walk's order (the default): n is the GA_SRC_MAP word's size. */
void mapfetch_set_nth(struct ga_mapfetch *mf);
/*
 * Look up an integer key of key_size bytes (1, 2, 4, 8) equal to v (its
 * low key_size bytes), or a string key of n bytes (n <= GA_MAP_KEY_LEN):
 * 0, or -EINVAL (bad size, string too long: then no lookup in BPF).
 */
int mapfetch_set_int(struct ga_mapfetch *mf, int key_size, uint64_t v);
int mapfetch_set_str(struct ga_mapfetch *mf, const char *s, size_t n);

/*
 * The two fetch words at out[0], out[1] (words i, i + 1 of a spec) of an
 * entry of the map words[map_word] points at, walked by spec->maps[mf_idx];
 * n: the rank in GA_MAPF_NTH mode (< 256), else 0.
 */
void mapfetch_words(struct ga_fetch out[2], int map_word, int mf_idx, int n);
/* The fetch word of len(m) (a GA_SRC_DEREF of the map word). */
struct ga_fetch mapfetch_len_word(const struct map_shape *shape, int map_word);

/*
 * Parse a map type name, "map[string]int", "map[int64]*main.T", into
 * key and val (kind, size, sign; no name), for basic types, strings,
 * pointer-shaped types (*T, maps, chans, funcs) and struct{} (other value
 * types: kind GA_KIND_UNKNOWN, refused by mapfetch_init). False when
 * type_name is no map type or its key type is none of those. For
 * parameters' type names until the DB's types (typedb.h) give a gotype.
 */
bool map_type_parse(const char *type_name, enum ga_arch arch, struct gotype *key,
		    struct gotype *val);
