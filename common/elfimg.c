// SPDX-License-Identifier: MIT
/* The mapped ELF image: sections, PT_LOAD map, symbols (see elfimg.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "binid.h"
#include "elfimg.h"
#include "log.h"

#define ELFIMG_MAX_LOADS 32

struct elfimg_load {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;
};

struct elfimg {
	char *path;
	int fd;			/* elfimg__open_fd's duplicate, -1 for elfimg__open */
	const uint8_t *data;
	size_t size;
	Elf *elf;
	enum ga_arch arch;
	int ptr_size;
	bool pie;
	bool dynamic;
	size_t nsecs;
	struct elfimg_section *secs;
	size_t nloads;
	struct elfimg_load loads[ELFIMG_MAX_LOADS];
	int symtab_idx;		/* index into secs, -1 if none */
	int dynsym_idx;
};

int elfimg__fd(const struct elfimg *bin)
{
	return bin->fd;
}

const char *elfimg__path(const struct elfimg *bin)
{
	return bin->path;
}

const uint8_t *elfimg__data(const struct elfimg *bin, size_t *size)
{
	*size = bin->size;
	return bin->data;
}

enum ga_arch elfimg__arch(const struct elfimg *bin)
{
	return bin->arch;
}

int elfimg__ptr_size(const struct elfimg *bin)
{
	return bin->ptr_size;
}

bool elfimg__is_pie(const struct elfimg *bin)
{
	return bin->pie;
}

bool elfimg__is_dynamic(const struct elfimg *bin)
{
	return bin->dynamic;
}

bool elfimg__has_symtab(const struct elfimg *bin)
{
	return bin->symtab_idx >= 0;
}

static bool range_in_file(const struct elfimg *bin, uint64_t off, uint64_t len)
{
	return off <= bin->size && len <= bin->size - off;
}

static int read_sections(struct elfimg *bin)
{
	size_t shnum, shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrnum(bin->elf, &shnum) || elf_getshdrstrndx(bin->elf, &shstrndx)) {
		/* No section headers at all is legal (sstrip); anything else is corrupt. */
		pr_warn("elf: bad section headers in '%s': %s", bin->path, elf_errmsg(-1));
		return -EINVAL;
	}
	bin->secs = calloc(shnum ? shnum : 1, sizeof(*bin->secs));
	if (!bin->secs)
		return -ENOMEM;
	while ((scn = elf_nextscn(bin->elf, scn))) {
		struct elfimg_section *s;
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			pr_warn("elf: bad section header in '%s': %s", bin->path, elf_errmsg(-1));
			return -EINVAL;
		}
		name = elf_strptr(bin->elf, shstrndx, sh.sh_name);
		if (bin->nsecs >= shnum)
			break;
		s = &bin->secs[bin->nsecs];
		s->name = name ? name : "";
		s->addr = sh.sh_addr;
		s->offset = sh.sh_offset;
		s->size = sh.sh_size;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		if (sh.sh_type != SHT_NOBITS) {
			if (!range_in_file(bin, sh.sh_offset, sh.sh_size)) {
				pr_warn("elf: section '%s' of '%s' lies outside the file (truncated?)",
					s->name, bin->path);
				return -EINVAL;
			}
			s->data = bin->data + sh.sh_offset;
		}
		if (sh.sh_type == SHT_SYMTAB)
			bin->symtab_idx = bin->nsecs;
		else if (sh.sh_type == SHT_DYNSYM)
			bin->dynsym_idx = bin->nsecs;
		bin->nsecs++;
	}
	return 0;
}

static int read_segments(struct elfimg *bin)
{
	size_t phnum, i;

	if (elf_getphdrnum(bin->elf, &phnum)) {
		pr_warn("elf: bad program headers in '%s': %s", bin->path, elf_errmsg(-1));
		return -EINVAL;
	}
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(bin->elf, i, &ph)) {
			pr_warn("elf: bad program header %zu in '%s': %s", i, bin->path, elf_errmsg(-1));
			return -EINVAL;
		}
		if (ph.p_type == PT_INTERP)
			bin->dynamic = true;
		if (ph.p_type != PT_LOAD)
			continue;
		if (bin->nloads == ELFIMG_MAX_LOADS) {
			pr_warn("elf: too many PT_LOAD segments in '%s'", bin->path);
			return -EINVAL;
		}
		if (!range_in_file(bin, ph.p_offset, ph.p_filesz)) {
			pr_warn("elf: segment %zu of '%s' lies outside the file (truncated?)", i, bin->path);
			return -EINVAL;
		}
		bin->loads[bin->nloads++] = (struct elfimg_load){
			.vaddr = ph.p_vaddr, .memsz = ph.p_memsz,
			.offset = ph.p_offset, .filesz = ph.p_filesz, .flags = ph.p_flags,
		};
	}
	if (!bin->nloads) {
		pr_warn("elf: '%s' has no loadable segments", bin->path);
		return -EINVAL;
	}
	return 0;
}

