// SPDX-License-Identifier: MIT
/* The plain data between the stages: freeing it, enum names, Go name elision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotype.h"
#include "model.h"
#include "util.h"


void ga_build_clear(struct ga_build *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nmodules; i++) {
		free(b->modules[i].kind);
		free(b->modules[i].path);
		free(b->modules[i].version);
		free(b->modules[i].sum);
	}
	free(b->modules);
	for (i = 0; i < b->nsettings; i++) {
		free(b->settings[i].key);
		free(b->settings[i].value);
	}
	free(b->settings);
	free(b->path);
	free(b->go_build_id);
	free(b->gnu_build_id);
	free(b->go_version);
	free(b->module_path);
	free(b->mod_info);
	free(b->goid_offset_source);
	free(b->debuginfo);
	free(b->debuginfo_path);
	free(b->g_offsets_source);
	memset(b, 0, sizeof(*b));
	b->goid_offset = -1;
}

void ga_param_clear(struct ga_param *p)
{
	size_t j;

	for (j = 0; j < p->npieces; j++)
		free(p->pieces[j].path);
	free(p->pieces);
	for (j = 0; j < p->nderefs; j++)
		free(p->derefs[j].path);
	free(p->derefs);
	free(p->dwarf_loc);
	free(p->name);
	free(p->type_name);
	memset(p, 0, sizeof(*p));
}

void ga_params_free(struct ga_param *params, size_t n)
{
	size_t i;

	if (!params)
		return;
	for (i = 0; i < n; i++)
		ga_param_clear(&params[i]);
	free(params);
}

void ga_func_clear(struct ga_func *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->nexits; i++)
		free(f->exits[i].target_name);
	free(f->exits);
	for (i = 0; i < f->ninlines; i++)
		free(f->inlines[i].callee);
	free(f->inlines);
	free(f->inl_ranges);
	ga_params_free(f->params, f->nparams);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

void ga_funcs_free(struct ga_func *funcs, size_t n)
{
	size_t i;

	if (!funcs)
		return;
	for (i = 0; i < n; i++)
		ga_func_clear(&funcs[i]);
	free(funcs);
}

static const char *const arch_names[] = {
	[GA_ARCH_UNKNOWN] = "unknown",
	[GA_ARCH_AMD64] = "amd64",
	[GA_ARCH_ARM64] = "arm64",
	[GA_ARCH_386] = "386",
};
static const char *const abi_names[] = {
	[GA_ABI0] = "ABI0",
	[GA_ABI_INTERNAL] = "ABIInternal",
};
static const char *const exit_kind_names[] = {
	[GA_EXIT_RET] = "ret",
	[GA_EXIT_TAILCALL] = "tailcall",
};
static const char *const entry_kind_names[] = {
	[GA_ENTRY_RAW] = "entry",
	[GA_ENTRY_JCC] = "jcc-prologue",
};
static const char *const jcc_names[] = {
	[GA_JCC_NONE] = "none",
	[GA_JCC_BE] = "be",
	[GA_JCC_B] = "b",
	[GA_JCC_LS] = "ls",
	[GA_JCC_LO] = "lo",
};
static const char *const params_source_names[] = {
	[GA_PSRC_DWARF] = "dwarf",
	[GA_PSRC_TYPES] = "types",
	[GA_PSRC_SIG] = "sig",
	[GA_PSRC_ARGINFO] = "arginfo",
};

static const char *const decode_status_names[] = {
	[GA_DECODE_OK] = "ok",
	[GA_DECODE_BAD] = "bad",
	[GA_DECODE_INDIRECT] = "indirect-jump",
};
static const char *const kind_names[] = {
	[GA_KIND_UNKNOWN] = "unknown",
	[GA_KIND_BOOL] = "bool",
	[GA_KIND_INT] = "int",
	[GA_KIND_UINT] = "uint",
	[GA_KIND_FLOAT] = "float",
	[GA_KIND_COMPLEX] = "complex",
	[GA_KIND_PTR] = "ptr",
	[GA_KIND_STRING] = "string",
	[GA_KIND_SLICE] = "slice",
	[GA_KIND_IFACE] = "iface",
	[GA_KIND_EFACE] = "eface",
	[GA_KIND_STRUCT] = "struct",
	[GA_KIND_ARRAY] = "array",
};
static const char *const piece_kind_names[] = {
	[GA_PIECE_INT] = "int",
	[GA_PIECE_UINT] = "uint",
	[GA_PIECE_BOOL] = "bool",
	[GA_PIECE_FLOAT] = "float",
	[GA_PIECE_PTR] = "ptr",
	[GA_PIECE_STR_DATA] = "str.data",
	[GA_PIECE_STR_LEN] = "str.len",
	[GA_PIECE_SLICE_DATA] = "slice.data",
	[GA_PIECE_SLICE_LEN] = "slice.len",
	[GA_PIECE_SLICE_CAP] = "slice.cap",
	[GA_PIECE_IFACE_TAB] = "iface.tab",
	[GA_PIECE_IFACE_DATA] = "iface.data",
	[GA_PIECE_RAW] = "raw",
};

#define NAME_OR_UNKNOWN(tab, v) \
	(((unsigned int)(v) < ARRAY_SIZE(tab) && (tab)[v]) ? (tab)[v] : "unknown")

const char *ga_arch_name(enum ga_arch arch)
{
	return NAME_OR_UNKNOWN(arch_names, arch);
}

const char *ga_abi_name(enum ga_abi abi)
{
	return NAME_OR_UNKNOWN(abi_names, abi);
}

const char *ga_exit_kind_name(enum ga_exit_kind kind)
{
	return NAME_OR_UNKNOWN(exit_kind_names, kind);
}

const char *ga_entry_kind_name(enum ga_entry_kind kind)
{
	return NAME_OR_UNKNOWN(entry_kind_names, kind);
}

const char *ga_jcc_name(enum ga_jcc_cond cond)
{
	return NAME_OR_UNKNOWN(jcc_names, cond);
}

const char *ga_decode_status_name(enum ga_decode_status st)
{
	return NAME_OR_UNKNOWN(decode_status_names, st);
}

const char *ga_params_source_name(enum ga_params_source src)
{
	return (size_t)src < ARRAY_SIZE(params_source_names) ? params_source_names[src] : NULL;
}

const char *ga_kind_name(enum ga_kind kind)
{
	return NAME_OR_UNKNOWN(kind_names, kind);
}

const char *ga_piece_kind_name(enum ga_piece_kind kind)
{
	return NAME_OR_UNKNOWN(piece_kind_names, kind);
}

/* As the DB's types.ptr_kind spells them. */
static const char *const ptr_kind_names[] = {
	[GO_PTR_PLAIN] = "ptr",
	[GO_PTR_MAP] = "map",
	[GO_PTR_CHAN] = "chan",
	[GO_PTR_FUNC] = "func",
	[GO_PTR_UNSAFE] = "unsafe",
};

