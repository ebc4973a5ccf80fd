// SPDX-License-Identifier: MIT
/* A binary's identity (size, sha256, Go and GNU build ids) and whole-file mapping. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binid.h"
#include "log.h"

#define GO_NOTE_TYPE_BUILDID 4	/* cmd/link/internal/ld/elf.go: ELF_NOTE_GOBUILDID_TAG */

int file_map_fd(int fd, const char *path, const void **data, size_t *size)
{
	struct stat stbuf;
	void *p;
	int err;

	if (fstat(fd, &stbuf)) {
		err = -errno;
		pr_warn("cannot stat '%s': %s", path, strerror(-err));
		return err;
	}
	if (!S_ISREG(stbuf.st_mode)) {
		pr_warn("'%s' is not a regular file", path);
		return -EINVAL;
	}
	if (stbuf.st_size == 0) {
		pr_warn("'%s' is empty", path);
		return -EINVAL;
	}
	/* Writable private pages: libelf may convert in place; the file never changes. */
	p = mmap(NULL, stbuf.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		pr_warn("cannot map '%s': %s", path, strerror(-err));
		return err;
	}
	*data = p;
	*size = stbuf.st_size;
	return 0;
}

int file_map(const char *path, const void **data, size_t *size)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("cannot open '%s': %s", path, strerror(errno));
		return err;
	}
	err = file_map_fd(fd, path, data, size);
	close(fd);
	return err;
}

void file_unmap(const void *data, size_t size)
{
	if (data)
		munmap((void *)data, size);
}

static void read_notes(Elf_Data *d, struct ga_binid *id)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)d->d_buf + name_off;
		const unsigned char *desc = (const unsigned char *)d->d_buf + desc_off;

		/* The Go linker writes the owner as "Go\0\0" (n_namesz 4). */
		if ((nh.n_namesz == 3 || nh.n_namesz == 4) && !memcmp(name, "Go", 3) &&
		    nh.n_type == GO_NOTE_TYPE_BUILDID &&
		    nh.n_descsz < sizeof(id->go_build_id)) {
			memcpy(id->go_build_id, desc, nh.n_descsz);
			id->go_build_id[nh.n_descsz] = '\0';
		} else if (nh.n_namesz == 4 && !memcmp(name, "GNU", 4) && nh.n_type == NT_GNU_BUILD_ID &&
			   nh.n_descsz < sizeof(id->gnu_build_id) / 2) {
			size_t i;

			for (i = 0; i < nh.n_descsz; i++)
				sprintf(id->gnu_build_id + 2 * i, "%02x", desc[i]);
		}
	}
}

static int read_notes_of(const void *data, size_t size, struct ga_binid *id);

int binid_from_mem(const void *data, size_t size, struct ga_binid *id)
{
	memset(id, 0, sizeof(*id));
	id->size = size;
	sha256_hex(data, size, id->sha256);
	return read_notes_of(data, size, id);
}

int binid_hash_file(const char *path, uint64_t expect_size, char sha256[SHA256_HEX_LEN])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_LEN];
	struct sha256_ctx ctx;
	uint64_t total = 0;
	size_t bufsz = 1 << 20;
	uint8_t *buf;
	ssize_t n;
	int fd, err = 0, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("cannot open '%s': %s", path, strerror(errno));
		return err;
	}
	buf = malloc(bufsz);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	sha256_init(&ctx);
	while ((n = read(fd, buf, bufsz)) > 0) {
		sha256_update(&ctx, buf, n);
		total += n;
	}
	if (n < 0) {
		err = -errno;
		pr_warn("cannot read '%s': %s", path, strerror(errno));
	} else if (total != expect_size) {
		err = -EAGAIN;
		pr_warn("'%s' changed while being read", path);
	}
	free(buf);
	close(fd);
	if (err)
		return err;
	sha256_final(&ctx, digest);
	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		sha256[2 * i] = hex[digest[i] >> 4];
		sha256[2 * i + 1] = hex[digest[i] & 15];
	}
	sha256[2 * SHA256_DIGEST_LEN] = '\0';
	return 0;
}

int binid_from_mapped(const char *path, const void *data, size_t size, struct ga_binid *id)
{
	int err;

	memset(id, 0, sizeof(*id));
	id->size = size;
	err = binid_hash_file(path, size, id->sha256);
	return err ?: read_notes_of(data, size, id);
}

static int read_notes_of(const void *data, size_t size, struct ga_binid *id)
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	size_t i, nphdr;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, size);
	if (!elf)
		return 0;	/* not ELF: identified by size and hash only */
	if (elf_kind(elf) != ELF_K_ELF)
		goto out_end;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (d)
			read_notes(d, id);
	}
	/* Section headers may be gone (sstrip): fall back to PT_NOTE segments. */
	if (!id->go_build_id[0] && !id->gnu_build_id[0] && !elf_getphdrnum(elf, &nphdr)) {
		for (i = 0; i < nphdr; i++) {
			GElf_Phdr ph;
			Elf_Data *d;

			if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_NOTE)
				continue;
			d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
			if (d)
				read_notes(d, id);
		}
	}
out_end:
	elf_end(elf);
	return 0;
}

int binid_from_file(const char *path, struct ga_binid *id)
{
	const void *data;
	size_t size;
	int err;

	err = file_map(path, &data, &size);
	if (err)
		return err;
	err = binid_from_mem(data, size, id);
	file_unmap(data, size);
	return err;
}

int binid_notes_from_file(const char *path, struct ga_binid *id)
{
	const void *data;
	size_t size;
	int err;

	memset(id, 0, sizeof(*id));
	err = file_map(path, &data, &size);
	if (err)
		return err;
	id->size = size;
	err = read_notes_of(data, size, id);
	file_unmap(data, size);
	return err;
}
