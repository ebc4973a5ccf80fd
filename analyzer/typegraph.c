// SPDX-License-Identifier: MIT
/*
 * The type graph of a build (see typegraph.h): a hash from gotype node to
 * id, and a work list of types numbered but not yet written. The walk is
 * a loop, not a recursion: a graph of any depth takes no stack, and a
 * cycle (a linked list's *node) ends at the node already numbered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "typegraph.h"
#include "util.h"

struct tg_slot {
	const struct gotype *type;
	uint64_t id;
};

struct tg_item {
	const struct gotype *type;
	uint64_t id;
	unsigned int depth;
};

struct typegraph {
	struct gadb_writer *w;
	typegraph_resolve_fn resolve;
	void *ctx;
	size_t max_types;
	struct tg_slot *slots;	/* open addressing on the node's address */
	size_t slots_cap;
	struct tg_item *todo;	/* numbered, not yet written: [todo_head, ntodo) */
	size_t todo_head, ntodo, todo_cap;
	uint64_t *field_ids;
	size_t field_ids_cap;
	struct typegraph_stats st;
};

struct typegraph *typegraph__new(struct gadb_writer *w, typegraph_resolve_fn resolve, void *ctx,
				 size_t max_types)
{
	struct typegraph *tg = calloc(1, sizeof(*tg));

	if (!tg) {
		errno = ENOMEM;
		return NULL;
	}
	tg->w = w;
	tg->resolve = resolve;
	tg->ctx = ctx;
	tg->max_types = max_types ? max_types : TYPEGRAPH_MAX_TYPES;
	return tg;
}

void typegraph__free(struct typegraph *tg)
{
	if (!tg)
		return;
	free(tg->slots);
	free(tg->todo);
	free(tg->field_ids);
	free(tg);
}

void typegraph__stats(const struct typegraph *tg, struct typegraph_stats *st)
{
	*st = tg->st;
}

static size_t slot_of(const struct typegraph *tg, const struct gotype *t)
{
	size_t i = ((uintptr_t)t * 0x9e3779b97f4a7c15ull >> 17) & (tg->slots_cap - 1);

	while (tg->slots[i].type && tg->slots[i].type != t)
		i = (i + 1) & (tg->slots_cap - 1);
	return i;
}

static int slots_grow(struct typegraph *tg)
{
	size_t old_cap = tg->slots_cap, i;
	struct tg_slot *old = tg->slots;

	tg->slots_cap = old_cap ? old_cap * 2 : 1024;
	tg->slots = calloc(tg->slots_cap, sizeof(*tg->slots));
	if (!tg->slots) {
		tg->slots = old;
		tg->slots_cap = old_cap;
		return -ENOMEM;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i].type)
			tg->slots[slot_of(tg, old[i].type)] = old[i];
	free(old);
	return 0;
}

/*
 * The id of t in *id, numbering it (to be written) when new. Through a
 * ref (is_ref) a new type is numbered only within the bounds; fields and
 * array elements always are: a struct is written with all its fields,
 * and they nest only as deep as the types' own (bounded) definitions.
 */
static int number(struct typegraph *tg, const struct gotype *t, unsigned int depth, bool is_ref,
		  uint64_t *id)
{
	size_t i;
	int err;

	*id = 0;
	if (!t)
		return 0;
	if (tg->slots_cap) {
		i = slot_of(tg, t);
		if (tg->slots[i].type) {
			*id = tg->slots[i].id;
			return 0;
		}
	}
	if (is_ref && (tg->st.types >= tg->max_types || depth > TYPEGRAPH_MAX_DEPTH)) {
		tg->st.full |= tg->st.types >= tg->max_types;
		tg->st.cut++;
		return 0;
	}
	if ((tg->st.types + 1) * 2 > tg->slots_cap && (err = slots_grow(tg)))
		return err;
	if (ga_ensure_mem((void **)&tg->todo, &tg->todo_cap, tg->ntodo + 1, sizeof(*tg->todo)))
		return -ENOMEM;
	*id = ++tg->st.types;
	tg->slots[slot_of(tg, t)] = (struct tg_slot){ .type = t, .id = *id };
	tg->todo[tg->ntodo++] = (struct tg_item){ .type = t, .id = *id, .depth = depth };
	return 0;
}

/* The id of what ref names (0: nothing, or cut). */
static int number_ref(struct typegraph *tg, uint64_t ref, unsigned int depth, uint64_t *id)
{
	const struct gotype *t;

	*id = 0;
	if (!ref)
		return 0;
	t = tg->resolve(tg->ctx, ref);
	if (!t) {
		tg->st.cut++;
		return 0;
	}
	return number(tg, t, depth, true, id);
}

/* Number what item's type names, then write its row. */
static int write_item(struct typegraph *tg, const struct tg_item *it)
{
	const struct gotype *t = it->type;
	struct ga_type_row row = { .id = it->id, .type = t };
	unsigned int d = it->depth + 1;
	size_t i;
	int err = 0;

	if (ga_ensure_mem((void **)&tg->field_ids, &tg->field_ids_cap, t->nfields + 1,
			  sizeof(*tg->field_ids)))
		return -ENOMEM;
	for (i = 0; !err && i < t->nfields; i++)
		err = number(tg, t->fields[i].type, d, false, &tg->field_ids[i]);
	if (err)
		return err;
	switch (t->kind) {
	case GA_KIND_ARRAY:
		err = number(tg, t->elem, d, false, &row.elem);
		break;
	case GA_KIND_SLICE:
		err = number_ref(tg, t->elem_ref, d, &row.elem);
		break;
	case GA_KIND_PTR:
		/* a map's or chan's pointee_off is the runtime's struct, not Go's type */
		if (t->ptr_kind == GO_PTR_PLAIN)
			err = number_ref(tg, t->pointee_off, d, &row.elem);
		else if (t->ptr_kind == GO_PTR_MAP || t->ptr_kind == GO_PTR_CHAN)
			err = number_ref(tg, t->elem_ref, d, &row.elem);
		if (!err && t->ptr_kind == GO_PTR_MAP)
			err = number_ref(tg, t->key_ref, d, &row.key);
		break;
	default:
		break;
	}
	if (err)
		return err;
	row.field_types = tg->field_ids;
	/* a struct field whose type is not numbered cannot be: fields are never cut */
	for (i = 0; i < t->nfields; i++)
		if (!tg->field_ids[i])
			return -EINVAL;
	tg->st.fields += t->nfields;
	return gadb_writer__add_type(tg->w, &row);
}

/*
 * Written in the order numbered (breadth first): a param's type, then
 * what it names, and so on; ids grow as rows go in.
 */
int typegraph__id(struct typegraph *tg, const struct gotype *t, uint64_t *id)
{
	int err = number(tg, t, 0, true, id);

	while (!err && tg->todo_head < tg->ntodo) {
		struct tg_item it = tg->todo[tg->todo_head++];

		err = write_item(tg, &it);
	}
	tg->todo_head = tg->ntodo = 0;
	return err;
}
