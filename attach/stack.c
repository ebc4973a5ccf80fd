// SPDX-License-Identifier: MIT
/*
 * --stack: BPF walks the frame pointers at a call's entry and sends the
 * return addresses; here each becomes the name of the function it returns
 * into, by a binary search of the DB's function table (entry, size).
 * Addresses are the process's: the caller subtracts a PIE's load offset.
 * Physical frames only: the DB's inline tree gives where an inlined body
 * starts, not where it ends, so a frame inlined into another is shown as
 * the function it was inlined into.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stack.h"

int stack_syms__load(struct stack_syms *ss, struct gadb *db, int64_t build_id)
{
	int err = gadb__load_syms(db, build_id, &ss->syms, &ss->n);

	if (err)
		pr_warn("stack: cannot read the function table: %s", strerror(-err));
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

const char *stack_syms__name(const struct stack_syms *ss, uint64_t ret, uint64_t bias, char *buf,
			     size_t len)
{
	const struct ga_sym *s = ret > bias ? find_sym(ss, ret - bias - 1) : NULL;

	if (s && s->name)
		return s->name;
	snprintf(buf, len, "0x%" PRIx64, ret);
	return buf;
}
