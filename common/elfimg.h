/* SPDX-License-Identifier: MIT */
/* ELF access for the analyzer (goelf: <elf.h> is the system one) (libelf): sections, segments, symbols, addresses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct gbin;

struct gbin_section {
	const char *name;	/* borrowed from the ELF string table */
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t type;
	uint64_t flags;
	const uint8_t *data;	/* file bytes, NULL for NOBITS */
};

/* Map and parse path. NULL + errno on failure, after one error line naming the file. */
struct gbin *gbin__open(const char *path);
void gbin__free(struct gbin *bin);

const char *gbin__path(const struct gbin *bin);
const uint8_t *gbin__data(const struct gbin *bin, size_t *size);
enum ga_arch gbin__arch(const struct gbin *bin);
int gbin__ptr_size(const struct gbin *bin);
bool gbin__is_pie(const struct gbin *bin);
bool gbin__has_symtab(const struct gbin *bin);
bool gbin__is_dynamic(const struct gbin *bin);	/* has PT_INTERP: dynamically linked */

/* 0 and *out, or -ENOENT. The data pointer is bound-checked against the file. */
int gbin__section(const struct gbin *bin, const char *name, struct gbin_section *out);
/* The section containing vaddr, -ENOENT if none. */
int gbin__section_at(const struct gbin *bin, uint64_t vaddr, struct gbin_section *out);

/* File offset of a virtual address through the PT_LOAD segments; -ERANGE if unmapped. */
int gbin__vaddr_to_off(const struct gbin *bin, uint64_t vaddr, uint64_t *off);
/* Pointer to len file bytes at vaddr, NULL if any of them is not in the file. */
const uint8_t *gbin__vaddr_ptr(const struct gbin *bin, uint64_t vaddr, uint64_t len);
/*
 * Done with the file bytes of [vaddr, vaddr + len): give their pages back
 * (whole pages only; they are read again from the file if touched). Keeps
 * peak memory near what is in use, not the size of the binary.
 */
void gbin__release(const struct gbin *bin, uint64_t vaddr, uint64_t len);

/* True if vaddr lies in an executable PT_LOAD segment. */
bool gbin__vaddr_is_exec(const struct gbin *bin, uint64_t vaddr);

struct gbin_segment {
	uint64_t vaddr;
	uint64_t filesz;
	const uint8_t *data;	/* filesz file bytes */
	bool exec;
	bool write;
};

/* PT_LOAD segments, for scanning when section headers are missing. */
size_t gbin__nsegments(const struct gbin *bin);
void gbin__segment(const struct gbin *bin, size_t i, struct gbin_segment *out);
/* True when the file has section headers at all. */
bool gbin__has_sections(const struct gbin *bin);

/* Call fn for each .symtab symbol (name borrowed for the call); stops when fn returns non-zero. */
int gbin__for_each_symbol(const struct gbin *bin,
			  int (*fn)(const char *name, uint64_t addr, void *ctx), void *ctx);

/* Look up a symbol in .symtab (then .dynsym); -ENOENT if absent. */
int gbin__symbol(const struct gbin *bin, const char *name, uint64_t *addr, uint64_t *size);

/* Read a little-endian unsigned value of n bytes (1..8) from p. */
static inline uint64_t read_uint(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}
