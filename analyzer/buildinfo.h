/* SPDX-License-Identifier: MIT */
/* Go version and module info from .go.buildinfo (or runtime.buildVersion). */
#pragma once

#include "goelf.h"
#include "model.h"

/*
 * Fill b->go_version, module_path, mod_info and b->cgo (from the build
 * settings). Returns 0 when a Go version was found, -ENOENT when the binary
 * has neither build info nor a runtime.buildVersion symbol.
 */
int buildinfo_read(const struct gbin *bin, struct ga_build *b);

/* Parse "go1.19.8" / "go1.21rc2" / "devel go1.22-abc": 0 and major/minor, or -EINVAL. */
int go_version_parse(const char *v, int *major, int *minor);
