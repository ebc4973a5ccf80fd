// SPDX-License-Identifier: MIT
/*
 * --stack: BPF walks the frame pointers at a call's entry and sends the
 * return addresses; here each becomes the functions it returns into: the
 * physical one, by a binary search of the DB's function table (entry,
 * size), and before it the calls inlined at that PC, by the function's
 * inline_ranges and the parents of its inline tree. The same walk as the
 * runtime's: runtime/symtabinl.go inlineUnwinder of Go 1.20+ (and the
 * loop in runtime/symtab.go expandCgoFrames of 1.19) steps from an
 * inlined call to the one holding its parentPc; goanalyze stored that
 * as the parent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stack.h"

/* Inlined calls nest at most this deep in a frame (a bad parent chain stops here). */
#define STACK_MAX_INLINE_DEPTH 64

int stack_syms__load(struct stack_syms *ss, struct gadb *db, int64_t build_id)
{
	int err = gadb__load_syms(db, build_id, &ss->syms, &ss->n);

	if (err) {
		pr_warn("stack: cannot read the function table: %s", strerror(-err));
		return err;
	}
	err = gadb__load_sym_inlines(db, build_id, ss->syms, ss->n);
	if (err) {
		pr_warn("stack: cannot read the inlined calls: %s", strerror(-err));
		stack_syms__clear(ss);
	}
	return err;
}

void stack_syms__clear(struct stack_syms *ss)
{
	ga_syms_free(ss->syms, ss->n);
	ss->syms = NULL;
	ss->n = 0;
}

/* The function whose [entry, entry + size) holds pc, NULL when none. */
static const struct ga_sym *find_sym(const struct stack_syms *ss, uint64_t pc)
{
	size_t lo = 0, hi = ss->n;

	/* the last function with entry <= pc */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ss->syms[mid].entry <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || pc - ss->syms[lo - 1].entry >= ss->syms[lo - 1].size)
		return NULL;
	return &ss->syms[lo - 1];
}

/* The innermost inlined call at off bytes into s, -1 when off is s's own code. */
static int inline_at(const struct ga_sym *s, uint64_t off)
{
	size_t lo = 0, hi = s->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (off < s->ranges[mid].start)
			hi = mid;
		else if (off >= s->ranges[mid].end)
			lo = mid + 1;
		else
			return s->ranges[mid].idx;
	}
	return -1;
}

size_t stack_syms__frames_at(const struct stack_syms *ss, uint64_t pc, struct stack_frame *out,
			     size_t max)
{
	const struct ga_sym *s = find_sym(ss, pc);
	size_t n = 0, depth;
	int idx;

	if (!s || !max)
		return 0;
	idx = inline_at(s, pc - s->entry);
	for (depth = 0; idx >= 0 && (size_t)idx < s->ninlines && depth < STACK_MAX_INLINE_DEPTH;
	     depth++) {
		if (!s->inlines[idx].callee)
			break;
		if (n < max)
			out[n++] = (struct stack_frame){ .name = s->inlines[idx].callee, .inlined = true };
		idx = s->inlines[idx].parent;
	}
	if (n < max)
		out[n++] = (struct stack_frame){ .name = s->name };
	return n;
}
