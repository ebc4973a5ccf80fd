// SPDX-License-Identifier: MIT
/*
 * Indexing a binary: identify it, read its tables, disassemble every
 * function on a pool of threads while one thread writes finished chunks
 * to the DB in order, classify the functions (abiclass.c), then read
 * their parameters (params.c) and write each function's row.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abiclass.h"
#include "binid.h"
#include "buildinfo.h"
#include "db.h"
#include "debuginfo.h"
#include "disasm.h"
#include "dwarf.h"
#include "elfimg.h"
#include "goruntime.h"
#include "index.h"
#include "log.h"
#include "params.h"
#include "pclntab.h"
#include "rtype.h"
#include "typegraph.h"
#include "version.h"

struct indexer {
	char *path;
	struct elfimg *bin;
	struct ga_binid id;
};

struct indexer *indexer__open(const char *path)
{
	struct indexer *ix = calloc(1, sizeof(*ix));
	const uint8_t *data;
	size_t size;
	int err;

	if (!ix) {
		errno = ENOMEM;
		return NULL;
	}
	ix->path = strdup(path);
	ix->bin = elfimg__open(path);
	if (!ix->bin || !ix->path) {
		err = ix->bin ? ENOMEM : errno;
		indexer__free(ix);
		errno = err;
		return NULL;
	}
	data = elfimg__data(ix->bin, &size);
	err = binid_from_mapped(path, data, size, &ix->id);
	if (err) {
		indexer__free(ix);
		errno = -err;
		return NULL;
	}
	return ix;
}

void indexer__free(struct indexer *ix)
{
	if (!ix)
		return;
	elfimg__free(ix->bin);
	free(ix->path);
	free(ix);
}

const char *indexer__sha256(const struct indexer *ix)
{
	return ix->id.sha256;
}

void index_result_clear(struct index_result *res)
{
	ga_build_clear(&res->build);
	ga_funcs_free(res->funcs, res->nfuncs);
	memset(res, 0, sizeof(*res));
}

/* Functions are disassembled in chunks handed out to one thread per core. */
#define INDEX_CHUNK 256
#define INDEX_MAX_THREADS 8

static void show_progress(size_t done, size_t total, bool tty)
{
	if (tty && (done % (16 * INDEX_CHUNK) < INDEX_CHUNK || done == total))
		fprintf(stderr, "\rgoanalyze: %zu/%zu functions%s", done, total, done == total ? "\n" : "");
}

struct disasm_job {
	const struct elfimg *bin;
	const struct pclntab *tab;
	struct ga_func *funcs;
	enum ga_arch arch;
	bool tty;
	atomic_size_t next;	/* first function of the next chunk */
	atomic_size_t done;
	atomic_size_t bad_inlines;	/* functions whose inline tree did not read */
	atomic_size_t not_code;		/* functions whose range is not in the file's code */
	atomic_int err;
	/* the DB writer thread takes finished chunks in order */
	struct gadb_writer *writer;
	pthread_mutex_t lock;
	pthread_cond_t chunk_ready;
	bool *chunk_done;	/* under lock */
	size_t nchunks;
};

static void chunk_finished(struct disasm_job *job, size_t chunk)
{
	if (!job->writer)
		return;
	pthread_mutex_lock(&job->lock);
	job->chunk_done[chunk] = true;
	pthread_cond_signal(&job->chunk_ready);
	pthread_mutex_unlock(&job->lock);
}

/*
 * Exits and inlined calls are final once a function is disassembled:
 * write them while the other threads go on, then drop them from memory.
 */
static void *write_worker(void *arg)
{
	struct disasm_job *job = arg;
	size_t chunk, i, n = job->tab->nfunc;

	for (chunk = 0; chunk < job->nchunks; chunk++) {
		pthread_mutex_lock(&job->lock);
		while (!job->chunk_done[chunk] && !atomic_load(&job->err))
			pthread_cond_wait(&job->chunk_ready, &job->lock);
		pthread_mutex_unlock(&job->lock);
		if (atomic_load(&job->err))
			break;
		for (i = chunk * INDEX_CHUNK; i < n && i < (chunk + 1) * INDEX_CHUNK; i++) {
			struct ga_func *f = &job->funcs[i];
			int err = gadb_writer__add_func_code(job->writer, i, f);
			size_t k;

			if (err) {
				atomic_store(&job->err, err);
				pthread_mutex_lock(&job->lock);
				pthread_cond_broadcast(&job->chunk_ready);
				pthread_mutex_unlock(&job->lock);
				return NULL;
			}
			for (k = 0; k < f->ninlines; k++)
				free(f->inlines[k].callee);
			free(f->inlines);
			f->inlines = NULL;
			f->ninlines = 0;
			free(f->inl_ranges);
			f->inl_ranges = NULL;
			f->ninl_ranges = 0;
		}
	}
	return NULL;
}

