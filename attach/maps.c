// SPDX-License-Identifier: MIT
/*
 * Go maps read in BPF (maps.h): a ga_mapfetch from the build's map
 * layout (common/goruntime.c, by Go version) and the key and value
 * types' sizes and alignment (common/abi.c), and the words that run it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "goruntime.h"
#include "maps.h"
#include "util.h"

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static const char *build_goexperiment(const struct ga_build *b)
{
	size_t i;

	for (i = 0; i < b->nsettings; i++)
		if (b->settings[i].key && !strcmp(b->settings[i].key, "GOEXPERIMENT"))
			return b->settings[i].value;
	return NULL;
}

/* Where keys and values sit in a bucket or group of layout ml, for key and value types. */
static int place_slots(const struct go_map_layout *ml, enum ga_arch arch, const struct gotype *key,
		       const struct gotype *val, struct ga_mapfetch *mf)
{
	uint64_t ks = key->size, vs = val->size, ka = abi_align(arch, key), va = abi_align(arch, val);
	uint64_t ps = ga_ptr_size(arch), n = ml->slots, grp_align, slot_align, slot, elem_off, size;

	grp_align = ka > va ? ka : va;
	switch (ml->kind) {
	case GO_MAP_BUCKETS:
		/* the runtime's dataOffset + i*keysize and dataOffset + 8*keysize + i*elemsize */
		mf->keys_off = ml->ctrl_size;
		mf->key_stride = ks;
		mf->vals_off = ml->ctrl_size + n * ks;
		mf->val_stride = vs;
		/* the overflow pointer is the bucket struct's last field (bucketsize - ptrsize) */
		mf->ovf_off = round_up(ml->ctrl_size + n * ks + n * vs, ps);
		size = mf->ovf_off + ps;
		break;
	case GO_MAP_SWISS:
		/* slot struct{key K; elem V}, with Go's byte after a trailing zero-size field */
		elem_off = round_up(ks, va);
		slot = elem_off + vs;
		if (slot && !vs)
			slot++;
		slot_align = grp_align;
		slot = round_up(slot, slot_align);
		mf->keys_off = round_up(ml->ctrl_size, slot_align);
		mf->key_stride = slot;
		mf->vals_off = mf->keys_off + elem_off;
		mf->val_stride = slot;
		size = mf->keys_off + n * slot;
		break;
	case GO_MAP_SWISS_SPLIT:
		/* struct{ctrl uint64; keys [8]K; elems [8]V} */
		mf->keys_off = round_up(ml->ctrl_size, ka);
		mf->key_stride = ks;
		mf->vals_off = round_up(mf->keys_off + n * ks, va);
		mf->val_stride = vs;
		size = mf->vals_off + n * vs;
		if (!vs)
			size++;
		break;
	default:
		return -EINVAL;
	}
	/* the ctrl word is a uint64: 8-aligned where the word is */
	if (ps > grp_align)
		grp_align = ps;
	mf->group_size = round_up(size, grp_align);
	return size < 0xffff ? 0 : -E2BIG;
}

int mapfetch_init_shape(const struct ga_build *b, const struct gotype *key,
			const struct gotype *val, struct ga_mapfetch *mf, struct map_shape *shape,
			char *msg, size_t len)
{
	struct go_map_layout ml;
	const char *why = NULL;
	int ps = ga_ptr_size(b->arch), err;

	memset(mf, 0, sizeof(*mf));
	if (go_map_layout(b->go_version, build_goexperiment(b), ps, &ml, &why)) {
		snprintf(msg, len, "maps: no map layout for '%s' (%s)",
			 b->go_version ? b->go_version : "unknown Go", why);
		return -ENOTSUP;
	}
	if (shape)
		*shape = (struct map_shape){
			.key_size = key ? key->size : 0, .val_size = val ? val->size : 0,
			.len_off = ml.len_off, .len_size = ml.len_size,
		};
	if (!key || !val || key->kind == GA_KIND_UNKNOWN || val->kind == GA_KIND_UNKNOWN) {
		snprintf(msg, len, "maps: key or value type unknown");
		return -EINVAL;
	}
	if (key->size > (uint64_t)ml.max_inline || val->size > (uint64_t)ml.max_inline) {
		snprintf(msg, len, "maps: %s over %d bytes is stored indirectly: not read",
			 key->size > (uint64_t)ml.max_inline ? "a key" : "a value", ml.max_inline);
		return -ENOTSUP;
	}
	if (!key->size) {
		snprintf(msg, len, "maps: a key of size 0 is not read");
		return -ENOTSUP;
	}
	err = place_slots(&ml, b->arch, key, val, mf);
	if (err) {
		snprintf(msg, len, "maps: a bucket or group too large");
		return err;
	}
	mf->kind = ml.kind == GO_MAP_BUCKETS ? GA_MAP_BUCKETS : GA_MAP_SWISS;
	mf->mode = GA_MAPF_NTH;
	mf->ptr_size = ps;
	mf->tab_off = ml.tab_off;
	mf->tab2_off = ml.tab2_off;
	mf->b_off = ml.b_off;
	mf->flags_off = ml.flags_off;
	mf->same_size_flag = ml.same_size_flag;
	mf->min_full = ml.min_full;
	mf->evacuated_min = ml.evacuated_min;
	mf->groups_off = ml.groups_off;
	mf->mask_off = ml.mask_off;
	return 0;
}