/* fd < 0: map path; else the file open at fd, whose duplicate the image keeps. */
static struct elfimg *elfimg_open(int fd, const char *path)
{
	struct elfimg *bin;
	GElf_Ehdr eh;
	int err;

	bin = calloc(1, sizeof(*bin));
	if (!bin) {
		errno = ENOMEM;
		return NULL;
	}
	bin->fd = -1;
	bin->symtab_idx = -1;
	bin->dynsym_idx = -1;
	bin->path = strdup(path);
	if (fd >= 0) {
		bin->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (bin->fd < 0) {
			err = -errno;
			pr_warn("elf: cannot duplicate the descriptor of '%s': %s", path, strerror(-err));
			goto out_free;
		}
		err = file_map_fd(bin->fd, path, (const void **)&bin->data, &bin->size);
	} else {
		err = file_map(path, (const void **)&bin->data, &bin->size);
	}
	if (err)
		goto out_free;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		pr_warn("elf: libelf is too old");
		err = -ENOTSUP;
		goto out_free;
	}
	if (bin->size < EI_NIDENT || memcmp(bin->data, ELFMAG, SELFMAG)) {
		pr_warn("elf: '%s' is not an ELF file", path);
		err = -EINVAL;
		goto out_free;
	}
	bin->elf = elf_memory((char *)bin->data, bin->size);
	if (!bin->elf || elf_kind(bin->elf) != ELF_K_ELF || !gelf_getehdr(bin->elf, &eh)) {
		pr_warn("elf: '%s' is not a valid ELF file: %s", path, elf_errmsg(-1));
		err = -EINVAL;
		goto out_free;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		pr_warn("elf: '%s' is big-endian; only amd64, arm64 and 386 are supported", path);
		err = -ENOTSUP;
		goto out_free;
	}
	switch (eh.e_machine) {
	case EM_X86_64:
		bin->arch = GA_ARCH_AMD64;
		break;
	case EM_AARCH64:
		bin->arch = GA_ARCH_ARM64;
		break;
	case EM_386:
		bin->arch = GA_ARCH_386;
		break;
	default:
		pr_warn("elf: '%s' is for machine %u; only amd64, arm64 and 386 are supported",
			path, eh.e_machine);
		err = -ENOTSUP;
		goto out_free;
	}
	bin->ptr_size = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	bin->pie = eh.e_type == ET_DYN;
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		pr_warn("elf: '%s' is not an executable (ELF type %u)", path, eh.e_type);
		err = -EINVAL;
		goto out_free;
	}
	err = read_segments(bin);
	if (err)
		goto out_free;
	err = read_sections(bin);
	if (err)
		goto out_free;
	return bin;

out_free:
	elfimg__free(bin);
	errno = -err;
	return NULL;
}

struct elfimg *elfimg__open(const char *path)
{
	return elfimg_open(-1, path);
}

struct elfimg *elfimg__open_fd(int fd, const char *path)
{
	return elfimg_open(fd, path);
}

void elfimg__free(struct elfimg *bin)
{
	if (!bin)
		return;
	if (bin->elf)
		elf_end(bin->elf);
	file_unmap(bin->data, bin->size);
	if (bin->fd >= 0)
		close(bin->fd);
	free(bin->secs);
	free(bin->path);
	free(bin);
}

int elfimg__section(const struct elfimg *bin, const char *name, struct elfimg_section *out)
{
	size_t i;

	for (i = 0; i < bin->nsecs; i++) {
		if (!strcmp(bin->secs[i].name, name)) {
			*out = bin->secs[i];
			return 0;
		}
	}
	return -ENOENT;
}

int elfimg__section_at(const struct elfimg *bin, uint64_t vaddr, struct elfimg_section *out)
{
	size_t i;

	for (i = 0; i < bin->nsecs; i++) {
		const struct elfimg_section *s = &bin->secs[i];

		if ((s->flags & SHF_ALLOC) && vaddr >= s->addr && vaddr - s->addr < s->size) {
			*out = *s;
			return 0;
		}
	}
	return -ENOENT;
}

int elfimg__vaddr_to_off(const struct elfimg *bin, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < bin->nloads; i++) {
		const struct elfimg_load *l = &bin->loads[i];

		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz) {
			*off = l->offset + (vaddr - l->vaddr);
			return 0;
		}
	}
	return -ERANGE;
}

