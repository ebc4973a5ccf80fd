// SPDX-License-Identifier: MIT
/*
 * goattach end to end, Go maps: map parameters of real processes built
 * from samples/gomaps by Go 1.19 (buckets), 1.24 (Swiss tables, and
 * buckets with GOEXPERIMENT=noswissmap), 1.26 (Swiss), 1.27 for 386 and
 * with GOEXPERIMENT=mapsplitgroup (a group's keys, then its values),
 * walked by the BPF program. len(m) is exact, the entries shown are real
 * entries with their values (the program prints every entry of each map
 * it passes), small maps print as the program prints them, and a lookup
 * of a constant key (GOATTACH_MAP_LOOKUP, until --expr) finds that entry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attachlib.h"
#include "probes.h"

TEST_SETUP(attach_setup);

/* The gomaps builds: the sample's own (Debian's Go 1.19), then the toolchain matrix's. */
static const char *const builds[] = {
	"samples/gomaps", "gomatrix/1.24/gomaps", "gomatrix/1.24/gomaps-noswiss",
	"gomatrix/1.26/gomaps", "gomatrix/1.27/gomaps-386", "gomatrix/1.27/gomaps-split",
};
#define NBUILDS (sizeof(builds) / sizeof(builds[0]))

static const char *bin_path(const char *rel)
{
	static char paths[4][1024];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", build_dir(), rel);
	return p;
}

/* goattach -c BIN (args) funcs, env first (NULL: none): program and goattach lines in r. */
static void run_c(const char *bin, const char *args, const char *env, bool json, const char *funcs,
		  struct cmd_result *r)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s '%s' --db '%s'%s -c '%s%s%s' %s", env ? env : "",
		 build_path("goattach"), bin_db(bin), json ? " --json" : "", bin, args ? " " : "",
		 args ? args : "", funcs);
	sh_run(cmd, 60, r);
	ASSERT_EQ(r->status, 0, "goattach status");
}

/* Small maps (nil, empty, 1-4 entries, int64 keys) print as the program prints them. */
TEST(small_maps_as_program)
{
	struct cmd_result r = {};
	size_t b;
	int n, same;

	REQUIRE_BPF();
	for (b = 0; b < NBUILDS; b++) {
		run_c(bin_path(builds[b]), NULL, NULL, false, "main.small main.ids", &r);
		same = lines_as_program(r.out, "main.small", &n);
		printf("  %s: %d of %d calls of main.small alike\n", builds[b], same, n);
		ASSERT_EQ(n, 5, "main.small lines of the program");
		ASSERT_EQ(same, n, "goattach's maps are the program's");
		same = lines_as_program(r.out, "main.ids", &n);
		ASSERT_EQ(n, 1, "main.ids lines of the program");
		ASSERT_EQ(same, n, "goattach's int64-keyed map is the program's");
		cmd_result_free(&r);
	}
}

/*
 * Keys and values of other sizes and alignments (int8 keys with int64
 * values: 7 bytes of padding in a slot; int32 and bool; string keys with
 * struct{} values of size 0; uint16 and float64): each laid out by
 * maps.c for buckets, Swiss slots and 386, read right if the layout is.
 */
TEST(shapes_as_program)
{
	static const char *const funcs[] = { "main.pad", "main.flags", "main.set", "main.floats" };
	struct cmd_result r = {};
	size_t b, i;
	int n, same;

	REQUIRE_BPF();
	for (b = 0; b < NBUILDS; b++) {
		run_c(bin_path(builds[b]), NULL, NULL, false,
		      "main.pad main.flags main.set main.floats", &r);
		for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
			same = lines_as_program(r.out, funcs[i], &n);
			if (!ASSERT_EQ(n, 1, "the program's line") ||
			    !ASSERT_EQ(same, 1, "goattach's map is the program's"))
				printf("  %s %s\n", builds[b], funcs[i]);
		}
		cmd_result_free(&r);
	}
}

/*
 * arm64 under qemu (scripts/vmtrace.sh, goattach cross-built by make
 * goattach-arm64): Go 1.19's buckets and Go 1.26's Swiss tables of an
 * arm64 process, every shape, as the program printed them.
 */