int mapfetch_init(const struct ga_build *b, const struct gotype *key, const struct gotype *val,
		  struct ga_mapfetch *mf, char *msg, size_t len)
{
	return mapfetch_init_shape(b, key, val, mf, NULL, msg, len);
}

void mapfetch_set_nth(struct ga_mapfetch *mf)
{
	mf->mode = GA_MAPF_NTH;
	mf->key_len = 0;
	memset(mf->key, 0, sizeof(mf->key));
}

int mapfetch_set_int(struct ga_mapfetch *mf, int key_size, uint64_t v)
{
	int i;

	if (key_size != 1 && key_size != 2 && key_size != 4 && key_size != 8)
		return -EINVAL;
	memset(mf->key, 0, sizeof(mf->key));
	/* little-endian, as the BPF program reads the key's bytes into a zeroed u64 */
	for (i = 0; i < key_size; i++)
		mf->key[i] = v >> (8 * i);
	mf->mode = GA_MAPF_INT;
	mf->key_len = key_size;
	return 0;
}

int mapfetch_set_str(struct ga_mapfetch *mf, const char *s, size_t n)
{
	if (n > GA_MAP_KEY_LEN)
		return -EINVAL;
	memset(mf->key, 0, sizeof(mf->key));
	memcpy(mf->key, s, n);
	mf->mode = GA_MAPF_STR;
	mf->key_len = n;
	return 0;
}

void mapfetch_words(struct ga_fetch out[2], int map_word, int mf_idx, int n)
{
	out[0] = (struct ga_fetch){ .src = GA_SRC_MAP, .reg = map_word, .size = n, .off = mf_idx };
	out[1] = (struct ga_fetch){ .src = GA_SRC_KEEP };
}

struct ga_fetch mapfetch_len_word(const struct map_shape *shape, int map_word)
{
	return (struct ga_fetch){
		.src = GA_SRC_DEREF, .reg = map_word, .size = shape->len_size, .off = shape->len_off,
	};
}

/* A basic type's name into t (kind, size, sign); false when it is none. */
static bool basic_type(const char *s, size_t n, enum ga_arch arch, struct gotype *t)
{
	static const struct {
		const char *name;
		enum ga_kind kind;
		int size;		/* 0: a word */
		bool is_signed;
	} basics[] = {
		{ "bool", GA_KIND_BOOL, 1, false }, { "int", GA_KIND_INT, 0, true },
		{ "int8", GA_KIND_INT, 1, true }, { "int16", GA_KIND_INT, 2, true },
		{ "int32", GA_KIND_INT, 4, true }, { "rune", GA_KIND_INT, 4, true },
		{ "int64", GA_KIND_INT, 8, true }, { "uint", GA_KIND_UINT, 0, false },
		{ "uint8", GA_KIND_UINT, 1, false }, { "byte", GA_KIND_UINT, 1, false },
		{ "uint16", GA_KIND_UINT, 2, false }, { "uint32", GA_KIND_UINT, 4, false },
		{ "uint64", GA_KIND_UINT, 8, false }, { "uintptr", GA_KIND_UINT, 0, false },
		{ "float32", GA_KIND_FLOAT, 4, false }, { "float64", GA_KIND_FLOAT, 8, false },
		{ "string", GA_KIND_STRING, -2, false }, { "unsafe.Pointer", GA_KIND_PTR, 0, false },
		{ "struct {}", GA_KIND_STRUCT, -1, false }, { "struct{}", GA_KIND_STRUCT, -1, false },
	};
	int ps = ga_ptr_size(arch);
	size_t i;

	memset(t, 0, sizeof(*t));
	/* pointers, maps, chans and funcs are one pointer word each */
	if (n && (s[0] == '*' || !strncmp(s, "map[", 4) || !strncmp(s, "chan ", 5) ||
		  !strncmp(s, "func(", 5))) {
		t->kind = GA_KIND_PTR;
		t->size = ps;
		return true;
	}
	for (i = 0; i < sizeof(basics) / sizeof(basics[0]); i++) {
		if (strlen(basics[i].name) != n || strncmp(basics[i].name, s, n))
			continue;
		t->kind = basics[i].kind;
		t->is_signed = basics[i].is_signed;
		t->size = basics[i].size > 0 ? basics[i].size : basics[i].size == 0 ? ps :
			  basics[i].size == -2 ? 2 * ps : 0;
		return true;
	}
	return false;
}

bool map_type_parse(const char *type_name, enum ga_arch arch, struct gotype *key,
		    struct gotype *val)
{
	const char *k, *p;
	int depth = 1;

	if (!type_name || strncmp(type_name, "map[", 4))
		return false;
	k = type_name + 4;
	for (p = k; *p && depth; p++)
		depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
	if (depth)
		return false;
	/* p is past the key's closing bracket */
	if (!basic_type(k, p - 1 - k, arch, key))
		return false;
	if (!basic_type(p, strlen(p), arch, val))
		memset(val, 0, sizeof(*val));
	return true;
}