const uint8_t *elfimg__vaddr_ptr(const struct elfimg *bin, uint64_t vaddr, uint64_t len)
{
	size_t i;

	for (i = 0; i < bin->nloads; i++) {
		const struct elfimg_load *l = &bin->loads[i];

		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz &&
		    len <= l->filesz - (vaddr - l->vaddr))
			return bin->data + l->offset + (vaddr - l->vaddr);
	}
	return NULL;
}

const uint8_t *elfimg__vaddr_ptr_avail(const struct elfimg *bin, uint64_t vaddr, uint64_t *avail)
{
	size_t i;

	for (i = 0; i < bin->nloads; i++) {
		const struct elfimg_load *l = &bin->loads[i];

		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz) {
			*avail = l->filesz - (vaddr - l->vaddr);
			return bin->data + l->offset + (vaddr - l->vaddr);
		}
	}
	*avail = 0;
	return NULL;
}

void elfimg__release(const struct elfimg *bin, uint64_t vaddr, uint64_t len)
{
	const uint8_t *p = elfimg__vaddr_ptr(bin, vaddr, len);
	uintptr_t page = sysconf(_SC_PAGESIZE), start, end;

	if (!p || !len)
		return;
	start = ((uintptr_t)p + page - 1) & ~(page - 1);
	end = ((uintptr_t)p + len) & ~(page - 1);
	/* Pages of the mapping the program never wrote: dropping them loses nothing. */
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

bool elfimg__vaddr_is_exec(const struct elfimg *bin, uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < bin->nloads; i++) {
		const struct elfimg_load *l = &bin->loads[i];

		if ((l->flags & PF_X) && vaddr >= l->vaddr && vaddr - l->vaddr < l->memsz)
			return true;
	}
	return false;
}

size_t elfimg__nsegments(const struct elfimg *bin)
{
	return bin->nloads;
}

void elfimg__segment(const struct elfimg *bin, size_t i, struct elfimg_segment *out)
{
	const struct elfimg_load *l = &bin->loads[i];

	out->vaddr = l->vaddr;
	out->filesz = l->filesz;
	out->data = bin->data + l->offset;
	out->exec = l->flags & PF_X;
	out->write = l->flags & PF_W;
}

bool elfimg__has_sections(const struct elfimg *bin)
{
	return bin->nsecs > 0;
}

/* Call fn for each symbol of the symbol table at secs[idx]. */
static int for_each_symbol_in(const struct elfimg *bin, int idx,
			      int (*fn)(const char *name, uint64_t addr, uint64_t size, void *ctx),
			      void *ctx)
{
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh;
	size_t i, n;
	int ret;

	if (idx < 0)
		return 0;
	scn = elf_getscn(bin->elf, idx + 1);	/* secs[] skips the null section 0 */
	if (!scn || !gelf_getshdr(scn, &sh) || !sh.sh_entsize || !(d = elf_getdata(scn, NULL)))
		return 0;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *s;

		if (!gelf_getsym(d, i, &sym))
			break;
		s = elf_strptr(bin->elf, sh.sh_link, sym.st_name);
		if (s && (ret = fn(s, sym.st_value, sym.st_size, ctx)))
			return ret;
	}
	return 0;
}

struct sym_query {
	const char *name;
	uint64_t addr, size;
};

static int match_symbol(const char *name, uint64_t addr, uint64_t size, void *ctx)
{
	struct sym_query *q = ctx;

	if (strcmp(name, q->name))
		return 0;
	q->addr = addr;
	q->size = size;
	return 1;
}

struct sym_visit {
	int (*fn)(const char *name, uint64_t addr, void *ctx);
	void *ctx;
};

static int visit_symbol(const char *name, uint64_t addr, uint64_t size, void *ctx)
{
	struct sym_visit *v = ctx;

	(void)size;
	return v->fn(name, addr, v->ctx);
}

int elfimg__for_each_symbol(const struct elfimg *bin,
			  int (*fn)(const char *name, uint64_t addr, void *ctx), void *ctx)
{
	struct sym_visit v = { .fn = fn, .ctx = ctx };

	return for_each_symbol_in(bin, bin->symtab_idx, visit_symbol, &v);
}

int elfimg__symbol(const struct elfimg *bin, const char *name, uint64_t *addr, uint64_t *size)
{
	struct sym_query q = { .name = name };

	if (for_each_symbol_in(bin, bin->symtab_idx, match_symbol, &q) != 1 &&
	    for_each_symbol_in(bin, bin->dynsym_idx, match_symbol, &q) != 1)
		return -ENOENT;
	*addr = q.addr;
	if (size)
		*size = q.size;
	return 0;
}
