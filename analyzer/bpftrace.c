// SPDX-License-Identifier: MIT
/*
 * goanalyze bpftrace: a bpftrace script that does what goattach does for
 * some functions, for people who prefer bpftrace: plain uprobes on the
 * entry (the prologue's stack-check branch, its morestack pass skipped by
 * the flags) and on every RET, calls keyed by goroutine and frame,
 * arguments and results read where the DB says. Debian's bpftrace 0.17
 * cannot attach at func+offset: the probes are by file offset, which
 * needs --unsafe.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bpftrace.h"
#include "log.h"

/* bpftrace's reg() names for x86-64 DWARF register numbers */
static const char *const x86_reg[16] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* A bpftrace expression for one piece, or NULL when it cannot be read. */
static const char *piece_expr(const struct ga_piece *pc, char *buf, size_t len)
{
	if (pc->loc == GA_LOC_REG) {
		if (pc->reg < 0 || pc->reg > 15)
			return NULL;	/* XMM: not in pt_regs */
		snprintf(buf, len, "reg(\"%s\")", x86_reg[pc->reg]);
	} else if (pc->loc == GA_LOC_STACK) {
		snprintf(buf, len, "*(uint64 *)(reg(\"sp\") + %d)", pc->stack_off);
	} else {
		return NULL;
	}
	return buf;
}

/* How a parameter prints: its printf format and bpftrace expression. */
static bool param_fmt(const struct ga_param *p, char *fmt, size_t flen, char *expr, size_t elen)
{
	char a[128], b[128];
	const char *x, *y;

	if (p->npieces == 2 && p->pieces[0].kind == GA_PIECE_STR_DATA &&
	    p->pieces[1].kind == GA_PIECE_STR_LEN) {
		x = piece_expr(&p->pieces[0], a, sizeof(a));
		y = piece_expr(&p->pieces[1], b, sizeof(b));
		if (!x || !y)
			return false;
		snprintf(fmt, flen, "\\\"%%s\\\"");
		snprintf(expr, elen, "str(%s, %s)", x, y);
		return true;
	}
	if (p->npieces != 1)
		return false;
	x = piece_expr(&p->pieces[0], a, sizeof(a));
	if (!x)
		return false;
	switch (p->pieces[0].kind) {
	case GA_PIECE_INT:
		snprintf(fmt, flen, "%%d");
		snprintf(expr, elen, "(int%d)%s", p->pieces[0].size * 8, x);
		return true;
	case GA_PIECE_UINT:
		snprintf(fmt, flen, "%%u");
		snprintf(expr, elen, "(uint%d)%s", p->pieces[0].size * 8, x);
		return true;
	case GA_PIECE_BOOL:
		snprintf(fmt, flen, "%%d");
		snprintf(expr, elen, "(uint8)%s", x);
		return true;
	case GA_PIECE_PTR:
	case GA_PIECE_RAW:
		snprintf(fmt, flen, "0x%%lx");
		snprintf(expr, elen, "%s", x);
		return true;
	default:
		return false;
	}
}

/*
 * A script line being made: grown as needed (a Go name has no length
 * limit: generic instantiations run to kilobytes), capped at
 * SCRIPT_LINE_MAX; err says why a line could not be made.
 */
#define SCRIPT_LINE_MAX (1 << 20)	/* bytes: far past any name a linker keeps */

struct line_buf {
	char *s;
	size_t len, cap;
	int err;
};

static void lb_grow(struct line_buf *lb, size_t more)
{
	size_t cap = lb->cap ? lb->cap : 256;
	char *s;

	if (lb->err)
		return;
	if (more > SCRIPT_LINE_MAX - lb->len) {
		lb->err = -E2BIG;
		return;
	}
	while (cap < lb->len + more + 1)
		cap *= 2;
	if (cap == lb->cap)
		return;
	s = realloc(lb->s, cap);
	if (!s) {
		lb->err = -ENOMEM;
		return;
	}
	lb->s = s;
	lb->cap = cap;
}

