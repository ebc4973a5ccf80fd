// SPDX-License-Identifier: MIT
/*
 * The ELF reader (common/elfimg.c: headers, sections, PT_LOAD map,
 * symbols) and the build-id reader (common/binid.c: notes from sections
 * and from PT_NOTE) on a whole small ELF file.
 *
 * Input: the file itself (at most FZE_MAX_SIZE bytes), written to a
 * memfd and opened as /proc/self/fd/N. Every elfimg__* accessor runs on
 * what opens, binid_from_mem / binid_from_mapped / binid_notes_from_file
 * on every input.
 *
 * Seeds: small ELF files made from each base (fz_seeds): its ELF header
 * and program headers, and its notes, .go.buildinfo, the start of
 * .text, .noptrdata and .gopclntab, the first symbols of .symtab with
 * .strtab, laid out anew by libelf, each PT_LOAD pointing at the copy of
 * its first section; and the first 4 KiB of each base (headers only).
 * fz_seeds checks that every made file opens and has its symbols and
 * build id: the seeds reach the readers.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "binid.h"
#include "elfimg.h"
#include "fuzzlib.h"
#include "log.h"

#define FZE_MAX_SIZE (1 << 20)

static int memfd_of(const uint8_t *data, size_t size, char *path, size_t path_len)
{
	int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		abort();
	while (got < size) {
		ssize_t w = write(fd, data + got, size - got);

		if (w <= 0)
			abort();
		got += w;
	}
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return fd;
}

static int count_symbol(const char *name, uint64_t addr, void *ctx)
{
	(void)addr;
	if (!name)
		abort();
	return ++*(size_t *)ctx >= 100000;	/* stop early: also exercised */
}

static const char *const probe_names[] = {
	".text", ".gopclntab", ".go.buildinfo", ".noptrdata", ".symtab", ".note.go.buildid", "",
};

/* Every accessor; returns the number of symbols seen. */
static size_t exercise(struct elfimg *bin)
{
	struct elfimg_section sec;
	struct elfimg_segment seg;
	size_t size, n, i, nsym = 0;
	uint64_t addr, symsize, off, avail;
	const uint8_t *data = elfimg__data(bin, &size);

	if (!data || !elfimg__path(bin))
		abort();
	(void)elfimg__arch(bin);
	if (elfimg__ptr_size(bin) != 4 && elfimg__ptr_size(bin) != 8)
		abort();
	(void)elfimg__is_pie(bin);
	(void)elfimg__has_symtab(bin);
	(void)elfimg__is_dynamic(bin);
	(void)elfimg__has_sections(bin);
	for (i = 0; i < sizeof(probe_names) / sizeof(probe_names[0]); i++) {
		if (elfimg__section(bin, probe_names[i], &sec))
			continue;
		if (sec.data && (sec.data < data || sec.size > size || sec.data - data > (ptrdiff_t)(size - sec.size)))
			abort();	/* the promise: data is bound-checked */
		if (sec.data && sec.size)
			(void)*(volatile const uint8_t *)(sec.data + sec.size - 1);
		if (!elfimg__section_at(bin, sec.addr, &sec) && !sec.name)
			abort();
	}
	n = elfimg__nsegments(bin);
	for (i = 0; i < n; i++) {
		const uint8_t *p;

		elfimg__segment(bin, i, &seg);
		if (seg.filesz)
			(void)*(volatile const uint8_t *)(seg.data + seg.filesz - 1);
		for (int k = 0; k < 4; k++) {
			uint64_t va = seg.vaddr + (k == 3 ? seg.filesz - 1 : k == 2 ? seg.filesz : (uint64_t)k);

			if (!elfimg__vaddr_to_off(bin, va, &off) && off >= size)
				abort();
			p = elfimg__vaddr_ptr(bin, va, 1);
			if (p)
				(void)*(volatile const uint8_t *)p;
			p = elfimg__vaddr_ptr_avail(bin, va, &avail);
			if (p && avail)
				(void)*(volatile const uint8_t *)(p + avail - 1);
			(void)elfimg__vaddr_ptr(bin, va, UINT64_MAX);
			(void)elfimg__vaddr_is_exec(bin, va);
			(void)elfimg__section_at(bin, va, &sec);
		}
		elfimg__release(bin, seg.vaddr, seg.filesz);
	}
	elfimg__for_each_symbol(bin, count_symbol, &nsym);
	elfimg__symbol(bin, "runtime.text", &addr, &symsize);
	elfimg__symbol(bin, "runtime.buildVersion", &addr, NULL);
	elfimg__symbol(bin, "no.such.symbol", &addr, &symsize);
	return nsym;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ga_binid id;
	struct elfimg *bin;
	char path[32];
	int fd;

	if (size > FZE_MAX_SIZE)
		return 0;
	fd = memfd_of(data, size, path, sizeof(path));
	bin = elfimg__open(path);
	if (bin) {
		exercise(bin);
		elfimg__free(bin);
	}
	binid_from_mem(data, size, &id);
	binid_notes_from_file(path, &id);
	if (size) {
		const void *map;
		size_t msize;

		if (!file_map(path, &map, &msize)) {
			binid_from_mapped(path, map, msize, &id);
			file_unmap(map, msize);
		}
	}
	close(fd);
	return 0;
}

