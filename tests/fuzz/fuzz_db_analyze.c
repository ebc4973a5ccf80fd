// SPDX-License-Identifier: MIT
/*
 * goanalyze's DB readers on damaged DBs: what its report, manifest,
 * builds, names and diff commands read and print (analyzer/main.c's
 * handlers, by their library functions): gadb__open, gadb__list_builds,
 * gadb__load_funcs (all, or a pattern), report_print (plain and JSON),
 * manifest_print, report_print_builds, gadb__for_each_name,
 * gadb__similar_names, gadb__inline_sites, and diff_builds against the
 * pristine seed with its text and markdown printers; all printed to
 * /dev/null.
 *
 * Input: the records of fzdb.h; the flags byte: bit 0 JSON, bits 1-2 the
 * pattern (all, "main.*", "main.texts", "runtime.gopanic").
 */
#include "fzdb.h"

#include "diff.h"
#include "report.h"

static FILE *devnull;

/* The pristine side of a diff, per seed base. */
struct pristine {
	bool loaded;
	struct ga_build b;
	struct ga_func *funcs;
	size_t n;
};

static struct pristine pristine[FZDB_NBASES];

static int count_name(void *ctx, const char *name)
{
	(*(size_t *)ctx) += name ? strlen(name) : 0;
	return 0;
}

static int load_newest(struct gadb *db, const char *const *pats, size_t npat, struct ga_build *b,
		       struct ga_func **funcs, size_t *n)
{
	struct ga_build *builds = NULL;
	size_t nb = 0, i;
	int err, unmatched;

	err = gadb__list_builds(db, &builds, &nb);
	if (err)
		return err;
	if (!nb) {
		free(builds);
		return -ENOENT;
	}
	report_print_builds(devnull, builds, nb, true);
	report_print_builds(devnull, builds, nb, false);
	*b = builds[nb - 1];
	memset(&builds[nb - 1], 0, sizeof(builds[nb - 1]));
	for (i = 0; i < nb; i++)
		ga_build_clear(&builds[i]);
	free(builds);
	err = gadb__load_funcs(db, b->db_id, pats, npat, funcs, n, &unmatched);
	if (err)
		ga_build_clear(b);
	return err;
}

static struct pristine *pristine_of(unsigned int i, const struct fzdb_seed *s)
{
	struct pristine *p = &pristine[i % FZDB_NBASES];
	bool changed;
	const char *path;
	struct gadb *db;

	if (p->loaded)
		return p->funcs ? p : NULL;
	p->loaded = true;
	path = fzdb_make(s, NULL, 0, &changed);
	db = path ? gadb__open(path) : NULL;
	if (db && load_newest(db, NULL, 0, &p->b, &p->funcs, &p->n))
		p->funcs = NULL;
	gadb__free(db);
	return p->funcs ? p : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pats[] = { NULL, "main.*", "main.texts", "runtime.gopanic" };
	const struct fzdb_seed *s;
	struct pristine *old;
	struct ga_build b = {};
	struct ga_func *funcs = NULL;
	struct gadb *db;
	const char *path, *pat;
	bool changed, json;
	size_t n = 0;
	int err;

	if (size < 2)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	s = fzdb_seed(data[0]);
	if (!s || !devnull)
		return 0;
	old = pristine_of(data[0], s);
	path = fzdb_make(s, data + 2, size - 2, &changed);
	if (!path)
		return 0;
	json = data[1] & 1;
	pat = pats[(data[1] >> 1) % 4];
	db = gadb__open(path);
	if (!changed)
		fz_check(db, "gadb__open refused the seed DB");
	if (!db)
		return 0;
	err = load_newest(db, pat ? &pat : NULL, pat ? 1 : 0, &b, &funcs, &n);
	if (!changed)
		fz_check(!err && n > 0, "the functions of the seed DB");
	if (!err) {
		char **names = NULL;
		struct ga_inline_site *sites = NULL;
		size_t nnames = 0, nsites = 0, total = 0, i;

		report_print(devnull, &b, funcs, n, json);
		manifest_print(devnull, &b, funcs, n, "fuzz", gadb_schema_version());
		gadb__for_each_name(db, b.db_id, "main.", count_name, &total);
		if (!gadb__similar_names(db, b.db_id, "main.intz", 8, &names, &nnames)) {
			for (i = 0; i < nnames; i++)
				free(names[i]);
			free(names);
		}
		if (!gadb__inline_sites(db, b.db_id, "*", 50, &sites, &nsites)) {
			for (i = 0; i < nsites; i++)
				free(sites[i].caller);
			free(sites);
		}
		if (old) {
			cJSON *d = diff_builds(&old->b, old->funcs, old->n, &b, funcs, n);

			if (d) {
				diff_print_text(devnull, d);
				diff_print_markdown(devnull, d);
				cJSON_Delete(d);
			}
		}
		ga_funcs_free(funcs, n);
		ga_build_clear(&b);
	}
	gadb__free(db);
	return 0;
}

int fz_seeds(const char *dir)
{
	static const uint8_t flags[] = { 0x00, 0x01, 0x02, 0x03, 0x05, 0x06 };

	return fzdb_write_seeds(dir, flags, sizeof(flags));
}