TEST(arm64_vm)
{
	static const char *const funcs[] = {
		"main.small", "main.ids", "main.pad", "main.flags", "main.set", "main.floats",
	};
	static const int want[] = { 5, 1, 1, 1, 1, 1 };
	static const char *const bins[] = { "samples/gomaps-arm64", "gomatrix/1.26/gomaps-arm64" };
	struct cmd_result r = {};
	char cmd[4096];
	size_t b, i;
	int n, same;

	for (b = 0; b < sizeof(bins) / sizeof(bins[0]); b++) {
		snprintf(cmd, sizeof(cmd),
			 "scripts/vmtrace.sh arm64 build-arm64/goattach '%s' '%s' main.small main.ids "
			 "main.pad main.flags main.set main.floats", bin_db(bin_path(bins[b])),
			 bin_path(bins[b]));
		sh_run(cmd, 900, &r);
		if (r.status == 2) {
			TEST_SKIP("no arm64 VM: %s", r.err ? r.err : "");
			goto out;
		}
		if (!ASSERT_CONTAINS(r.out, "0 events lost", "goattach's summary"))
			printf("%s\n%s\n", r.out ? r.out : "", r.err ? r.err : "");
		for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
			same = lines_as_program(r.out, funcs[i], &n);
			if (!ASSERT_EQ(n, want[i], "the program's lines") ||
			    !ASSERT_EQ(same, n, "goattach's maps are the program's"))
				printf("  %s %s\n", bins[b], funcs[i]);
		}
		cmd_result_free(&r);
	}
out:
	cmd_result_free(&r);
}

/* The program's "entries FUNC k=v ..." line number idx (0-based) for func; NULL when none. */
static char *entries_line(const char *out, const char *func, int idx)
{
	char head[128];
	const char *p = out;
	size_t hl;

	snprintf(head, sizeof(head), "entries %s", func);
	hl = strlen(head);
	while ((p = strstr(p, head))) {
		if ((p == out || p[-1] == '\n') && (p[hl] == ' ' || p[hl] == '\n') && !idx--) {
			const char *eol = strchr(p, '\n');

			return strndup(p + hl, eol ? (size_t)(eol - p - hl) : strlen(p + hl));
		}
		p += hl;
	}
	return NULL;
}

/* The number of " k=v" items in an entries line, and whether " key=value" is one of them. */
static int count_entries(const char *line)
{
	int n = 0;

	for (; *line; line++)
		n += *line == '=';
	return n;
}

static bool has_entry(const char *line, const char *key, const char *value)
{
	char want[300];
	size_t wl;
	const char *p = line;

	snprintf(want, sizeof(want), " %s=%s", key, value);
	wl = strlen(want);
	/* main.ids values have spaces ("minus seven"): an item ends where the next key starts */
	while ((p = strstr(p, want))) {
		if (!p[wl] || p[wl] == ' ')
			return true;
		p++;
	}
	return false;
}

/* A JSON key or value as the program prints it: a string bare, a number in %d. */
static void item_text(cJSON *it, char *buf, size_t len)
{
	if (cJSON_IsString(it))
		snprintf(buf, len, "%s", it->valuestring);
	else if (cJSON_IsNumber(it))
		snprintf(buf, len, "%.0f", it->valuedouble);
	else
		snprintf(buf, len, "?");
}

/*
 * Each call's map in JSON against the program's entries line of the same
 * call: len exact, every entry shown a real one with its value, as many
 * shown as fit (MAP_SHOW), "truncated" exactly when fewer than len.
 */
