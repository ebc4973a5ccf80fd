/* SPDX-License-Identifier: MIT */
/* Go version and module info from .go.buildinfo (or runtime.buildVersion). */
#pragma once

#include "elfimg.h"
#include "model.h"

/*
 * Fill b->go_version, module_path, mod_info and b->cgo (from the build
 * settings). Returns 0 when a Go version was found, -ENOENT when the binary
 * has neither build info nor a runtime.buildVersion symbol.
 */
int buildinfo_read(const struct elfimg *bin, struct ga_build *b);