const char *go_ptr_kind_name(enum go_ptr_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(ptr_kind_names) ? ptr_kind_names[kind] : NULL;
}

int ga_enum_parse(const char *const *names, int n, const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

enum ga_arch ga_arch_from_name(const char *name)
{
	int v = ga_enum_parse(arch_names, ARRAY_SIZE(arch_names), name);

	return v < 0 ? GA_ARCH_UNKNOWN : (enum ga_arch)v;
}

#define DEFINE_PARSE(fn, tab) \
	int fn(const char *s) { return ga_enum_parse(tab, ARRAY_SIZE(tab), s); }
DEFINE_PARSE(ga_abi_parse, abi_names)
DEFINE_PARSE(ga_exit_kind_parse, exit_kind_names)
DEFINE_PARSE(ga_entry_kind_parse, entry_kind_names)
DEFINE_PARSE(ga_jcc_parse, jcc_names)
DEFINE_PARSE(ga_decode_status_parse, decode_status_names)
DEFINE_PARSE(ga_params_source_parse, params_source_names)
DEFINE_PARSE(ga_kind_parse, kind_names)
DEFINE_PARSE(ga_piece_kind_parse, piece_kind_names)
DEFINE_PARSE(go_ptr_kind_parse, ptr_kind_names)

/* DWARF register numbers: the System V psABI tables for each architecture. */
static const char *const amd64_regs[] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
};
static const char *const i386_regs[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
};

const char *ga_reg_name(enum ga_arch arch, int reg)
{
	static __thread char buf[8];

	switch (arch) {
	case GA_ARCH_AMD64:
		if (reg >= 0 && reg < (int)ARRAY_SIZE(amd64_regs))
			return amd64_regs[reg];
		break;
	case GA_ARCH_386:
		if (reg >= 0 && reg < (int)ARRAY_SIZE(i386_regs))
			return i386_regs[reg];
		break;
	case GA_ARCH_ARM64:
		if (reg >= 0 && reg <= 30) {
			snprintf(buf, sizeof(buf), "x%d", reg);
			return buf;
		}
		if (reg == 31)
			return "sp";
		if (reg >= 64 && reg <= 95) {
			snprintf(buf, sizeof(buf), "v%d", reg - 64);
			return buf;
		}
		break;
	default:
		break;
	}
	return "?";
}

const char *ga_piece_loc_str(enum ga_arch arch, const struct ga_piece *p, char *buf)
{
	if (p->loc == GA_LOC_REG)
		snprintf(buf, 32, "%s", ga_reg_name(arch, p->reg));
	else
		snprintf(buf, 32, "%d(sp)", p->stack_off);
	return buf;
}

void ga_elide_type_args(const char *in, char *out, size_t len)
{
	size_t o = 0;
	int depth = 0;

	if (!len)
		return;
	for (; *in && o + 5 < len; in++) {
		if (*in == '[') {
			if (!depth++) {
				memcpy(out + o, "[...", 4);
				o += 4;
			}
			continue;
		}
		if (*in == ']' && depth) {
			if (!--depth)
				out[o++] = ']';
			continue;
		}
		if (!depth)
			out[o++] = *in;
	}
	out[o] = '\0';
}