/* --- seeds: small ELF files from the bases --- */

static const struct {
	const char *name;
	size_t cap;
} keep[] = {
	{ ".note.go.buildid", 256 }, { ".note.gnu.build-id", 256 }, { ".go.buildinfo", 1024 },
	{ ".text", 512 }, { ".noptrdata", 256 }, { ".gopclntab", 512 },
	{ ".symtab", 48 * 24 }, { ".strtab", 8192 },
};
#define NKEEP (sizeof(keep) / sizeof(keep[0]))

/* A small ELF file made from the base image at in[0..n) into a memfd; its fd or -errno. */
static int make_small_elf(const uint8_t *in, size_t n)
{
	Elf *src, *dst = NULL;
	Elf_Scn *scn, *new_scn[NKEEP] = {};
	GElf_Shdr sh, src_sh[NKEEP];
	GElf_Ehdr eh, neh;
	size_t shstrndx, phnum, i, k, strtab_new = 0;
	char shstr[256] = "";
	size_t shstr_len = 1, name_off[NKEEP + 1];
	int fd, cls, err = -EINVAL;
	bool have[NKEEP] = {};

	src = elf_memory((char *)in, n);
	if (!src || !gelf_getehdr(src, &eh) || elf_getshdrstrndx(src, &shstrndx) ||
	    elf_getphdrnum(src, &phnum))
		goto out;
	cls = gelf_getclass(src);
	fd = memfd_create("fuzz-elf-seed", MFD_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	dst = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!dst || !gelf_newehdr(dst, cls) || !gelf_newphdr(dst, phnum) || !gelf_getehdr(dst, &neh))
		goto out_close;
	memcpy(neh.e_ident, eh.e_ident, EI_NIDENT);
	neh.e_type = eh.e_type;
	neh.e_machine = eh.e_machine;
	neh.e_version = eh.e_version;
	neh.e_entry = eh.e_entry;
	neh.e_flags = eh.e_flags;
	for (k = 0; k < NKEEP; k++) {
		const char *nm;
		Elf_Data *d, *nd;
		size_t len;

		for (scn = NULL; (scn = elf_nextscn(src, scn));) {
			if (!gelf_getshdr(scn, &sh) || !(nm = elf_strptr(src, shstrndx, sh.sh_name)))
				continue;
			if (!strcmp(nm, keep[k].name))
				break;
		}
		if (!scn || sh.sh_type == SHT_NOBITS || !(d = elf_rawdata(scn, NULL)))
			continue;
		len = sh.sh_size < keep[k].cap ? sh.sh_size : keep[k].cap;
		if (sh.sh_entsize)
			len -= len % sh.sh_entsize;
		new_scn[k] = elf_newscn(dst);
		nd = new_scn[k] ? elf_newdata(new_scn[k]) : NULL;
		if (!nd)
			goto out_close;
		nd->d_buf = (char *)d->d_buf;
		nd->d_size = len;
		nd->d_type = ELF_T_BYTE;
		nd->d_align = 1;
		src_sh[k] = sh;
		have[k] = true;
		name_off[k] = shstr_len;
		shstr_len += snprintf(shstr + shstr_len, sizeof(shstr) - shstr_len, "%s", nm) + 1;
		if (!strcmp(nm, ".strtab"))
			strtab_new = elf_ndxscn(new_scn[k]);
	}
	{
		Elf_Scn *s = elf_newscn(dst);
		Elf_Data *nd = s ? elf_newdata(s) : NULL;

		if (!nd || !gelf_getshdr(s, &sh))
			goto out_close;
		name_off[NKEEP] = shstr_len;
		shstr_len += snprintf(shstr + shstr_len, sizeof(shstr) - shstr_len, ".shstrtab") + 1;
		nd->d_buf = shstr;
		nd->d_size = shstr_len;
		nd->d_type = ELF_T_BYTE;
		nd->d_align = 1;
		sh.sh_name = name_off[NKEEP];
		sh.sh_type = SHT_STRTAB;
		if (!gelf_update_shdr(s, &sh))
			goto out_close;
		neh.e_shstrndx = elf_ndxscn(s);
	}
	for (k = 0; k < NKEEP; k++) {
		if (!have[k] || !gelf_getshdr(new_scn[k], &sh))
			continue;
		sh.sh_name = name_off[k];
		sh.sh_type = src_sh[k].sh_type;
		sh.sh_flags = src_sh[k].sh_flags;
		sh.sh_addr = src_sh[k].sh_addr;
		sh.sh_addralign = 1;
		sh.sh_entsize = src_sh[k].sh_entsize;
		sh.sh_info = src_sh[k].sh_type == SHT_SYMTAB ? 1 : 0;
		sh.sh_link = src_sh[k].sh_type == SHT_SYMTAB ? strtab_new : 0;
		if (!gelf_update_shdr(new_scn[k], &sh))
			goto out_close;
	}
	if (!gelf_update_ehdr(dst, &neh) || elf_update(dst, ELF_C_NULL) < 0)
		goto out_close;
	/* program headers: each PT_LOAD/PT_NOTE over the copy of its first kept section */
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph, nph = {};

		if (!gelf_getphdr(src, i, &ph))
			goto out_close;
		nph.p_type = ph.p_type;
		nph.p_flags = ph.p_flags;
		nph.p_vaddr = nph.p_paddr = ph.p_vaddr;
		nph.p_memsz = ph.p_memsz;
		nph.p_align = 1;
		for (k = 0; k < NKEEP; k++) {
			if (!have[k] || !(src_sh[k].sh_flags & SHF_ALLOC) ||
			    src_sh[k].sh_addr < ph.p_vaddr || src_sh[k].sh_addr >= ph.p_vaddr + ph.p_memsz)
				continue;
			if (!gelf_getshdr(new_scn[k], &sh))
				goto out_close;
			nph.p_vaddr = nph.p_paddr = src_sh[k].sh_addr;
			nph.p_offset = sh.sh_offset;
			nph.p_filesz = sh.sh_size;
			nph.p_memsz = sh.sh_size;
			break;
		}
		if (!gelf_update_phdr(dst, i, &nph))
			goto out_close;
	}
	if (elf_update(dst, ELF_C_WRITE) < 0)
		goto out_close;
	elf_end(dst);
	elf_end(src);
	return fd;

