/* SPDX-License-Identifier: MIT */
/* --stack: the PCs BPF took at a call's entry, named by the DB's function table. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct stack_syms {
	struct ga_sym *syms;	/* by entry */
	size_t n;
};

/* Every function of build_id from db into ss; 0 or a negative errno after an error line. */
int stack_syms__load(struct stack_syms *ss, struct gadb *db, int64_t build_id);
void stack_syms__clear(struct stack_syms *ss);

/*
 * The function a return address ret returns into: the one holding ret - 1
 * (a call may be a function's last instruction, its return address then
 * the next function's entry), ret taken at bias from the DB's addresses
 * (a PIE's load offset). Borrowed from ss; when no function holds it,
 * ret as "0x..." in buf.
 */
const char *stack_syms__name(const struct stack_syms *ss, uint64_t ret, uint64_t bias, char *buf,
			     size_t len);
