// SPDX-License-Identifier: MIT
/* Probe byte checks (see verify.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "insn.h"
#include "log.h"
#include "verify.h"

/* The bytes at a probe must be exactly what the analyzer saw, inside the function. */
static int check_bytes(const struct verify_img *img, const struct ga_func *f, uint64_t file_off,
		       const uint8_t *want, size_t want_len, const char *what)
{
	if (file_off < f->file_off || file_off >= f->file_off + f->size || !want_len ||
	    file_off > img->size || want_len > img->size - file_off) {
		pr_warn("verify: %s of %s at file offset 0x%llx lies outside the function in '%s'; "
			"refusing to attach", what, f->name, (unsigned long long)file_off, img->path);
		return -EINVAL;
	}
	if (memcmp(img->data + file_off, want, want_len)) {
		pr_warn("verify: bytes at %s of %s (file offset 0x%llx) in '%s' differ from the DB; "
			"refusing to attach", what, f->name, (unsigned long long)file_off, img->path);
		return -EINVAL;
	}
	return 0;
}

int verify_entry(const struct verify_img *img, const struct ga_func *f, uint64_t *off)
{
	int err;

	*off = f->file_off + f->entry_probe_offset;
	err = check_bytes(img, f, *off, f->entry_insn, f->entry_insn_len, "the entry probe");
	if (err)
		return err;
	if (!insn_is_probe_class(img->arch, img->data + *off, f->entry_insn_len, INSN_PROBE_ENTRY,
				 f->entry_jcc)) {
		pr_warn("verify: entry probe of %s is not on the stack-check branch the DB claims; "
			"refusing to attach", f->name);
		return -EINVAL;
	}
	return 0;
}

int verify_exit(const struct verify_img *img, const struct ga_func *f, size_t i, uint64_t *off)
{
	const struct ga_exit *e = &f->exits[i];
	enum insn_probe kind = e->kind == GA_EXIT_RET ? INSN_PROBE_RET : INSN_PROBE_TAILCALL;
	char what[64];
	int err;

	*off = f->file_off + e->offset;
	snprintf(what, sizeof(what), "the %s at +0x%x", ga_exit_kind_name(e->kind), e->offset);
	err = check_bytes(img, f, *off, e->insn, e->insn_len, what);
	if (err)
		return err;
	if (!insn_is_probe_class(img->arch, img->data + *off, e->insn_len, kind, GA_JCC_NONE)) {
		pr_warn("verify: %s of %s (file offset 0x%llx) is not a %s instruction in '%s'; "
			"refusing to attach", what, f->name, (unsigned long long)*off,
			kind == INSN_PROBE_RET ? "RET" : "JMP", img->path);
		return -EINVAL;
	}
	return 0;
}