/* The pclntab inline tree of function i, when the table format has one. */
static int inlines_of(struct disasm_job *job, size_t i, struct ga_func *f)
{
	struct pcln_inline *in = NULL;
	struct pcln_inl_range *rs = NULL;
	size_t n = 0, nrs = 0, k;
	int err;

	err = pclntab__inlines(job->tab, i, &in, &n, &rs, &nrs);
	if (err) {
		/* older tables, or an unreadable tree: the function itself is still fine */
		if (err != -ENOTSUP && err != -ENOMEM) {
			pr_debug("index: %s: unreadable inline tree (%d)", f->name, err);
			atomic_fetch_add(&job->bad_inlines, 1);
		}
		return err == -ENOMEM ? err : 0;
	}
	if (!n) {
		free(rs);
		return 0;
	}
	f->inl_ranges = nrs ? calloc(nrs, sizeof(*f->inl_ranges)) : NULL;
	f->inlines = calloc(n, sizeof(*f->inlines));
	if (!f->inlines || (nrs && !f->inl_ranges)) {
		free(in);
		free(rs);
		return -ENOMEM;
	}
	for (k = 0; k < nrs; k++)
		f->inl_ranges[k] = (struct ga_inl_range){
			.start = rs[k].start, .end = rs[k].end, .idx = rs[k].idx,
		};
	f->ninl_ranges = nrs;
	free(rs);
	for (k = 0; k < n; k++) {
		f->inlines[k] = (struct ga_inline){
			.callee = strdup(in[k].callee), .offset = in[k].offset, .parent = in[k].parent,
		};
		if (!f->inlines[k].callee)
			err = -ENOMEM;
	}
	f->ninlines = n;
	free(in);
	return err;
}

static int disasm_one(struct disasm_job *job, struct disasm *d, size_t i)
{
	const struct pcln_func *pf = &job->tab->funcs[i];
	struct ga_func *f = &job->funcs[i];
	const uint8_t *code = elfimg__vaddr_ptr(job->bin, f->entry, f->size);
	int err;

	if (elfimg__vaddr_to_off(job->bin, f->entry, &f->file_off) || !code ||
	    !elfimg__vaddr_is_exec(job->bin, f->entry)) {
		/* one warning for all of them (disasm_all): a damaged table can name thousands */
		pr_debug("index: function %s at 0x%llx is not in the file's code; skipped", pf->name,
			 (unsigned long long)f->entry);
		atomic_fetch_add(&job->not_code, 1);
		f->decode_status = GA_DECODE_BAD;
		f->exits = calloc(1, sizeof(*f->exits));
		return f->exits ? 0 : -ENOMEM;
	}
	err = disasm__func(d, code, f->size, job->tab, f);
	if (err)
		return err;
	abiclass_entry_code(job->arch, code, f->size, f);
	return inlines_of(job, i, f);
}

static void *disasm_worker(void *arg)
{
	struct disasm_job *job = arg;
	struct disasm *d = disasm__new(job->arch);
	size_t n = job->tab->nfunc;

	if (!d) {
		atomic_store(&job->err, -errno);
		return NULL;
	}
	while (!atomic_load(&job->err)) {
		size_t first = atomic_fetch_add(&job->next, INDEX_CHUNK), i, done;

		if (first >= n)
			break;
		for (i = first; i < n && i < first + INDEX_CHUNK; i++) {
			int err = disasm_one(job, d, i);

			if (err) {
				atomic_store(&job->err, err);
				break;
			}
		}
		if (i > first)
			elfimg__release(job->bin, job->funcs[first].entry,
				      job->funcs[i - 1].entry + job->funcs[i - 1].size - job->funcs[first].entry);
		chunk_finished(job, first / INDEX_CHUNK);
		done = atomic_fetch_add(&job->done, i - first) + (i - first);
		show_progress(done, n, job->tty);
	}
	if (atomic_load(&job->err) && job->writer) {
		pthread_mutex_lock(&job->lock);
		pthread_cond_broadcast(&job->chunk_ready);
		pthread_mutex_unlock(&job->lock);
	}
	disasm__free(d);
	return NULL;
}