static void check_calls(const char *bin, const char *out, const char *func, int ncalls)
{
	cJSON *calls[16] = {};
	int n = json_calls(out, func, calls, 16), i, k, nent, bad = 0;

	ASSERT_EQ(n, ncalls, "calls in JSON");
	for (i = 0; i < n; i++) {
		char *line = entries_line(out, func, i), key[128], val[128];
		cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(calls[i], "args"), "m");
		cJSON *ents = cJSON_GetObjectItem(m, "entries");
		int want, shown = cJSON_GetArraySize(ents);

		if (!ASSERT_TRUE(line, "the program's entries line"))
			break;
		want = count_entries(line);
		if (cJSON_IsNull(m)) {
			ASSERT_EQ(want, 0, "a nil map (null) has no entries");
			free(line);
			continue;
		}
		ASSERT_EQ(num(m, "len", NULL), want, "len(m)");
		ASSERT_EQ(shown, want < MAP_SHOW ? want : MAP_SHOW, "entries shown");
		ASSERT_EQ(cJSON_IsTrue(cJSON_GetObjectItem(m, "truncated")), shown < want, "truncated");
		for (k = 0; k < shown; k++) {
			cJSON *e = cJSON_GetArrayItem(ents, k);

			item_text(cJSON_GetObjectItem(e, "key"), key, sizeof(key));
			item_text(cJSON_GetObjectItem(e, "value"), val, sizeof(val));
			nent = has_entry(line, key, val);
			if (!nent && bad++ < 3)
				printf("  %s %s call %d: %s=%s is no entry of the map\n", bin, func, i,
				       key, val);
		}
		free(line);
	}
	ASSERT_EQ(bad, 0, "shown entries are real entries with their values");
	free_calls(calls, n);
}

/* Every build: small, 8-entry, 50-entry (int64 keys) and 100-entry maps. */
TEST(entries_are_real)
{
	struct cmd_result r = {};
	size_t b;

	REQUIRE_BPF();
	for (b = 0; b < NBUILDS; b++) {
		const char *bin = bin_path(builds[b]);

		run_c(bin, NULL, NULL, true, "main.small main.ids main.large", &r);
		check_calls(builds[b], r.out, "main.small", 6);
		check_calls(builds[b], r.out, "main.ids", 2);
		check_calls(builds[b], r.out, "main.large", 1);
		cmd_result_free(&r);
	}
}

/*
 * A bucketed map caught growing: 105 entries is one more than 16 buckets
 * hold (6.5 per bucket, runtime/map.go loadFactor), so the insert that
 * grew it moved at most two of the 16 old buckets (growWork) and the
 * others are still in oldbuckets. The walk reads both arrays: len and the
 * entries shown are still right.
 */
TEST(growing_bucketed_map)
{
	struct cmd_result r = {};

	REQUIRE_BPF();
	run_c(bin_path("samples/gomaps"), "105 hmap", NULL, true, "main.large", &r);
	ASSERT_CONTAINS(r.out, "hmap B=5 growing=true", "the program saw its map growing");
	check_calls("samples/gomaps 105", r.out, "main.large", 1);
	cmd_result_free(&r);
}

/*
 * Lookups in that growing map: keys in buckets moved and not yet moved
 * are all found (every 7th of the 105, in both arrays by their hash).
 */
TEST(lookup_in_growing_map)
{
	struct cmd_result r = {};
	cJSON *calls[2] = {};
	int i, n, found = 0;

	REQUIRE_BPF();
	for (i = 0; i < 105; i += 7) {
		char env[128], want[16];
		cJSON *ents;

		snprintf(env, sizeof(env), "GOATTACH_MAP_LOOKUP='m=k%03d'", i);
		run_c(bin_path("samples/gomaps"), "105 hmap", env, true, "main.large", &r);
		n = json_calls(r.out, "main.large", calls, 2);
		ents = n == 1 ? cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
				calls[0], "args"), "m"), "entries") : NULL;
		snprintf(want, sizeof(want), "k%03d", i);
		if (cJSON_GetArraySize(ents) == 1 &&
		    !strcmp(str(cJSON_GetArrayItem(ents, 0), "key", NULL) ?: "", want) &&
		    num(cJSON_GetArrayItem(ents, 0), "value", NULL) == i * 7)
			found++;
		else
			printf("  %s not found in the growing map\n", want);
		free_calls(calls, n);
		cmd_result_free(&r);
	}
	ASSERT_EQ(found, 15, "keys found in the growing map");
}

/* The one entry a lookup shows, or none: its key and value as text. */
static int lookup_one(const char *bin, const char *func, const char *env, char *key, char *val,
		      double *len)
{
	struct cmd_result r = {};
	cJSON *calls[4] = {};
	int n, shown = -1;

	run_c(bin, NULL, env, true, func, &r);
	n = json_calls(r.out, func, calls, 4);
	if (n >= 1) {
		cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(calls[n - 1], "args"), "m");
		cJSON *ents = cJSON_GetObjectItem(m, "entries");

		shown = cJSON_GetArraySize(ents);
		*len = num(m, "len", NULL);
		if (shown == 1) {
			item_text(cJSON_GetObjectItem(cJSON_GetArrayItem(ents, 0), "key"), key, 128);
			item_text(cJSON_GetObjectItem(cJSON_GetArrayItem(ents, 0), "value"), val, 128);
		}
	}
	free_calls(calls, n);
	cmd_result_free(&r);
	return shown;
}

