// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>

#include "gotype.h"
#include "typemap.h"

static size_t slot_of(const struct typemap *m, uint64_t key)
{
	/* Fibonacci hashing: the high bits of the product spread keys that are multiples of 8 */
	size_t i = ((key * 0x9e3779b97f4a7c15ull) >> 17) & (m->cap - 1);

	while (m->slots[i].type && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

struct gotype *typemap_get(const struct typemap *m, uint64_t key)
{
	return m->cap ? m->slots[slot_of(m, key)].type : NULL;
}

int typemap_put(struct typemap *m, uint64_t key, struct gotype *t)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct typemap old = *m;

		m->cap = old.cap ? old.cap * 2 : 256;
		m->slots = calloc(m->cap, sizeof(*m->slots));
		if (!m->slots) {
			*m = old;
			return -ENOMEM;
		}
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].type)
				m->slots[slot_of(m, old.slots[i].key)] = old.slots[i];
		free(old.slots);
	}
	i = slot_of(m, key);
	m->n += !m->slots[i].type;
	m->slots[i] = (struct typemap_slot){ .key = key, .type = t };
	return 0;
}

void typemap_clear(struct typemap *m, void (*free_type)(struct gotype *t))
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].type)
			free_type(m->slots[i].type);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

void gotype_free(struct gotype *t)
{
	size_t i;

	if (!t)
		return;
	if (!t->shares_fields) {
		for (i = 0; i < t->nfields; i++)
			free(t->fields[i].name);
		free(t->fields);
	}
	free(t->name);
	free(t);
}
