/* SPDX-License-Identifier: MIT */
/*
 * The binary's own runtime type descriptors: a reader of them (shared by
 * rtypes.c), and runtime.g's field offsets without symbols or DWARF.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elfimg.h"
#include "goruntime.h"
#include "pclntab.h"

/* What reading descriptors of one binary takes: set by rtype_reader_init(). */
struct rtype_reader {
	const struct elfimg *bin;
	struct go_rtype_layout l;
	int ps;
	uint64_t types, etypes;	/* moduledata: every descriptor and name lies in [types, etypes) */
	int embed;		/* StructField.Offset is offset<<1 | embedded */
	uint64_t g;		/* runtime.g's descriptor, 0 when not found */
};

/*
 * Set r up for bin: the layouts of go_version (NULL: unknown), and where
 * its runtime.g's fields hold together, the name encoding (when the
 * version is unknown) and StructField.Offset's. 0, or -ENOENT when tab
 * has no moduledata.types (one info line).
 */
int rtype_reader_init(struct rtype_reader *r, const struct elfimg *bin, const struct pclntab *tab,
		      const char *go_version);

/* len bytes of the descriptor at t, NULL unless all are in [types, etypes) of the file. */
const uint8_t *rtype_desc(const struct rtype_reader *r, uint64_t t, uint64_t len);
/* The kind (GO_KIND_*) of the descriptor h. */
int rtype_kind(const struct rtype_reader *r, const uint8_t *h);
/* The name at addr (flags, length, bytes): its bytes (borrowed from the file) and *len, or NULL. */
const char *rtype_name_at(const struct rtype_reader *r, uint64_t addr, size_t *len);
/* The type string of the descriptor h (min_size bytes), without an extra star; NULL if none. */
const char *rtype_str(const struct rtype_reader *r, const uint8_t *h, size_t *len);
/* The fields of the struct type st: data, count and st's size; false when unreadable. */
bool rtype_fields(const struct rtype_reader *r, uint64_t st, const uint8_t **fields, uint64_t *n,
		  uint64_t *size);
/* The offset of the StructField at f, read as embed says. */
uint64_t rtype_field_off(const struct rtype_reader *r, const uint8_t *f, int embed);

/*
 * The fields of runtime.g goattach reads (struct go_g_layout), from the
 * type descriptor of runtime.g the binary carries for the runtime itself:
 * found as the element of "*runtime.g" among the typelinked types (Go
 * 1.9-1.26: moduledata.typelinks; 1.27+: the descriptors in
 * [types+ptrsize, types+typedesclen)). go_version may be NULL. 0 and *out
 * (-1 for a field it lacks), -ENOENT when the descriptor is not found or
 * does not hold together (one info line says why).
 */
int rtype_g_layout(const struct elfimg *bin, const struct pclntab *tab, const char *go_version,
		   struct go_g_layout *out);
