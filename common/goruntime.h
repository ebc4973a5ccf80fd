/* SPDX-License-Identifier: MIT */
/*
 * Go runtime layout facts and version gates, in one place: which ABI a
 * release uses, where the runtime keeps g and what goattach reads of it,
 * how runtime type descriptors and their names are laid out, and the
 * instruction patterns of Go's own code that tell where g lives. The
 * pclntab format (tables, _func, moduledata words) is the pclntab
 * reader's; naming rules of Go symbols are in goname.h.
 *
 * Each fact names the Go source it comes from; a fact that differs
 * between releases is a function of the version, never a literal at the
 * place it is used.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Parse "go1.19.8" / "go1.21rc2" / "devel go1.22-abc": 0 and major/minor, or -EINVAL. */
int go_version_parse(const char *v, int *major, int *minor);

/*
 * The minor version of a build: from its Go version string, else dated by
 * its pclntab format ("1.20" -> 20, "1.18" -> 18, "1.16" -> 16, else 0).
 */
int go_minor_of(const char *go_version, const char *pclntab_format);

/* --- calling convention and compiler metadata (cmd/compile/abi-internal.md) --- */

/* The ABI compiled Go code uses: registers on amd64 since 1.17, arm64 since 1.18. */
enum ga_abi go_default_abi(enum ga_arch arch, const char *go_version, const char *pclntab_format);

/* runtime/symtab.go (Go 1.19+): funcFlag_ASM marks assembly functions. */
#define GO_FUNCFLAG_ASM 0x4
/* Does the pclntab's funcFlag carry the assembly bit (Go 1.19+ tables)? */
bool go_has_asm_flag(const char *go_version, const char *pclntab_format);

/* Does the compiler write FUNCDATA_ArgInfo (Go 1.17+)? */
bool go_has_arginfo(const char *go_version, const char *pclntab_format);

/*
 * FUNCDATA_ArgInfo byte code (runtime/traceback.go printArgs,
 * cmd/compile/internal/ssagen EmitArgInfo): (offset, size) pairs from the
 * start of the argument area, and these markers.
 */
#define GO_ARGINFO_END 0xff
#define GO_ARGINFO_START_AGG 0xfe
#define GO_ARGINFO_END_AGG 0xfd
#define GO_ARGINFO_DOTDOTDOT 0xfc	/* more words follow that are not described */
#define GO_ARGINFO_OFFSET_TOO_LARGE 0xfb
/* (maxDepth*3+2)*limit+1 bytes at most (runtime/traceback.go) */
#define GO_ARGINFO_MAX_LEN 171

/*
 * The bytes between SP at entry and the first argument slot that the
 * compiler counts in frame offsets (cmd/internal/sys/arch.go
 * FixedFrameSize): 8 on arm64, whose 0(RSP) is the saved-LR slot; 0 on
 * amd64 and 386, whose return address is below the CFA instead.
 */
int go_fixed_frame_size(enum ga_arch arch);

/*
 * Does a method of a generic type, compiled for a shape, take its
 * receiver before its dictionary? The unified IR frontend passes
 * "receiver (if any), then runtime dictionary, and finally normal
 * parameters" (cmd/compile/internal/noder/reader.go, Go 1.21:1294 ...
 * 1.27:1469); it is the default from Go 1.20 and the only frontend from
 * 1.21 (noder.go). Go 1.18/1.19's frontend adds the dictionary "as the
 * very first parameter" and makes the receiver the next one
 * (noder/stencil.go, 1.19:794-800). goexperiment is the build's
 * GOEXPERIMENT setting (NULL: none): "unified" / "nounified" picks the
 * frontend of 1.18-1.20 (1.19's unified IR stencils every instantiation
 * and passes no dictionary at all). Plain generic functions take the
 * dictionary first in every version.
 */
bool go_generic_method_dict_after_receiver(const char *go_version, const char *pclntab_format,
					   const char *goexperiment);

/* --- where g lives (runtime/go_tls.h, cmd/link, cmd/compile/internal/amd64/ssa.go) --- */

/* amd64 on Linux keeps g at -8(FS) for ABI0 code. */
#define GO_AMD64_TLS_G_OFF (-8)

/*
 * Go code entered through ABI0 (cgo stubs, ABI wrappers) loads the g
 * register itself first: MOVQ (TLS), R14 = mov r14, qword ptr fs:[-8].
 */
bool go_amd64_loads_g_from_tls(const uint8_t *code, size_t size);

