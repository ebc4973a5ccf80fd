/* SPDX-License-Identifier: MIT */
/*
 * --stack: the PCs BPF took at a call's entry, named by the DB's function
 * table, each expanded into the inlined calls the pclntab knows there.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct stack_syms {
	struct ga_sym *syms;	/* by entry, with their inlined calls */
	size_t n;
};

/* One frame shown: a function, or a call the compiler inlined into the next frame. */
struct stack_frame {
	const char *name;	/* borrowed from the stack_syms */
	bool inlined;
};

/*
 * Every function of build_id from db into ss, with the calls inlined into
 * each and where their bodies are; 0 or a negative errno after an error line.
 */
int stack_syms__load(struct stack_syms *ss, struct gadb *db, int64_t build_id);
void stack_syms__clear(struct stack_syms *ss);

/*
 * The frames at pc (the DB's addresses): the calls inlined there,
 * innermost first (the callee of the range holding pc, then its parents'),
 * then the function holding pc, at most max into out. Returns how many; 0
 * when no function holds pc. A caller frame's pc is its return address
 * minus 1: the return address is past the CALL, and may be the next
 * function's entry or the next inlined body's first byte.
 */
size_t stack_syms__frames_at(const struct stack_syms *ss, uint64_t pc, struct stack_frame *out,
			     size_t max);
