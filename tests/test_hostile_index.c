// SPDX-License-Identifier: MIT
/*
 * goanalyze on inputs made to hurt it, end to end: a real Go binary
 * whose function name runs past 2 KB (goanalyze bpftrace wrote it into a
 * 2 KB stack buffer), and damaged binaries that `goanalyze index` must
 * refuse with one error line, or index, within its resource bound:
 *
 *   any input file of at most 16 MiB: at most 30 s and 1 GiB of address
 *   space (plain build; ASan's shadow makes an address-space limit
 *   meaningless there, so the sanitized builds check the peak RSS
 *   against 1 GiB instead, and allow 120 s), and no DB file unless a
 *   complete one.
 *
 * (Measured: the fuzz bases, 1.2-11 MB, index in 0.2-2.3 s with a peak RSS
 * of 18-32 MB; every damaged input below in under 1 s, under 40 MB.)
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#ifdef GA_SANITIZED
#define INDEX_TIMEOUT_S 120	/* ASan+UBSan: 5-10 times slower (13 s seen on a loaded machine) */
#else
#define INDEX_TIMEOUT_S 30
#endif
#define INDEX_MAX_BYTES (1ull << 30)

/*
 * A Go identifier of 8 KB: past the old 2 KB line buffer far enough that
 * its overflow smashed the stack (a SEGV under ASan; at 3 KB the write
 * landed in the next buffer and only cut the line).
 */
static char *long_ident(void)
{
	size_t n = 1000, len = 4 + n * 8 + 1;
	char *s = malloc(len);

	if (!s)
		return NULL;
	strcpy(s, "Very");
	for (size_t i = 0; i < n; i++)
		strcat(s, "LongName");
	return s;
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return !fclose(f) && ok;
}

/*
 * goanalyze bpftrace on a function named by an 8 KB identifier: every
 * probe's printf holds the whole name and its arguments (it overflowed
 * a 2 KB stack buffer: a cut line, or a crash), and bpftrace, when it
 * can run here, prints the call.
 */
TEST(bpftrace_long_name)
{
	char *id = long_ident(), *fn = NULL, *src = NULL, *want = NULL;
	char dir[512], db[600], bt[600], bin[600], cmd[4096], *ga = realpath(build_path("goanalyze"), NULL);
	struct cmd_result r = {}, run = {};
	struct bg_proc trace = {};
	const char *why;

	if (!ASSERT_TRUE(id != NULL, "name"))
		return;
	snprintf(dir, sizeof(dir), "%s/longname", tmp_dir());
	snprintf(db, sizeof(db), "%s/longname.db", dir);
	snprintf(bt, sizeof(bt), "%s/longname.bt", dir);
	snprintf(bin, sizeof(bin), "%s/longname", dir);
	mkdir(dir, 0755);
	if (asprintf(&src, "package main\n\nimport \"os\"\n\n//go:noinline\n"
		     "func %s(n int, s string) (int, string) {\n\treturn n + len(s), s + \"!\"\n}\n\n"
		     "func main() {\n\ta, b := %s(len(os.Args), \"hi\")\n\tprintln(a, b)\n}\n", id, id) < 0)
		src = NULL;
	if (!ASSERT_TRUE(src && write_file(tmp_path("longname/main.go"), src) &&
			 write_file(tmp_path("longname/go.mod"), "module longname\n\ngo 1.19\n"),
			 "write the sample"))
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s'; GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 go build -gcflags=-l "
		 "-o longname .; rm -f longname.db; '%s' index longname --db longname.db",
		 dir, ga ? ga : "goanalyze");
	sh_run(cmd, 300, &r);
	if (!ASSERT_EQ(r.status, 0, "build and index the sample")) {
		printf("  %s", r.err ? r.err : "");
		goto out;
	}
	cmd_result_free(&r);

	if (asprintf(&fn, "main.%s", id) < 0 || asprintf(&want, "printf(\"%s(n=%%d, s=\\\"%%s\\\")\"", fn) < 0) {
		fn = want = NULL;
		goto out;
	}
	{
		char *args[] = { ga ? ga : "goanalyze", "bpftrace", "--db", db, fn, "-o", bt, NULL };

		cmd_run(args, 60, &r);
	}
	ASSERT_EQ(r.status, 0, "goanalyze bpftrace");
	ASSERT_EQ(count_lines_with(r.err, ""), 0, "nothing on stderr");
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "grep printf '%s'", bt);
	sh_run(cmd, 10, &r);
	ASSERT_EQ(count_lines_with(r.out, want), 1, "the RET's argument printf holds the whole name");
	ASSERT_EQ(count_lines_with(r.out, "printf(\" = (%d, \\\"%s\\\") %d us\\n\""), 1,
		  "the RET's result printf");
	cmd_result_free(&r);

	why = bpf_unavailable_reason();
	if (why) {
		printf("  (bpftrace not run: %s)\n", why);
		goto out;
	}
	{
		char *targs[] = { "bpftrace", "--unsafe", bt, NULL }, *pargs[] = { bin, NULL };
		char line[9000];

		if (!ASSERT_OK(bg_start(&trace, targs), "start bpftrace") ||
		    !ASSERT_TRUE(bg_wait_stdout(&trace, "Ctrl-C", 60), "bpftrace attached"))
			goto out;
		cmd_run(pargs, 60, &run);
		snprintf(line, sizeof(line), "%s(n=1, s=\"hi\") = (3, \"hi!\") ", fn);
		ASSERT_TRUE(bg_wait_stdout(&trace, line, 20), "bpftrace prints the call by its whole name");
	}