/*
 * 386 code loads g with "MOVL 0(GS), r; MOVL off(r), r" (the TLS block's
 * self pointer, then g at a small negative offset: -4 when Go links
 * itself). Read off from the binary's own code: 0 and *off, -ENOENT when
 * no such load is found, -EINVAL when two disagree.
 */
int go_386_tls_g_off(const uint8_t *data, size_t size, int *off);

/* --- runtime.g (runtime/runtime2.go) --- */

/*
 * The fields of runtime.g goattach reads, as offsets from g (-1 unknown).
 * Each comes from DWARF, the binary's own type descriptor of runtime.g or
 * a checked table (runtime_facts rows "g.goid", "g.stack.hi",
 * "g.sched.sp", "g.atomicstatus").
 */
struct go_g_layout {
	int stack_hi_off;	/* g.stack.hi */
	int sched_sp_off;	/* g.sched.sp */
	int goid_off;		/* g.goid */
	int status_off;		/* g.atomicstatus (uint32) */
};

/*
 * The offsets of b (a build from the DB or the analyzer): the stored ones,
 * and for those it lacks the rule that held in every release checked
 * (1.19-1.27): stack{lo, hi}, stackguard0, stackguard1, _panic, _defer,
 * m, sched{sp, ...}; atomicstatus 8 bytes before goid.
 */
void go_g_layout(const struct ga_build *b, struct go_g_layout *out);

/* The member paths of runtime.g behind each field of struct go_g_layout. */
#define GO_G_STACK_HI "stack.hi"
#define GO_G_SCHED_SP "sched.sp"
#define GO_G_GOID "goid"
#define GO_G_STATUS "atomicstatus"

/* g.atomicstatus values (runtime2.go _Grunnable ...) */
#define GO_G_STATUS_RUNNABLE 1
#define GO_G_STATUS_WAITING 4
#define GO_G_STATUS_DEAD 6
#define GO_G_STATUS_PREEMPTED 9
#define GO_G_STATUS_SCAN 0x1000

/*
 * The offset of runtime.g.goid from a table of rows each checked against
 * the DWARF of a binary of that version and GOARCH. 0 and *off / *source
 * (static), or -ENOENT for versions no row covers.
 */
int go_goid_offset_table(const char *go_version, enum ga_arch arch, int *off, const char **source);

/* --- runtime type descriptors (runtime/type.go; internal/abi/type.go from Go 1.21) --- */

/*
 * runtime._type (internal/abi.Type): size, ptrdata (uintptr each), hash
 * (uint32), tflag, align, fieldAlign, kind (bytes), equal, gcdata
 * (pointers), str (nameOff, int32 from moduledata.types), ptrToThis; the
 * same from Go 1.14 to 1.27. The kind-specific fields follow it:
 * PtrType.Elem; StructType.PkgPath, Fields (a slice of StructField
 * {Name, Typ, Offset}, a word each). itab: inter, _type.
 */
struct go_rtype_layout {
	int tflag_off;
	int kind_off;
	int str_off;		/* nameOff of the type's name */
	int min_size;		/* bytes to read to reach str */
	int size;		/* the whole header: where kind-specific fields start */
	int itab_type_off;	/* itab._type */
	bool name_varint;	/* name length as a varint (Go 1.17+) or 2 bytes big-endian */
	/*
	 * StructField.Offset holds offset<<1 | embedded in Go 1.9-1.18
	 * (offsetEmbed; 1.19 stores the offset, src-1.19/runtime/type.go:416):
	 * 1, 0, or -1 when the version is unknown.
	 */
	int field_offset_embed;
	/*
	 * The kind-specific fields of a MapType, padded to a word: Key,
	 * Elem, Bucket, Hasher, 4 bytes of sizes and Flags up to Go 1.23
	 * (src-1.19/runtime/type.go:356); Key, Elem, Group, Hasher,
	 * GroupSize, SlotSize, ElemOff and Flags in the swiss maps of
	 * 1.24-1.26 (src-1.24/internal/abi/map_swiss.go:32); ten words and
	 * Flags in 1.27 (src-1.27/internal/abi/map.go:32). The newest when
	 * the version is unknown; GOEXPERIMENT=noswissmap (1.24, 1.25) is
	 * not told apart.
	 */
	int map_type_size;
};

void go_rtype_layout(const char *go_version, int ptr_size, struct go_rtype_layout *out);