/* One ga_func per table entry: name, address, size, and the ABI the table says. */
static int funcs_from_table(const struct pclntab *tab, struct index_result *res)
{
	size_t i;

	res->funcs = calloc(tab->nfunc ? tab->nfunc : 1, sizeof(*res->funcs));
	if (!res->funcs)
		return -ENOMEM;
	for (i = 0; i < tab->nfunc; i++) {
		const struct pcln_func *pf = &tab->funcs[i];
		struct ga_func *f = &res->funcs[i];

		res->nfuncs++;
		f->name = strdup(pf->name);
		if (!f->name)
			return -ENOMEM;
		f->entry = pf->entry;
		f->size = pf->end - pf->entry;
		f->args_size = pf->args;
		abiclass_init(&res->build, tab->format, pf, f);
	}
	return 0;
}

/* Start the thread that writes finished chunks in order; false if it could not start. */
static bool start_writer(struct disasm_job *job, pthread_t *thread)
{
	job->chunk_done = calloc(job->nchunks + 1, sizeof(*job->chunk_done));
	if (!job->chunk_done) {
		job->writer = NULL;
		return false;
	}
	pthread_mutex_init(&job->lock, NULL);
	pthread_cond_init(&job->chunk_ready, NULL);
	if (!pthread_create(thread, NULL, write_worker, job))
		return true;
	pthread_mutex_destroy(&job->lock);
	pthread_cond_destroy(&job->chunk_ready);
	free(job->chunk_done);
	job->chunk_done = NULL;
	job->writer = NULL;	/* no thread: the code rows are written whole afterwards */
	return false;
}

/*
 * Disassemble every function, one thread per core (this one too), while
 * the writer thread (with a writer) stores exits and inlined calls in
 * function order and drops them from memory.
 */
static int disasm_all(const struct elfimg *bin, const struct pclntab *tab,
		      struct gadb_writer *writer, struct index_result *res)
{
	struct disasm_job job = {
		.bin = bin, .tab = tab, .arch = res->build.arch, .tty = ga_log_stderr_is_tty(),
		.funcs = res->funcs, .nchunks = (tab->nfunc + INDEX_CHUNK - 1) / INDEX_CHUNK,
		.writer = writer,
	};
	pthread_t threads[INDEX_MAX_THREADS], writer_thread;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads, started = 0, i;
	bool writing = writer && start_writer(&job, &writer_thread);
	int err;

	nthreads = ncpu < 1 ? 1 : ncpu > INDEX_MAX_THREADS ? INDEX_MAX_THREADS : (size_t)ncpu;
	if (tab->nfunc < 4 * INDEX_CHUNK)
		nthreads = 1;
	for (i = 1; i < nthreads; i++) {
		if (pthread_create(&threads[started], NULL, disasm_worker, &job))
			break;
		started++;
	}
	disasm_worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (writing) {
		pthread_join(writer_thread, NULL);
		pthread_mutex_destroy(&job.lock);
		pthread_cond_destroy(&job.chunk_ready);
		free(job.chunk_done);
	}
	err = atomic_load(&job.err);
	/* Without a writer thread, the code rows go now. */
	for (i = 0; !err && writer && !writing && i < res->nfuncs; i++)
		err = gadb_writer__add_func_code(writer, i, &res->funcs[i]);
	for (i = 0; !err && i < res->nfuncs; i++) {
		res->n_bad += res->funcs[i].decode_status == GA_DECODE_BAD;
		res->n_jcc_entry += res->funcs[i].entry_kind == GA_ENTRY_JCC;
	}
	if (atomic_load(&job.not_code))
		pr_warn("index: %zu of %zu functions of '%s' are not in the file's code: skipped "
			"(-v -v names them)", atomic_load(&job.not_code), tab->nfunc, elfimg__path(bin));
	if (atomic_load(&job.bad_inlines))
		pr_info("index: %zu of %zu functions of '%s' have an unreadable inline tree "
			"(-v -v names them)", atomic_load(&job.bad_inlines), tab->nfunc,
			elfimg__path(bin));
	return err;
}