__attribute__((format(printf, 2, 3)))
static void lb_printf(struct line_buf *lb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 && !lb->err)
		lb->err = -EINVAL;
	lb_grow(lb, n < 0 ? 0 : (size_t)n);
	if (lb->err)
		return;
	va_start(ap, fmt);
	vsnprintf(lb->s + lb->len, lb->cap - lb->len, fmt, ap);
	va_end(ap);
	lb->len += n;
}

/* s as text of a printf format string literal: '"' and '\' escaped, '%' doubled. */
static void lb_literal(struct line_buf *lb, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			lb_printf(lb, "\\%c", *s);
		else if (*s == '%')
			lb_printf(lb, "%%%%");
		else
			lb_printf(lb, "%c", *s);
	}
}

static void lb_reset(struct line_buf *lb)
{
	lb->len = 0;
	if (lb->s)
		lb->s[0] = '\0';
}

static const char *lb_str(const struct line_buf *lb)
{
	return lb->s ? lb->s : "";
}

/* One function's probes. 0, or a negative errno after one error line naming it. */
static int func_script(FILE *out, const char *bin, const struct ga_func *f, size_t k)
{
	char fmt[64], expr[512];
	struct line_buf line = {}, args = {};
	size_t i, j;
	bool first;
	int err = 0;
	uint64_t entry = f->file_off + f->entry_probe_offset;
	/* g: R14 in register-ABI Go code, else -8(FS) */
	const char *g = f->abi == GA_ABI_INTERNAL ? "reg(\"r14\")" :
			"*(uint64 *)(curtask->thread.fsbase - 8)";

	fprintf(out, "\n// %s%s\n", f->name, f->params_known ? "" : " (no DWARF: arguments not shown)");
	fprintf(out, "uprobe:%s:0x%" PRIx64, bin, entry);
	if (f->entry_kind == GA_ENTRY_JCC)	/* the pass that goes to morestack comes back: skip it */
		fprintf(out, " /(reg(\"flags\") & %s) == 0/", f->entry_jcc == GA_JCC_B ? "0x1" : "0x41");
	fprintf(out, "\n{\n\t$g = %s;\n\t$f = *(uint64 *)($g + 8) - reg(\"sp\");\n", g);
	fprintf(out, "\t@ts%zu[$g, $f] = nsecs;\n", k);
	for (i = 0; f->params_known && i < f->nparams; i++) {
		const struct ga_param *p = &f->params[i];

		if (!p->is_result && param_fmt(p, fmt, sizeof(fmt), expr, sizeof(expr)))
			fprintf(out, "\t@a%zu_%zu[$g, $f] = %s;\n", k, i, expr);
	}
	fprintf(out, "}\n");
	for (j = 0; j < f->nexits; j++) {
		const struct ga_exit *e = &f->exits[j];

		fprintf(out, "uprobe:%s:0x%" PRIx64 "\n{\n\t$g = %s;\n\t$f = *(uint64 *)($g + 8) - reg(\"sp\");\n",
			bin, f->file_off + e->offset, g);
		fprintf(out, "\tif (@ts%zu[$g, $f]) {\n", k);
		/*
		 * Two printfs, the arguments then the results: one would need
		 * more than the 512 bytes of BPF stack for four strings.
		 */
		lb_reset(&line);
		lb_reset(&args);
		lb_literal(&line, f->name);
		lb_printf(&line, "(");
		first = true;
		for (i = 0; f->params_known && i < f->nparams; i++) {
			const struct ga_param *p = &f->params[i];

			if (p->is_result)
				continue;
			lb_printf(&line, "%s", first ? "" : ", ");
			lb_literal(&line, p->name ? p->name : "?");
			if (param_fmt(p, fmt, sizeof(fmt), expr, sizeof(expr))) {
				lb_printf(&line, "=%s", fmt);
				lb_printf(&args, ", @a%zu_%zu[$g, $f]", k, i);
			} else {
				lb_printf(&line, "=?");
			}
			first = false;
		}
		lb_printf(&line, ")");
		if (line.err || args.err)
			break;
		fprintf(out, "\t\tprintf(\"%s\"%s);\n", lb_str(&line), lb_str(&args));
		lb_reset(&line);
		lb_reset(&args);
		if (e->kind == GA_EXIT_RET && f->params_known) {
			first = true;
			for (i = 0; i < f->nparams; i++) {
				const struct ga_param *p = &f->params[i];

				if (!p->is_result)
					continue;
				lb_printf(&line, "%s", first ? " = (" : ", ");
				if (param_fmt(p, fmt, sizeof(fmt), expr, sizeof(expr))) {
					lb_printf(&line, "%s", fmt);
					lb_printf(&args, ", %s", expr);
				} else {
					lb_printf(&line, "?");
				}
				first = false;
			}
			if (!first)
				lb_printf(&line, ")");
		} else if (e->kind != GA_EXIT_RET) {
			lb_printf(&line, " -> tail call ");
			lb_literal(&line, e->target_name ? e->target_name : "?");
		}
		if (line.err || args.err)
			break;
		fprintf(out, "\t\tprintf(\"%s %%d us\\n\"%s, (nsecs - @ts%zu[$g, $f]) / 1000);\n",
			lb_str(&line), lb_str(&args), k);
		fprintf(out, "\t\tdelete(@ts%zu[$g, $f]);\n", k);
		for (i = 0; f->params_known && i < f->nparams; i++)
			if (!f->params[i].is_result &&
			    param_fmt(&f->params[i], fmt, sizeof(fmt), expr, sizeof(expr)))
				fprintf(out, "\t\tdelete(@a%zu_%zu[$g, $f]);\n", k, i);
		fprintf(out, "\t}\n}\n");
	}
	err = line.err ? line.err : args.err;
	if (err)
		pr_warn("bpftrace: cannot make the probe at exit %zu of %.200s%s (%zu-byte name): %s", j,
			f->name, strlen(f->name) > 200 ? "..." : "", strlen(f->name),
			err == -E2BIG ? "a printf line past 1 MiB" : strerror(-err));
	free(line.s);
	free(args.s);
	return err;
}