/*
 * Kind_: the kind in the low 5 bits; up to Go 1.25 flags above them
 * (KindDirectIface 0x20, KindGCProg 0x40), from 1.26 the bare kind and
 * TFlagDirectIface (src-1.26/internal/abi/type.go:126).
 */
#define GO_KIND_MASK 0x1f
#define GO_KIND_PTR 22
#define GO_KIND_STRUCT 25
#define GO_KIND_UNSAFE_PTR 26	/* the largest kind */

/* tflagUncommon: an UncommonType (16 bytes) follows the kind-specific fields. */
#define GO_TFLAG_UNCOMMON 0x1

/*
 * More kinds (reflect.Kind, the same numbers in every release:
 * src-1.19/runtime/typekind.go, src-1.27/internal/abi/type.go:52).
 */
#define GO_KIND_BOOL 1
#define GO_KIND_INT 2		/* Int, Int8 ... Int64: 2-6 */
#define GO_KIND_INT64 6
#define GO_KIND_UINT 7		/* Uint, Uint8 ... Uint64, Uintptr: 7-12 */
#define GO_KIND_UINTPTR 12
#define GO_KIND_FLOAT32 13
#define GO_KIND_FLOAT64 14
#define GO_KIND_COMPLEX64 15
#define GO_KIND_COMPLEX128 16
#define GO_KIND_ARRAY 17
#define GO_KIND_CHAN 18
#define GO_KIND_FUNC 19
#define GO_KIND_INTERFACE 20
#define GO_KIND_MAP 21
#define GO_KIND_SLICE 23
#define GO_KIND_STRING 24

/*
 * UncommonType (runtime/type.go uncommontype; internal/abi from 1.21,
 * the same in 1.9-1.27): PkgPath nameOff int32, Mcount, Xcount uint16,
 * Moff uint32 (from the UncommonType to its [Mcount]Method), 4 unused
 * bytes. Method: Name nameOff, Mtyp typeOff, Ifn, Tfn textOff, int32
 * each; typeOff and textOff -1 (or 0 for Mtyp) when the linker dropped
 * them (cmd/link/internal/ld deadcode: only methods reachable through
 * an interface or reflection keep them).
 */
#define GO_UNCOMMON_SIZE 16
#define GO_UNCOMMON_MCOUNT_OFF 4
#define GO_UNCOMMON_MOFF_OFF 8
#define GO_METHOD_SIZE 16

/*
 * FuncType: InCount, OutCount uint16 after the header, padded to a
 * word, the UncommonType when there is one, then [InCount+OutCount]*Type.
 * OutCount's top bit marks a variadic function.
 */
#define GO_FUNC_OUTCOUNT_MASK 0x7fff

/*
 * Where the UncommonType of descriptor t (avail bytes, kind-specific
 * fields included) starts: the size of its kind's type struct. 0 and
 * *off, -EINVAL for an unknown kind or when t is too short.
 */
int go_rtype_uncommon_off(const struct go_rtype_layout *l, int ptr_size, const uint8_t *t,
			  uint64_t avail, uint64_t *off);

/*
 * The bytes a type descriptor takes (Go 1.27 (*abi.Type).DescriptorSize,
 * src-1.27/internal/abi/type.go:750): header and kind-specific fields,
 * uncommon type, trailing data (struct fields, func in/out, interface
 * methods), methods. For walking [types+ptrsize, types+typedesclen) of a
 * 1.27+ binary. 0 and *size, -EINVAL for an unknown kind or when t (avail
 * bytes) is too short.
 */
int go_rtype_descriptor_size(const struct go_rtype_layout *l, int ptr_size, const uint8_t *t,
			     uint64_t avail, uint64_t *size);

/* tflagExtraStar: the name has a '*' of its own that is not the type's. */
#define GO_TFLAG_EXTRA_STAR 0x2
/* tflagNamed: a defined type ("pkg.T"), whose UncommonType names its package path. */
#define GO_TFLAG_NAMED 0x4
/* A name's flags byte: an embedded struct field, Go 1.19+ (src-1.19/runtime/type.go:442). */
#define GO_NAME_EMBEDDED 0x8

/*
 * A runtime name (runtime/type.go name): a flags byte, then its length
 * (varint or 2 bytes big-endian) and bytes. The header length in *hdr and
 * the byte length in *len; -EINVAL when p (avail bytes) is too short for
 * the header.
 */
int go_name_header(const uint8_t *p, size_t avail, bool varint, size_t *hdr, uint64_t *len);