/* The passes over the whole table that need every function disassembled. */
static int classify_all(const struct elfimg *bin, const struct pclntab *tab,
			struct index_result *res)
{
	const struct ga_build *b = &res->build;
	int err;

	err = abiclass_expand_shape_names(bin, res->funcs, res->nfuncs);
	if (!err && !go_has_asm_flag(b->go_version, tab->format) && b->default_abi == GA_ABI_INTERNAL)
		err = abiclass_mark_abi0_symbols(bin, res->funcs, res->nfuncs);
	if (!err)
		err = abiclass_mark_wrappers(bin, b->arch, res->funcs, res->nfuncs);
	return err;
}

static const struct gotype *dwarf_type_at(void *ctx, uint64_t ref)
{
	return gdwarf__type_at(ctx, ref);
}

static const struct gotype *rtypes_type_at(void *ctx, uint64_t ref)
{
	return rtype_methods__type_at(ctx, ref);
}

/* Say what the type graph holds, and loudly when a bound cut it. */
static void report_types(const struct typegraph *tg, const char *path, struct typegraph_stats *st)
{
	typegraph__stats(tg, st);
	if (st->full)
		pr_warn("index: '%s' reaches more than %d types: %zu refs to further types are "
			"stored as none", path, TYPEGRAPH_MAX_TYPES, st->cut);
	pr_info("index: %zu types (%zu struct fields) of '%s' stored, %zu refs not followed",
		st->types, st->fields, path, st->cut);
}

/*
 * Each function's params: from DWARF; else, for a method whose func type
 * the binary's runtime type data keeps (read only for binaries without
 * DWARF), from it; else the arg-info funcdata's raw words. DWARF
 * describes a function at its entry; ABI wrappers only forward. With a
 * writer, each function is written and its params dropped at once, so
 * memory does not grow with the number of params.
 */
static int params_all(const struct pclntab *tab, struct gdwarf *dw, struct gadb_writer *writer,
		      struct index_result *res)
{
	const struct ga_build *b = &res->build;
	bool arginfo = go_has_arginfo(b->go_version, tab->format);
	struct rtype_methods *rm = NULL;
	struct typegraph *tg = NULL;
	struct disasm *dis = NULL;
	size_t i;
	int err = 0;

	if (!dw) {
		rm = rtype_methods__new(tab, b->go_version);
		if (!rm && errno != ENOENT)
			return -errno;
	}
	/* the types go with the params, into the same build: only with a writer */
	if (writer && (dw || rm)) {
		tg = dw ? typegraph__new(writer, dwarf_type_at, dw, 0) :
			  typegraph__new(writer, rtypes_type_at, rm, 0);
		if (!tg) {
			rtype_methods__free(rm);
			return -ENOMEM;
		}
	}
	for (i = 0; !err && i < res->nfuncs; i++) {
		struct ga_func *f = &res->funcs[i];
		bool readable = !f->is_wrapper && f->decode_status != GA_DECODE_BAD;

		if (dw && readable)
			err = params_from_dwarf(dw, b, tg, f, &res->params);
		if (!err && !f->params_known && rm && readable)
			err = params_from_types(rm, b, tg, f, &res->params);
		if (!err && !f->params_known && arginfo && readable) {
			if (!dis)
				dis = disasm__new(b->arch);
			err = dis ? params_from_arginfo(tab, i, b, dis, f, &res->params) : -errno;
		}
		if (err || !writer)
			continue;
		err = gadb_writer__add_func(writer, i, f);
		ga_params_free(f->params, f->nparams);
		f->params = NULL;
		f->nparams = 0;
	}
	if (rm)
		pr_info("index: %zu methods of '%s' typed from its runtime type data",
			res->params.n_from_types, elfimg__path(tab->bin));
	if (tg && !err)
		report_types(tg, elfimg__path(tab->bin), &res->types);
	typegraph__free(tg);
	rtype_methods__free(rm);
	disasm__free(dis);
	return err;
}

