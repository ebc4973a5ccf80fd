/* SPDX-License-Identifier: MIT */
/*
 * A cache of types by a 64-bit key (a DWARF offset, a type descriptor's
 * address, a types.id): open addressing, grown at half full. Used by the
 * DWARF reader, the runtime type reader and goattach's typedb.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct gotype;

struct typemap {
	struct typemap_slot {
		uint64_t key;
		struct gotype *type;	/* NULL: a free slot */
	} *slots;
	size_t cap, n;
};

/* The type cached for key, or NULL. */
struct gotype *typemap_get(const struct typemap *m, uint64_t key);
/* Cache t (not NULL) for key, replacing what it had: 0 or -ENOMEM. */
int typemap_put(struct typemap *m, uint64_t key, struct gotype *t);
/* Free a type the readers made: its name, and its fields unless it shares another's. */
void gotype_free(struct gotype *t);
/* Call free_type on every type cached, then free the map. */
void typemap_clear(struct typemap *m, void (*free_type)(struct gotype *t));