/*
 * A constant key looked up in BPF (the lookup mode of maps.h that m["k"]
 * will use): string keys in the 100-entry map, int64 keys in the
 * 50-entry one, on buckets and Swiss tables; an absent key shows no
 * entry, and len(m) stays right.
 */
TEST(lookup_constant_key)
{
	static const struct {
		const char *func, *key, *value;
	} cases[] = {
		{ "main.large", "k090", "630" }, { "main.large", "k000", "0" },
		{ "main.large", "k099", "693" }, { "main.large", "nope", NULL },
		{ "main.ids", "49003", "v49" }, { "main.ids", "3", "v0" }, { "main.ids", "4", NULL },
	};
	size_t b, i;

	REQUIRE_BPF();
	for (b = 0; b < NBUILDS; b++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char env[128], key[128] = "", val[128] = "";
			double len = -1;
			int shown;

			snprintf(env, sizeof(env), "GOATTACH_MAP_LOOKUP='m=%s'", cases[i].key);
			shown = lookup_one(bin_path(builds[b]), cases[i].func, env, key, val, &len);
			ASSERT_EQ(len, strcmp(cases[i].func, "main.ids") ? 100 : 50, "len(m)");
			if (!cases[i].value) {
				ASSERT_EQ(shown, 0, "an absent key: no entry");
				continue;
			}
			if (!ASSERT_EQ(shown, 1, "the entry looked up")) {
				printf("  %s: %s[%s]\n", builds[b], cases[i].func, cases[i].key);
				continue;
			}
			ASSERT_STREQ(key, cases[i].key, "its key");
			ASSERT_STREQ(val, cases[i].value, "its value");
		}
	}
}

/* A build of version for arch with GOEXPERIMENT exp (NULL: none), for mapfetch_init alone. */
static struct ga_build layout_build(const char *version, enum ga_arch arch, const char *exp,
				    struct ga_setting *set)
{
	struct ga_build b = { .go_version = (char *)version, .arch = arch };

	if (exp) {
		*set = (struct ga_setting){ .key = "GOEXPERIMENT", .value = (char *)exp };
		b.settings = set;
		b.nsettings = 1;
	}
	return b;
}

/*
 * The layouts maps.c computes, against what the Go compiler makes of the
 * same types (cmd/compile/internal/reflectdata MapBucketType up to 1.23:
 * map[string]int's bucket is 208 bytes, runtime.hmap's buckets at 16;
 * MapGroupType from 1.24: slot {key, elem} of 24 bytes, group 8 + 8*24;
 * 1.27's split group: 8, then 8 keys, then 8 values), and refusals:
 * noswissmap after 1.25, keys over 128 bytes, an unknown version. The
 * end-to-end tests above read real maps with these.
 */