static int index_funcs(const struct elfimg *bin, const struct pclntab *tab, struct gdwarf *dw,
		       struct gadb_writer *writer, struct index_result *res)
{
	int err;

	err = funcs_from_table(tab, res);
	if (!err)
		err = disasm_all(bin, tab, writer, res);
	if (!err)
		err = classify_all(bin, tab, res);
	if (!err)
		err = params_all(tab, dw, writer, res);
	return err;
}

static bool g_layout_same(const struct go_g_layout *a, const struct go_g_layout *b)
{
	return a->stack_hi_off == b->stack_hi_off && a->sched_sp_off == b->sched_sp_off &&
	       a->goid_off == b->goid_off && a->status_off == b->status_off;
}

/* Store l's known offsets in b, from source. */
static int g_offsets_set(struct ga_build *b, const struct go_g_layout *l, const char *source)
{
	b->goid_offset = l->goid_off;
	b->g_stack_hi_offset = l->stack_hi_off > 0 ? l->stack_hi_off : 0;
	b->g_sched_sp_offset = l->sched_sp_off > 0 ? l->sched_sp_off : 0;
	b->g_status_offset = l->status_off > 0 ? l->status_off : 0;
	b->goid_offset_source = strdup(source);
	b->g_offsets_source = strdup(source);
	return b->goid_offset_source && b->g_offsets_source ? 0 : -ENOMEM;
}

/*
 * The fields of runtime.g goattach reads: from DWARF, else from the
 * binary's own type descriptor of runtime.g, else goid from the checked
 * table (goattach applies go_g_layout's rule to the rest). Each source
 * that is there checks the one used: a disagreement is a warning.
 */
static int g_offsets(const struct elfimg *bin, const struct pclntab *tab, struct gdwarf *dw,
		     struct ga_build *b)
{
	static const char *const paths[] = { GO_G_STACK_HI, GO_G_SCHED_SP, GO_G_GOID, GO_G_STATUS };
	struct go_g_layout dl = { -1, -1, -1, -1 }, tl;
	const struct go_g_layout *used = NULL;
	const char *path = elfimg__path(bin), *source = NULL, *table_src;
	int offs[ARRAY_SIZE(paths)], table_off, err = 0;
	bool typed;

	if (dw && !gdwarf__member_offsets(dw, "runtime.g", paths, ARRAY_SIZE(paths), offs))
		dl = (struct go_g_layout){ offs[0], offs[1], offs[2], offs[3] };
	if (dw && dl.goid_off < 0)
		dl.goid_off = gdwarf__goid_offset(dw);
	typed = !rtype_g_layout(bin, tab, b->go_version, &tl) && tl.goid_off > 0;
	if (dl.goid_off > 0) {
		used = &dl;
		source = "dwarf";
	} else if (typed) {
		used = &tl;
		source = "type:runtime.g";
	}
	if (dl.goid_off > 0 && typed && !g_layout_same(&dl, &tl))
		pr_warn("index: runtime.g in '%s': DWARF has stack.hi %d sched.sp %d goid %d "
			"atomicstatus %d, its type descriptor %d %d %d %d; using DWARF's", path,
			dl.stack_hi_off, dl.sched_sp_off, dl.goid_off, dl.status_off, tl.stack_hi_off,
			tl.sched_sp_off, tl.goid_off, tl.status_off);
	else if (dl.goid_off > 0 && typed)
		pr_info("index: runtime.g in '%s': DWARF and its type descriptor agree", path);
	if (used)
		err = g_offsets_set(b, used, source);
	if (!go_goid_offset_table(b->go_version, b->arch, &table_off, &table_src)) {
		if (!used) {
			b->goid_offset = table_off;
			b->goid_offset_source = strdup(table_src);
			err = b->goid_offset_source ? 0 : -ENOMEM;
		} else if (table_off != used->goid_off) {
			pr_warn("index: runtime.g.goid of '%s' is at %d by %s, at %d by %s", path,
				used->goid_off, source, table_off, table_src);
		}
	}
	if (err)
		return err;
	if (b->goid_offset < 0)
		pr_warn("index: no offset of runtime.g.goid for '%s' (no DWARF, no type descriptor, "
			"no table row): goattach shows goroutine ids as 0", path);
	else
		pr_info("index: runtime.g.goid of '%s' at %d (%s)", path, b->goid_offset,
			b->goid_offset_source ? b->goid_offset_source : "?");
	return 0;
}