out_close:
	fprintf(stderr, "fuzz_elf: making a small ELF file: %s\n", elf_errmsg(-1));
	if (dst)
		elf_end(dst);
	close(fd);
out:
	elf_end(src);
	return err;
}

int fz_seeds(const char *dir)
{
	char name[96], path[32];
	int err = 0;

	elf_version(EV_CURRENT);
	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		struct fz_file *f = fz_base(b);
		const uint8_t *data;
		struct ga_binid id, base_id;
		struct elfimg *bin;
		uint8_t *buf;
		size_t n;
		off_t len;
		int fd;

		if (!f)
			continue;
		data = fz_data(f, &n);
		binid_from_mem(data, n, &base_id);
		snprintf(name, sizeof(name), "%s-head", fz_base_name(b));
		err = fz_write_seed(dir, name, data, n < 4096 ? n : 4096);
		if (err)
			return err;
		fd = make_small_elf(data, n);
		if (fd < 0) {
			fprintf(stderr, "fuzz_elf: no small ELF file from %s\n", fz_base_name(b));
			return fd;
		}
		len = lseek(fd, 0, SEEK_END);
		buf = len > 0 && len <= FZE_MAX_SIZE ? malloc(len) : NULL;
		if (!buf || pread(fd, buf, len, 0) != len) {
			free(buf);
			close(fd);
			return -EIO;
		}
		snprintf(name, sizeof(name), "%s-small", fz_base_name(b));
		err = fz_write_seed(dir, name, buf, len);
		/* the seed reaches the readers: it opens, with symbols (unless stripped) and ids */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		bin = err ? NULL : elfimg__open(path);
		binid_from_mem(buf, len, &id);
		if (!err && (!bin || !elfimg__nsegments(bin) ||
			     (elfimg__has_symtab(bin) && !exercise(bin)) ||
			     strcmp(id.go_build_id, base_id.go_build_id))) {
			fprintf(stderr, "fuzz_elf: the small ELF file of %s does not %s\n",
				fz_base_name(b), !bin ? "open" : strcmp(id.go_build_id, base_id.go_build_id) ?
				"have its Go build id" : "have symbols");
			err = -EINVAL;
		}
		elfimg__free(bin);
		free(buf);
		close(fd);
		if (err)
			return err;
	}
	return 0;
}
