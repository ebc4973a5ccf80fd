/* SPDX-License-Identifier: MIT */
/* Decoding events into text lines or JSON Lines (paired printers). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "goattach.h"
#include "probes.h"

struct output;

struct output *output__new(const struct probe_plan *plan, bool json, FILE *out);
void output__free(struct output *o);
/* Print one completed call. */
int output__event(struct output *o, const struct ga_event *e);