int bpftrace_script(FILE *out, const struct ga_build *b, const char *db_path, const char *generator,
		    const struct ga_func *funcs, size_t n)
{
	size_t i;
	int err;

	if (b->arch != GA_ARCH_AMD64)
		return -ENOTSUP;
	fprintf(out,
		"#!/usr/bin/env bpftrace\n"
		"// Generated by %s from '%s': build sha256 %s (%s, Go build id %s)\n"
		"// of '%s'. Run: bpftrace --unsafe THIS_SCRIPT\n"
		"// --unsafe because the probes are placed by file offset (bpftrace 0.17\n"
		"// cannot attach at func+offset). The offsets are right only for that build:\n"
		"// check 'sha256sum %s' first (goattach checks it, and every probe's bytes).\n"
		"// Entry on the prologue's stack-check branch (its morestack pass skipped),\n"
		"// a probe on every RET, never a uretprobe; calls keyed by goroutine (g) and\n"
		"// frame (g.stack.hi - SP). Strings are cut at bpftrace's string size.\n"
		"BEGIN { printf(\"Tracing %zu functions. Ctrl-C to stop.\\n\"); }\n",
		generator, db_path, b->sha256, b->go_version ? b->go_version : "unknown Go",
		b->go_build_id ? b->go_build_id : "none", b->path, b->path, n);
	for (i = 0; i < n; i++) {
		err = func_script(out, b->path, &funcs[i], i);
		if (err)
			return err;
	}
	fprintf(out, "\nEND {\n");
	for (i = 0; i < n; i++)
		fprintf(out, "\tclear(@ts%zu);\n", i);
	fprintf(out, "}\n");
	return ferror(out) ? -EIO : 0;
}