/*
 * The binary's own DWARF, else that of its separate debug file; b says
 * where it was read. No DWARF at all is no error (*dw stays NULL).
 */
static int open_dwarf(const struct indexer *ix, const struct index_opts *opts, struct ga_build *b,
		      struct gdwarf **dw)
{
	struct debuginfo_query q = {
		.path = b->path ? b->path : ix->path, .bin = ix->bin, .gnu_build_id = b->gnu_build_id,
		.dirs = opts ? opts->debug_dirs : NULL, .ndirs = opts ? opts->ndebug_dirs : 0,
	};
	struct debuginfo_found found = {};

	if (b->has_dwarf) {
		*dw = gdwarf__open(ix->path);
		if (!*dw && errno != ENOENT)
			pr_info("index: continuing without DWARF for '%s'", ix->path);
		if (!*dw)
			return errno == ENOMEM ? -ENOMEM : 0;
		found.source = "embedded";
		found.path = strdup(b->path);
	} else {
		*dw = debuginfo_open(&q, &found);
		if (!*dw)
			return errno == ENOMEM ? -ENOMEM : 0;
	}
	b->debuginfo = strdup(found.source);
	b->debuginfo_path = found.path;
	return b->debuginfo && b->debuginfo_path ? 0 : -ENOMEM;
}

int indexer__run(struct indexer *ix, struct gadb_writer *writer, const struct index_opts *opts,
		 struct index_result *res)
{
	struct gdwarf *dw = NULL;
	struct pclntab *tab = NULL;
	struct ga_build *b = &res->build;
	const struct ga_binid *id = &ix->id;
	const struct elfimg *bin = ix->bin;
	const char *path = ix->path;
	struct elfimg_section sec;
	int err;

	memset(res, 0, sizeof(*res));
	b->goid_offset = -1;
	memcpy(b->sha256, id->sha256, sizeof(b->sha256));
	b->size = id->size;
	/* Absolute: goattach attaches to this path by default, from any directory. */
	b->path = realpath(path, NULL);
	if (!b->path)
		b->path = strdup(path);
	b->go_build_id = id->go_build_id[0] ? strdup(id->go_build_id) : NULL;
	b->gnu_build_id = id->gnu_build_id[0] ? strdup(id->gnu_build_id) : NULL;
	b->arch = elfimg__arch(bin);
	b->pie = elfimg__is_pie(bin);
	b->stripped = !elfimg__has_symtab(bin);
	b->has_dwarf = !elfimg__section(bin, ".debug_info", &sec) ||
		       !elfimg__section(bin, ".zdebug_info", &sec);

	/* the version first: the table's magic does not tell every moduledata layout */
	if (buildinfo_read(bin, b))
		pr_info("index: no Go version in '%s' (no build info, no runtime.buildVersion)", path);
	tab = pclntab__open(bin, b->go_version);
	if (!tab) {
		err = -errno;
		goto out;
	}
	snprintf(b->pclntab_format, sizeof(b->pclntab_format), "%s", tab->format);
	b->types_base = tab->types;
	b->text_start = tab->text_start;
	b->default_abi = go_default_abi(b->arch, b->go_version, tab->format);
	/* cgo binaries are dynamically linked unless built otherwise; build info says for sure. */
	if (!b->mod_info && elfimg__is_dynamic(bin))
		b->cgo = true;

	err = open_dwarf(ix, opts, b, &dw);
	if (err)
		goto out;
	b->has_dwarf = dw != NULL;
	err = g_offsets(bin, tab, dw, b);
	if (err)
		goto out;
	if (writer) {
		err = gadb_writer__begin_build(writer, b, GA_VERSION);
		if (err)
			goto out;
	}
	err = index_funcs(bin, tab, dw, writer, res);
out:
	gdwarf__free(dw);
	pclntab__free(tab);
	if (err)
		index_result_clear(res);
	return err;
}