out:
	bg_stop(&trace, SIGINT, 10);
	bg_free(&trace);
	cmd_result_free(&r);
	cmd_result_free(&run);
	free(ga);
	free(id);
	free(fn);
	free(src);
	free(want);
}

/* --- damaged binaries --- */

struct image {
	uint8_t *data;
	size_t size;
};

static bool image_load(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	im->data = NULL;
	if (!f)
		return false;
	if (fstat(fileno(f), &st) || !(im->data = malloc(st.st_size)) ||
	    fread(im->data, 1, st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		free(im->data);
		im->data = NULL;
		return false;
	}
	im->size = st.st_size;
	fclose(f);
	return true;
}

/* The section header of name in an ELF64 image, NULL if none. */
static Elf64_Shdr *shdr_of(struct image *im, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im->data;
	Elf64_Shdr *sh = (Elf64_Shdr *)(im->data + eh->e_shoff);
	const char *strs = (const char *)im->data + sh[eh->e_shstrndx].sh_offset;

	for (int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(strs + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

static void put64(struct image *im, uint64_t off, uint64_t v)
{
	memcpy(im->data + off, &v, 8);
}

/* The file offset of the first 8-byte word == v in section name, 0 if none. */
static uint64_t find_word(struct image *im, const char *in, uint64_t v)
{
	Elf64_Shdr *sh = shdr_of(im, in);

	for (uint64_t o = sh ? sh->sh_offset : 0; sh && o + 8 <= sh->sh_offset + sh->sh_size; o += 8)
		if (!memcmp(im->data + o, &v, 8))
			return o;
	return 0;
}

/* The moduledata slice whose data pointer is section name's address: the file offset of its len. */
static uint64_t md_slice_len(struct image *im, const char *name)
{
	Elf64_Shdr *sh = shdr_of(im, name);
	uint64_t at = sh ? find_word(im, ".noptrdata", sh->sh_addr) : 0;

	return at ? at + 8 : 0;
}

enum hostile {
	H_NFUNC,		/* pclntab's nfunc 0x7fffffff */
	H_PCLN_SIZE,		/* .gopclntab's sh_size past the file */
	H_PCLN_OFFSET,		/* .gopclntab's sh_offset past the file */
	H_TEXT_ZEROS,		/* .text all zeros */
	H_TYPELINKS_LEN,	/* moduledata.typelinks' len 2^62 */
	H_FTAB_LEN,		/* moduledata.ftab's len 2^62 */
	H_RODATA_FF,		/* .rodata (the type descriptors) all 0xff */
	H_SHNUM,		/* e_shnum 0xffff */
	H_PHOFF,		/* e_phoff past the file */
	H_TRUNCATED,		/* the first 40% of the file */
	H_NHOSTILE
};

static const char *const hostile_names[H_NHOSTILE] = {
	"nfunc-7fffffff", "pclntab-size-past-file", "pclntab-offset-past-file", "text-zeros",
	"typelinks-len-2e62", "ftab-len-2e62", "rodata-ff", "shnum-ffff", "phoff-past-file", "truncated",
};

/* Damage im as h says; false if the base lacks what h damages. */
static bool damage(struct image *im, enum hostile h)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im->data;
	Elf64_Shdr *sh;
	uint64_t at;

	switch (h) {
	case H_NFUNC:
		sh = shdr_of(im, ".gopclntab");
		if (!sh)
			return false;
		put64(im, sh->sh_offset + 8, 0x7fffffff);
		return true;
	case H_PCLN_SIZE:
	case H_PCLN_OFFSET:
		sh = shdr_of(im, ".gopclntab");
		if (!sh)
			return false;
		if (h == H_PCLN_SIZE)
			sh->sh_size = 0x7fffffff00ull;
		else
			sh->sh_offset = im->size + 0x100000;
		return true;
	case H_TEXT_ZEROS:
	case H_RODATA_FF:
		sh = shdr_of(im, h == H_TEXT_ZEROS ? ".text" : ".rodata");
		if (!sh)
			return false;
		memset(im->data + sh->sh_offset, h == H_TEXT_ZEROS ? 0 : 0xff, sh->sh_size);
		return true;
	case H_TYPELINKS_LEN:
	case H_FTAB_LEN:
		/* ftab: the moduledata slice after pclntable's, found by pclntable's address */
		at = md_slice_len(im, h == H_TYPELINKS_LEN ? ".typelink" : ".gopclntab");
		if (!at)
			return false;
		put64(im, at, 1ull << 62);
		if (h == H_TYPELINKS_LEN)
			put64(im, at + 8, 1ull << 62);	/* cap */
		return true;
	case H_SHNUM:
		eh->e_shnum = 0xffff;
		return true;
	case H_PHOFF:
		eh->e_phoff = im->size + 0x1000;
		return true;
	case H_TRUNCATED:
		im->size = im->size * 2 / 5;
		return true;
	default:
		return false;
	}
}

struct run_result {
	int status;		/* exit status, 128 + signal, -1 timed out */
	long maxrss_kb;
	double secs;
	char err[4096];		/* stderr, cut */
};

/* argv under the bound: RLIMIT_AS (plain builds), a timeout, stderr kept. */
static bool run_bounded(char *const argv[], const char *err_path, struct run_result *rr)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, fd;
	pid_t pid;
	FILE *f;
	size_t n;

	memset(rr, 0, sizeof(*rr));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
#ifndef GA_SANITIZED
		struct rlimit rl = { INDEX_MAX_BYTES, INDEX_MAX_BYTES };

		setrlimit(RLIMIT_AS, &rl);
#endif
		fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		pid_t got = wait4(pid, &status, WNOHANG, &ru);

		clock_gettime(CLOCK_MONOTONIC, &t1);
		rr->secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (got == pid)
			break;
		if (got < 0)
			return false;
		if (rr->secs > INDEX_TIMEOUT_S) {
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			rr->status = -1;
			goto read_err;
		}
		usleep(10000);
	}
	rr->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
read_err:
	rr->maxrss_kb = ru.ru_maxrss;
	f = fopen(err_path, "r");
	if (f) {
		n = fread(rr->err, 1, sizeof(rr->err) - 1, f);
		rr->err[n] = '\0';
		fclose(f);
	}
	return true;
}

/* The DB is absent, or complete: it passes SQLite's integrity check and holds one build. */
static bool db_absent_or_whole(const char *db)
{
	struct cmd_result r = {};
	char cmd[1024];
	bool ok;

	if (access(db, F_OK))
		return true;
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA integrity_check; SELECT count(*) FROM builds'", db);
	sh_run(cmd, 30, &r);
	ok = r.status == 0 && r.out && !strcmp(r.out, "ok\n1\n");
	cmd_result_free(&r);
	return ok;
}

static const char *const hostile_bases[] = {
	"go1.19-amd64-stripped", "go1.19-amd64", "go1.26-amd64", "esbuild-linux-x64-0.28.2",
};

/*
 * goanalyze index on every damage of every base: exit 0 (it indexed what
 * held together), or exit 1 with one line naming the file; never a
 * signal, a timeout or more than the bound; the DB absent or whole.
 */
TEST(index_hostile_bounded)
{
	char path[600], db[620], errp[620], base[600];
	struct image im = {};
	struct run_result rr;
	double worst_s = 0;
	long worst_kb = 0;
	int ran = 0;

	for (size_t b = 0; b < sizeof(hostile_bases) / sizeof(hostile_bases[0]); b++) {
		snprintf(base, sizeof(base), "%s/fuzzbase/%s", build_dir(), hostile_bases[b]);
		for (int h = 0; h < H_NHOSTILE; h++) {
			char *argv[] = { (char *)build_path("goanalyze"), "index", path, "--db", db, NULL };
			FILE *f;

			free(im.data);
			if (!image_load(base, &im)) {
				TEST_SKIP("no %s (make build-tests builds it)", base);
				return;
			}
			if (!damage(&im, h))
				continue;
			snprintf(path, sizeof(path), "%s/%s-%s", tmp_dir(), hostile_bases[b], hostile_names[h]);
			snprintf(db, sizeof(db), "%s.db", path);
			snprintf(errp, sizeof(errp), "%s.err", path);
			unlink(db);
			f = fopen(path, "wb");
			if (!ASSERT_TRUE(f && fwrite(im.data, 1, im.size, f) == im.size && !fclose(f),
					 "write the damaged file"))
				break;
			if (!ASSERT_TRUE(run_bounded(argv, errp, &rr), "run goanalyze index"))
				break;
			ran++;
			worst_s = rr.secs > worst_s ? rr.secs : worst_s;
			worst_kb = rr.maxrss_kb > worst_kb ? rr.maxrss_kb : worst_kb;
			if (!ASSERT_TRUE(rr.status == 0 || rr.status == 1, path) ||
			    !ASSERT_TRUE(rr.maxrss_kb <= (long)(INDEX_MAX_BYTES >> 10), "peak RSS in the bound") ||
			    (rr.status == 1 && !ASSERT_EQ(count_lines_with(rr.err, ""), 1, "one error line")) ||
			    (rr.status == 1 && !ASSERT_CONTAINS(rr.err, path, "the line names the file")) ||
			    !ASSERT_TRUE(db_absent_or_whole(db), "no half-written DB") ||
			    (rr.status == 1 && !ASSERT_TRUE(access(db, F_OK) != 0, "no DB after an error")))
				printf("  %s: exit %d after %.2f s, %ld KB: %s\n", path, rr.status, rr.secs,
				       rr.maxrss_kb, rr.err);
			if (getenv("HOSTILE_VERBOSE"))
				printf("  %s: exit %d after %.2f s, %ld KB\n", path, rr.status, rr.secs, rr.maxrss_kb);
			unlink(path);
			unlink(db);
			unlink(errp);
		}
	}
	free(im.data);
	ASSERT_GE(ran, 30, "damaged inputs run");
	printf("  %d damaged inputs: worst %.2f s, peak RSS %ld KB\n", ran, worst_s, worst_kb);
}
