/* SPDX-License-Identifier: MIT */
/*
 * A mapped ELF image (libelf): its sections, its PT_LOAD map from virtual
 * addresses to file bytes, and its symbol tables. goanalyze reads every
 * binary through it, goattach the binary it traces (probe offsets, type
 * descriptors, dictionary symbols).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

struct elfimg;

struct elfimg_section {
	const char *name;	/* borrowed from the ELF string table */
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t type;
	uint64_t flags;
	const uint8_t *data;	/* file bytes, NULL for NOBITS */
};

/* Map and parse path. NULL + errno on failure, after one error line naming the file. */
struct elfimg *elfimg__open(const char *path);
/*
 * Map and parse the file open at fd (path names it in messages). The
 * image keeps a duplicate of fd (close-on-exec, closed by elfimg__free):
 * whatever reads the image reads that very file, even once path names
 * another one.
 */
struct elfimg *elfimg__open_fd(int fd, const char *path);
void elfimg__free(struct elfimg *bin);
/* elfimg__open_fd's duplicate of its fd (borrowed, open until elfimg__free), -1 otherwise. */
int elfimg__fd(const struct elfimg *bin);

const char *elfimg__path(const struct elfimg *bin);
const uint8_t *elfimg__data(const struct elfimg *bin, size_t *size);
enum ga_arch elfimg__arch(const struct elfimg *bin);
int elfimg__ptr_size(const struct elfimg *bin);
bool elfimg__is_pie(const struct elfimg *bin);
bool elfimg__has_symtab(const struct elfimg *bin);
bool elfimg__is_dynamic(const struct elfimg *bin);	/* has PT_INTERP: dynamically linked */

/* 0 and *out, or -ENOENT. The data pointer is bound-checked against the file. */
int elfimg__section(const struct elfimg *bin, const char *name, struct elfimg_section *out);
/* The section containing vaddr, -ENOENT if none. */
int elfimg__section_at(const struct elfimg *bin, uint64_t vaddr, struct elfimg_section *out);

/* File offset of a virtual address through the PT_LOAD segments; -ERANGE if unmapped. */
int elfimg__vaddr_to_off(const struct elfimg *bin, uint64_t vaddr, uint64_t *off);
/* Pointer to len file bytes at vaddr, NULL if any of them is not in the file. */
const uint8_t *elfimg__vaddr_ptr(const struct elfimg *bin, uint64_t vaddr, uint64_t len);
/* Pointer to the file bytes at vaddr and in *avail how many follow in its segment; NULL if none. */
const uint8_t *elfimg__vaddr_ptr_avail(const struct elfimg *bin, uint64_t vaddr, uint64_t *avail);
/*
 * Done with the file bytes of [vaddr, vaddr + len): give their pages back
 * (whole pages only; they are read again from the file if touched). Keeps
 * peak memory near what is in use, not the size of the binary.
 */
void elfimg__release(const struct elfimg *bin, uint64_t vaddr, uint64_t len);

/* True if vaddr lies in an executable PT_LOAD segment. */
bool elfimg__vaddr_is_exec(const struct elfimg *bin, uint64_t vaddr);

struct elfimg_segment {
	uint64_t vaddr;
	uint64_t filesz;
	const uint8_t *data;	/* filesz file bytes */
	bool exec;
	bool write;
};

/* PT_LOAD segments, for scanning when section headers are missing. */
size_t elfimg__nsegments(const struct elfimg *bin);
void elfimg__segment(const struct elfimg *bin, size_t i, struct elfimg_segment *out);
/* True when the file has section headers at all. */
bool elfimg__has_sections(const struct elfimg *bin);

/* Call fn for each .symtab symbol (name borrowed for the call); stops when fn returns non-zero. */
int elfimg__for_each_symbol(const struct elfimg *bin,
			  int (*fn)(const char *name, uint64_t addr, void *ctx), void *ctx);

/* Look up a symbol in .symtab (then .dynsym); -ENOENT if absent. */
int elfimg__symbol(const struct elfimg *bin, const char *name, uint64_t *addr, uint64_t *size);