TEST(layouts_by_version)
{
	struct gotype str = { .kind = GA_KIND_STRING, .size = 16 }, i64 = { .kind = GA_KIND_INT, .size = 8 };
	struct gotype i8 = { .kind = GA_KIND_INT, .size = 1 }, big = { .kind = GA_KIND_ARRAY, .size = 129 };
	struct gotype str32 = { .kind = GA_KIND_STRING, .size = 8 }, i32 = { .kind = GA_KIND_INT, .size = 4 };
	struct ga_setting set;
	struct ga_mapfetch mf;
	struct ga_build b;
	char msg[256];

	b = layout_build("go1.19.8", GA_ARCH_AMD64, NULL, &set);
	if (ASSERT_OK(mapfetch_init(&b, &str, &i64, &mf, msg, sizeof(msg)), "1.19")) {
		ASSERT_EQ(mf.kind, GA_MAP_BUCKETS, "buckets");
		ASSERT_EQ(mf.tab_off, 16, "hmap.buckets");
		ASSERT_EQ(mf.tab2_off, 24, "hmap.oldbuckets");
		ASSERT_EQ(mf.b_off, 9, "hmap.B");
		ASSERT_EQ(mf.keys_off, 8, "keys after tophash");
		ASSERT_EQ(mf.vals_off, 136, "values after 8 keys");
		ASSERT_EQ(mf.ovf_off, 200, "overflow");
		ASSERT_EQ(mf.group_size, 208, "bucket size");
	}
	b = layout_build("go1.24.4", GA_ARCH_AMD64, "noswissmap", &set);
	if (ASSERT_OK(mapfetch_init(&b, &str, &i64, &mf, msg, sizeof(msg)), "1.24 noswissmap"))
		ASSERT_EQ(mf.kind, GA_MAP_BUCKETS, "noswissmap: buckets");
	b = layout_build("go1.26.10", GA_ARCH_AMD64, NULL, &set);
	if (ASSERT_OK(mapfetch_init(&b, &str, &i64, &mf, msg, sizeof(msg)), "1.26")) {
		ASSERT_EQ(mf.kind, GA_MAP_SWISS, "swiss");
		ASSERT_EQ(mf.tab_off, 16, "Map.dirPtr");
		ASSERT_EQ(mf.tab2_off, 24, "Map.dirLen");
		ASSERT_EQ(mf.groups_off, 16, "table.groups.data");
		ASSERT_EQ(mf.key_stride, 24, "slot size");
		ASSERT_EQ(mf.vals_off, 24, "elem of slot 0");
		ASSERT_EQ(mf.group_size, 200, "group size");
	}
	if (ASSERT_OK(mapfetch_init(&b, &i8, &i64, &mf, msg, sizeof(msg)), "1.26 int8/int64")) {
		ASSERT_EQ(mf.key_stride, 16, "slot: 7 bytes of padding");
		ASSERT_EQ(mf.vals_off, 16, "elem at 8 in the slot");
		ASSERT_EQ(mf.group_size, 136, "group size");
	}
	b = layout_build("go1.27.3", GA_ARCH_386, NULL, &set);
	if (ASSERT_OK(mapfetch_init(&b, &str32, &i32, &mf, msg, sizeof(msg)), "1.27 386")) {
		ASSERT_EQ(mf.tab_off, 12, "386 Map.dirPtr");
		ASSERT_EQ(mf.tab2_off, 16, "386 Map.dirLen");
		ASSERT_EQ(mf.groups_off, 12, "386 table.groups.data");
		ASSERT_EQ(mf.key_stride, 12, "386 slot");
		ASSERT_EQ(mf.group_size, 104, "386 group");
	}
	b = layout_build("go1.27.3", GA_ARCH_AMD64, "mapsplitgroup", &set);
	if (ASSERT_OK(mapfetch_init(&b, &str, &i64, &mf, msg, sizeof(msg)), "1.27 split")) {
		ASSERT_EQ(mf.key_stride, 16, "split: key stride");
		ASSERT_EQ(mf.vals_off, 136, "split: values after the keys");
		ASSERT_EQ(mf.val_stride, 8, "split: value stride");
	}
	b = layout_build("go1.26.10", GA_ARCH_AMD64, "noswissmap", &set);
	ASSERT_EQ(mapfetch_init(&b, &str, &i64, &mf, msg, sizeof(msg)), -ENOTSUP, "no noswissmap in 1.26");
	b = layout_build("go1.26.10", GA_ARCH_AMD64, NULL, &set);
	ASSERT_EQ(mapfetch_init(&b, &big, &i64, &mf, msg, sizeof(msg)), -ENOTSUP, "indirect key");
	ASSERT_CONTAINS(msg, "indirectly", "said why");
	b = layout_build(NULL, GA_ARCH_AMD64, NULL, &set);
	ASSERT_EQ(mapfetch_init(&b, &str, &i64, &mf, msg, sizeof(msg)), -ENOTSUP, "unknown version");
	ASSERT_EQ(mapfetch_set_str(&mf, "0123456789abcdef0123456789abcdef!", 33), -EINVAL,
		  "a string key over 32 bytes");
	ASSERT_OK(mapfetch_set_int(&mf, 2, 0x1234), "int16 key");
	ASSERT_EQ(mf.key[0] | mf.key[1] << 8, 0x1234, "little-endian key bytes");
}
