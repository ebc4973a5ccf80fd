// SPDX-License-Identifier: MIT
/*
 * Go's DWARF (cmd/link/internal/ld/dwarf.go): every type DIE carries
 * DW_AT_go_kind (reflect.Kind); strings, slices and interfaces are
 * structures with known member names; results are formal parameters with
 * DW_AT_variable_parameter set. Go's own attributes (cmd/internal/dwarf
 * dwarf.go, the same numbers in 1.19 and 1.26, and in libdwarf's dwarf.h)
 * name what the layout hides: DW_AT_go_elem (0x2902) a slice's or chan's
 * element and a map's value, DW_AT_go_key (0x2901) a map's key, and
 * DW_AT_go_embedded_field (0x2903) an embedded struct field. A map or a
 * chan is a typedef of a pointer to the runtime's internal struct
 * (synthesizemaptypes, synthesizechantypes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>

#include "dwarf.h"
#include "log.h"
#include "typemap.h"
#include "util.h"

/* reflect.Kind values, as in src/reflect/type.go. */
enum go_kind {
	GOK_BOOL = 1, GOK_INT = 2, GOK_INT64 = 6, GOK_UINT = 7, GOK_UINTPTR = 12,
	GOK_FLOAT32 = 13, GOK_FLOAT64 = 14, GOK_COMPLEX64 = 15, GOK_COMPLEX128 = 16,
	GOK_ARRAY = 17, GOK_CHAN = 18, GOK_FUNC = 19, GOK_INTERFACE = 20, GOK_MAP = 21,
	GOK_PTR = 22, GOK_SLICE = 23, GOK_STRING = 24, GOK_STRUCT = 25, GOK_UNSAFEPTR = 26,
};

/* Types nest this deep at most; deeper means a cycle or a hostile file. */
#define TYPE_MAX_DEPTH 32

struct subprog {
	uint64_t lowpc;
	Dwarf_Off off;
};

struct gdwarf {
	int fd;
	Dwarf_Debug dbg;
	int goid_offset;
	struct subprog *subs;
	size_t nsubs, subs_cap;
	struct typemap types;	/* by DIE offset */
};

static void dwarf_err_ignore(Dwarf_Error err, Dwarf_Ptr arg)
{
	(void)err;
	(void)arg;
}

static bool die_attr_udata(Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *v)
{
	Dwarf_Attribute attr;
	bool ok;

	if (dwarf_attr(die, at, &attr, NULL) != DW_DLV_OK)
		return false;
	ok = dwarf_formudata(attr, v, NULL) == DW_DLV_OK;
	dwarf_dealloc_attribute(attr);
	return ok;
}

static bool die_attr_flag(Dwarf_Die die, Dwarf_Half at)
{
	Dwarf_Attribute attr;
	Dwarf_Bool v = 0;

	if (dwarf_attr(die, at, &attr, NULL) != DW_DLV_OK)
		return false;
	if (dwarf_formflag(attr, &v, NULL) != DW_DLV_OK)
		v = 0;
	dwarf_dealloc_attribute(attr);
	return v;
}

static bool die_attr_ref(Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off)
{
	Dwarf_Attribute attr;
	bool ok;

	if (dwarf_attr(die, at, &attr, NULL) != DW_DLV_OK)
		return false;
	ok = dwarf_global_formref(attr, off, NULL) == DW_DLV_OK;
	dwarf_dealloc_attribute(attr);
	return ok;
}

static const char *die_name(Dwarf_Die die)
{
	char *name = NULL;

	if (dwarf_diename(die, &name, NULL) != DW_DLV_OK)
		return NULL;
	return name;	/* points into .debug_str: no need to free */
}

static int add_subprog(struct gdwarf *dw, uint64_t lowpc, Dwarf_Off off)
{
	if (ga_ensure_mem((void **)&dw->subs, &dw->subs_cap, dw->nsubs + 1, sizeof(*dw->subs)))
		return -ENOMEM;
	dw->subs[dw->nsubs++] = (struct subprog){ .lowpc = lowpc, .off = off };
	return 0;
}

static void scan_goid(struct gdwarf *dw, Dwarf_Die g_die)
{
	Dwarf_Die child, next;

	if (dwarf_child(g_die, &child, NULL) != DW_DLV_OK)
		return;
	while (child) {
		const char *name = die_name(child);
		Dwarf_Unsigned off;

		if (name && !strcmp(name, "goid") &&
		    die_attr_udata(child, DW_AT_data_member_location, &off))
			dw->goid_offset = off;
		if (dwarf_siblingof_b(dw->dbg, child, true, &next, NULL) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(child);
		child = next;
	}
}

static int cmp_subprog(const void *a, const void *b)
{
	const struct subprog *x = a, *y = b;

	return x->lowpc < y->lowpc ? -1 : x->lowpc > y->lowpc;
}

static int scan_cus(struct gdwarf *dw)
{
	Dwarf_Unsigned next_cu = 0;
	int rc, err;

	for (;;) {
		Dwarf_Die cu = NULL, child, next;

		rc = dwarf_next_cu_header_d(dw->dbg, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
					    NULL, &next_cu, NULL, NULL);
		if (rc == DW_DLV_NO_ENTRY)
			break;
		if (rc != DW_DLV_OK)
			return -EINVAL;
		if (dwarf_siblingof_b(dw->dbg, NULL, true, &cu, NULL) != DW_DLV_OK)
			return -EINVAL;
		if (dwarf_child(cu, &child, NULL) != DW_DLV_OK)
			child = NULL;
		while (child) {
			Dwarf_Half tag = 0;

			dwarf_tag(child, &tag, NULL);
			if (tag == DW_TAG_subprogram) {
				Dwarf_Addr lowpc;
				Dwarf_Off off;

				if (dwarf_lowpc(child, &lowpc, NULL) == DW_DLV_OK &&
				    dwarf_dieoffset(child, &off, NULL) == DW_DLV_OK) {
					err = add_subprog(dw, lowpc, off);
					if (err) {
						dwarf_dealloc_die(child);
						dwarf_dealloc_die(cu);
						return err;
					}
				}
			} else if (tag == DW_TAG_structure_type && dw->goid_offset < 0) {
				const char *name = die_name(child);

				if (name && !strcmp(name, "runtime.g"))
					scan_goid(dw, child);
			}
			if (dwarf_siblingof_b(dw->dbg, child, true, &next, NULL) != DW_DLV_OK)
				next = NULL;
			dwarf_dealloc_die(child);
			child = next;
		}
		dwarf_dealloc_die(cu);
	}
	qsort(dw->subs, dw->nsubs, sizeof(*dw->subs), cmp_subprog);
	return 0;
}

struct gdwarf *gdwarf__open(const char *path)
{
	struct gdwarf *dw;
	int rc, err;

	dw = calloc(1, sizeof(*dw));
	if (!dw) {
		errno = ENOMEM;
		return NULL;
	}
	dw->goid_offset = -1;
	dw->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dw->fd < 0) {
		err = -errno;
		pr_warn("dwarf: cannot open '%s': %s", path, strerror(errno));
		goto out_free;
	}
	rc = dwarf_init_b(dw->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, dwarf_err_ignore, NULL, &dw->dbg,
			  NULL);
	if (rc == DW_DLV_NO_ENTRY) {
		err = -ENOENT;
		goto out_free;
	}
	if (rc != DW_DLV_OK) {
		pr_warn("dwarf: cannot read the DWARF of '%s'; continuing without types", path);
		err = -EINVAL;
		goto out_free;
	}
	err = scan_cus(dw);
	if (err) {
		pr_warn("dwarf: corrupt .debug_info in '%s'; continuing without types", path);
		goto out_free;
	}
	return dw;

out_free:
	gdwarf__free(dw);
	errno = -err;
	return NULL;
}

/* Field types are cached types, freed on their own. */

void gdwarf__free(struct gdwarf *dw)
{
	if (!dw)
		return;
	typemap_clear(&dw->types, gotype_free);
	free(dw->subs);
	if (dw->dbg)
		dwarf_finish(dw->dbg, NULL);
	if (dw->fd >= 0)
		close(dw->fd);
	free(dw);
}

void gdwarf__params_free(struct gdwarf *dw, const struct goparam *params)
{
	(void)dw;
	free((void *)params);
}

int gdwarf__goid_offset(const struct gdwarf *dw)
{
	return dw->goid_offset;
}

/* --- type cache --- */

static int cache_put(struct gdwarf *dw, Dwarf_Off off, struct gotype *t)
{
	return typemap_put(&dw->types, off, t);
}

static struct gotype *cache_get(const struct gdwarf *dw, Dwarf_Off off)
{
	return typemap_get(&dw->types, off);
}

static struct gotype *resolve_type(struct gdwarf *dw, Dwarf_Off off, int depth);

static int read_struct_fields(struct gdwarf *dw, Dwarf_Die die, struct gotype *t, int depth)
{
	Dwarf_Die child, next;
	size_t cap = 0;

	if (dwarf_child(die, &child, NULL) != DW_DLV_OK)
		return 0;
	while (child) {
		Dwarf_Half tag = 0;
		Dwarf_Unsigned moff = 0;
		Dwarf_Off toff;

		dwarf_tag(child, &tag, NULL);
		if (tag == DW_TAG_member && die_attr_ref(child, DW_AT_type, &toff)) {
			struct gotype *ft = resolve_type(dw, toff, depth + 1);
			const char *name = die_name(child);

			if (!ft) {
				dwarf_dealloc_die(child);
				return -EINVAL;
			}
			die_attr_udata(child, DW_AT_data_member_location, &moff);
			if (ga_ensure_mem((void **)&t->fields, &cap, t->nfields + 1, sizeof(*t->fields))) {
				dwarf_dealloc_die(child);
				return -ENOMEM;
			}
			t->fields[t->nfields++] = (struct gofield){
				.name = strdup(name ? name : "_"), .offset = moff, .type = ft,
				.embedded = die_attr_flag(child, DW_AT_go_embedded_field),
			};
		}
		if (dwarf_siblingof_b(dw->dbg, child, true, &next, NULL) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(child);
		child = next;
	}
	return 0;
}

static uint64_t array_count(struct gdwarf *dw, Dwarf_Die die)
{
	Dwarf_Die child, next;
	Dwarf_Unsigned v = 0;
	uint64_t count = 0;

	if (dwarf_child(die, &child, NULL) != DW_DLV_OK)
		return 0;
	while (child) {
		Dwarf_Half tag = 0;

		dwarf_tag(child, &tag, NULL);
		if (tag == DW_TAG_subrange_type) {
			if (die_attr_udata(child, DW_AT_count, &v))
				count = v;
			else if (die_attr_udata(child, DW_AT_upper_bound, &v))
				count = v + 1;
		}
		if (dwarf_siblingof_b(dw->dbg, child, true, &next, NULL) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(child);
		child = next;
	}
	return count;
}

static enum ga_kind kind_from_go(Dwarf_Unsigned gk, bool *is_signed)
{
	*is_signed = false;
	if (gk == GOK_BOOL)
		return GA_KIND_BOOL;
	if (gk >= GOK_INT && gk <= GOK_INT64) {
		*is_signed = true;
		return GA_KIND_INT;
	}
	if (gk >= GOK_UINT && gk <= GOK_UINTPTR)
		return GA_KIND_UINT;
	if (gk == GOK_FLOAT32 || gk == GOK_FLOAT64)
		return GA_KIND_FLOAT;
	if (gk == GOK_COMPLEX64 || gk == GOK_COMPLEX128)
		return GA_KIND_COMPLEX;
	switch (gk) {
	case GOK_ARRAY: return GA_KIND_ARRAY;
	case GOK_CHAN: case GOK_FUNC: case GOK_MAP: case GOK_PTR: case GOK_UNSAFEPTR:
		return GA_KIND_PTR;
	case GOK_INTERFACE: return GA_KIND_IFACE;
	case GOK_SLICE: return GA_KIND_SLICE;
	case GOK_STRING: return GA_KIND_STRING;
	case GOK_STRUCT: return GA_KIND_STRUCT;
	default: return GA_KIND_UNKNOWN;
	}
}

static enum ga_kind kind_from_base(Dwarf_Die die, bool *is_signed)
{
	Dwarf_Unsigned enc = 0;

	*is_signed = false;
	die_attr_udata(die, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean: return GA_KIND_BOOL;
	case DW_ATE_signed: case DW_ATE_signed_char:
		*is_signed = true;
		return GA_KIND_INT;
	case DW_ATE_unsigned: case DW_ATE_unsigned_char: return GA_KIND_UINT;
	case DW_ATE_float: return GA_KIND_FLOAT;
	case DW_ATE_complex_float: return GA_KIND_COMPLEX;
	default: return GA_KIND_UNKNOWN;
	}
}

static struct gotype *resolve_type(struct gdwarf *dw, Dwarf_Off off, int depth)
{
	struct gotype *t, *target = NULL;
	Dwarf_Unsigned gk = 0, size = 0;
	Dwarf_Half tag = 0;
	Dwarf_Off toff;
	Dwarf_Die die;
	const char *name;
	bool has_gk;
	int err = 0;

	t = cache_get(dw, off);
	if (t)
		return t;
	if (depth > TYPE_MAX_DEPTH)
		return NULL;
	if (dwarf_offdie_b(dw->dbg, off, true, &die, NULL) != DW_DLV_OK)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		goto out_die;
	dwarf_tag(die, &tag, NULL);
	name = die_name(die);
	t->name = strdup(name ? name : "?");
	has_gk = die_attr_udata(die, DW_AT_go_kind, &gk);
	if (dwarf_bytesize(die, &size, NULL) == DW_DLV_OK)
		t->size = size;

	if (tag == DW_TAG_typedef) {
		/* Named types and interfaces: take the layout of the target. */
		if (die_attr_ref(die, DW_AT_type, &toff))
			target = resolve_type(dw, toff, depth + 1);
		if (!target) {
			err = -EINVAL;
			goto out_die;
		}
		/* a type parameter (".param0") is shown as the shape it stands for */
		if (!strncmp(t->name, ".param", 6)) {
			char *tn = strdup(target->name);

			if (tn) {
				free((char *)t->name);
				t->name = tn;
			}
		}
		t->kind = target->kind;
		t->size = target->size;
		t->is_signed = target->is_signed;
		t->count = target->count;
		t->elem = target->elem;
		t->pointee_off = target->pointee_off;
		t->ptr_kind = target->ptr_kind;
		t->elem_ref = target->elem_ref;
		t->key_ref = target->key_ref;
		t->fields = target->fields;
		t->nfields = target->nfields;
		t->shares_fields = true;
		if (has_gk && gk == GOK_INTERFACE)
			t->kind = !strcmp(target->name, "runtime.eface") ? GA_KIND_EFACE : GA_KIND_IFACE;
		else if (has_gk && (gk == GOK_MAP || gk == GOK_CHAN || gk == GOK_FUNC))
			t->kind = GA_KIND_PTR;
		/*
		 * A map or chan: the typedef's target is the runtime's struct
		 * (*map<K,V>, *hchan<T>), not what Go's type holds. pointee_off
		 * stays that struct (--deref shows its header words).
		 */
		if (has_gk && gk == GOK_MAP) {
			t->ptr_kind = GO_PTR_MAP;
			t->elem_ref = die_attr_ref(die, DW_AT_go_elem, &toff) ? toff : 0;
			t->key_ref = die_attr_ref(die, DW_AT_go_key, &toff) ? toff : 0;
		} else if (has_gk && gk == GOK_CHAN) {
			t->ptr_kind = GO_PTR_CHAN;
			t->elem_ref = die_attr_ref(die, DW_AT_go_elem, &toff) ? toff : 0;
			t->key_ref = 0;
		} else if (has_gk && gk == GOK_FUNC) {
			t->ptr_kind = GO_PTR_FUNC;
		}
	} else {
		bool is_signed = false;

		t->kind = has_gk ? kind_from_go(gk, &is_signed) : GA_KIND_UNKNOWN;
		if (t->kind == GA_KIND_UNKNOWN) {
			switch (tag) {
			case DW_TAG_base_type:
				t->kind = kind_from_base(die, &is_signed);
				break;
			case DW_TAG_pointer_type:
			case DW_TAG_subroutine_type:
				t->kind = GA_KIND_PTR;
				break;
			case DW_TAG_structure_type:
				t->kind = GA_KIND_STRUCT;
				break;
			case DW_TAG_array_type:
				t->kind = GA_KIND_ARRAY;
				break;
			default:
				break;
			}
		}
		t->is_signed = is_signed;
		if (t->kind == GA_KIND_PTR && !t->size) {
			/* Go omits DW_AT_byte_size on pointer types. */
			Dwarf_Half asz = 8;

			dwarf_get_die_address_size(die, &asz, NULL);
			t->size = asz;
		}
		if (t->kind == GA_KIND_INT && !is_signed)
			t->kind = GA_KIND_UINT;
		/* a plain pointer: remember its target, resolved only when asked (cycles) */
		if (t->kind == GA_KIND_PTR && tag == DW_TAG_pointer_type &&
		    (!has_gk || gk == GOK_PTR) && die_attr_ref(die, DW_AT_type, &toff))
			t->pointee_off = toff;
		/* unsafe.Pointer is a bare DW_TAG_pointer_type: no DW_AT_go_kind, no target */
		if (t->kind == GA_KIND_PTR)
			t->ptr_kind = (has_gk && gk == GOK_UNSAFEPTR) ||
				      (tag == DW_TAG_pointer_type && !t->pointee_off &&
				       !strcmp(t->name, "unsafe.Pointer")) ? GO_PTR_UNSAFE :
				      has_gk && gk == GOK_MAP ? GO_PTR_MAP :
				      has_gk && gk == GOK_CHAN ? GO_PTR_CHAN :
				      tag == DW_TAG_subroutine_type || (has_gk && gk == GOK_FUNC) ?
				      GO_PTR_FUNC : GO_PTR_PLAIN;
		/* a slice's element: its array field is only a pointer to it */
		if (t->kind == GA_KIND_SLICE && die_attr_ref(die, DW_AT_go_elem, &toff))
			t->elem_ref = toff;
		if (t->kind == GA_KIND_STRUCT) {
			/* Fields first: a cycle through a struct needs a pointer, which stops here. */
			err = read_struct_fields(dw, die, t, depth);
		} else if (t->kind == GA_KIND_ARRAY) {
			t->count = array_count(dw, die);
			if (die_attr_ref(die, DW_AT_type, &toff))
				t->elem = resolve_type(dw, toff, depth + 1);
			if (!t->elem)
				err = -EINVAL;
		}
	}
out_die:
	dwarf_dealloc_die(die);
	if (!t)
		return NULL;
	if (err || cache_put(dw, off, t)) {
		gotype_free(t);
		return NULL;
	}
	return t;
}

/*
 * One location expression of a parameter: Go 1.17+ emits DW_OP_regN /
 * DW_OP_regx with DW_OP_piece for register arguments, and frame-relative
 * expressions for stack ones.
 */
static void read_location_expr(Dwarf_Locdesc_c desc, Dwarf_Unsigned nops, struct goparam *gp)
{
	int pending = -1;	/* register named since the last piece, -1 none */
	bool any = false;
	Dwarf_Unsigned j;

	gp->loc = GOPARAM_LOC_REGS;
	gp->nloc_regs = 0;
	gp->loc_piece_bytes = 0;
	gp->cfa_known = false;
	gp->cfa_off = 0;
	for (j = 0; j < nops; j++) {
		Dwarf_Small atom = 0;
		Dwarf_Unsigned op1 = 0, op2, op3, branch;

		if (dwarf_get_location_op_value_c(desc, j, &atom, &op1, &op2, &op3, &branch,
						  NULL) != DW_DLV_OK)
			break;
		if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			pending = atom - DW_OP_reg0;
		} else if (atom == DW_OP_regx) {
			pending = op1;
		} else if (atom == DW_OP_piece) {
			/* a piece with no location before it: that part is gone (-1) */
			if (gp->nloc_regs < GOPARAM_MAX_LOC)
				gp->loc_regs[gp->nloc_regs++] = pending;
			gp->loc_piece_bytes += op1;
			any |= pending >= 0;
			pending = -1;
		} else if ((atom == DW_OP_call_frame_cfa || atom == DW_OP_fbreg) && j == 0) {
			/* Go's frame base is the CFA: SP at entry + the return address */
			gp->loc = GOPARAM_LOC_STACK;
			gp->cfa_off = atom == DW_OP_fbreg ? (int64_t)op1 : 0;
			gp->cfa_known = nops == 1 || (nops == 2 && j == 0 &&
				dwarf_get_location_op_value_c(desc, 1, &atom, &op1, &op2, &op3, &branch,
							      NULL) == DW_DLV_OK &&
				atom == DW_OP_piece);
			if (nops == 2 && gp->cfa_known)
				gp->loc_piece_bytes = op1;
			break;
		} else if (atom == DW_OP_call_frame_cfa || atom == DW_OP_fbreg ||
			   (atom >= DW_OP_breg0 && atom <= DW_OP_breg31)) {
			gp->loc = GOPARAM_LOC_STACK;
			break;
		} else {
			gp->loc = GOPARAM_LOC_UNKNOWN;	/* something we do not compare */
			gp->nloc_regs = 0;
			break;
		}
	}
	/* a lone register without pieces: the whole value */
	if (gp->loc == GOPARAM_LOC_REGS && pending >= 0 && !gp->nloc_regs) {
		gp->loc_regs[gp->nloc_regs++] = pending;
		any = true;
	}
	if (gp->loc == GOPARAM_LOC_REGS && !any)
		gp->nloc_regs = 0;
	if (gp->loc == GOPARAM_LOC_REGS && !gp->nloc_regs)
		gp->loc = GOPARAM_LOC_UNKNOWN;
}

/*
 * The location of a parameter at entry. A single expression holds
 * everywhere. A list (DWARF 4 .debug_loc; DWARF 5 .debug_loclists, which
 * Go writes from 1.25 as DW_LLE_base_addressx into .debug_addr, then
 * DW_LLE_offset_pair entries) is read through libdwarf's cooked
 * addresses, which apply the base address (and .debug_addr) entries
 * themselves: those, and the end of the list, locate nothing. A
 * DW_LLE_default_location holds where no other entry does.
 */
static void read_entry_location(Dwarf_Die die, uint64_t entry, struct goparam *gp)
{
	Dwarf_Loc_Head_c head = NULL;
	Dwarf_Unsigned count = 0, i;
	Dwarf_Attribute attr;
	unsigned int kind = DW_LKIND_unknown;
	Dwarf_Locdesc_c dflt = NULL;
	Dwarf_Unsigned dflt_nops = 0;

	if (dwarf_attr(die, DW_AT_location, &attr, NULL) != DW_DLV_OK)
		return;
	if (dwarf_get_loclist_c(attr, &head, &count, NULL) != DW_DLV_OK) {
		dwarf_dealloc_attribute(attr);
		return;
	}
	if (dwarf_get_loclist_head_kind(head, &kind, NULL) != DW_DLV_OK ||
	    (kind != DW_LKIND_expression && kind != DW_LKIND_loclist && kind != DW_LKIND_loclists))
		count = 0;	/* GNU .dwo lists: Go writes none */
	for (i = 0; i < count; i++) {
		Dwarf_Small lle = 0, source = 0;
		Dwarf_Unsigned raw_lo = 0, raw_hi = 0, nops = 0, expr_off, desc_off;
		Dwarf_Addr lo = 0, hi = 0;
		Dwarf_Bool no_addr = false;
		Dwarf_Locdesc_c desc;

		if (dwarf_get_locdesc_entry_d(head, i, &lle, &raw_lo, &raw_hi, &no_addr, &lo, &hi,
					      &nops, &desc, &source, &expr_off, &desc_off,
					      NULL) != DW_DLV_OK)
			break;
		if (kind == DW_LKIND_expression) {
			gp->loc_single = true;
			read_location_expr(desc, nops, gp);
			break;
		}
		if (lle == DW_LLE_end_of_list || lle == DW_LLE_base_addressx ||
		    lle == DW_LLE_base_address || no_addr)
			continue;
		if (lle == DW_LLE_default_location) {
			dflt = desc;
			dflt_nops = nops;
			continue;
		}
		if (entry < lo || entry >= hi)
			continue;
		/* an entry that says nothing we compare leaves it to the next one covering entry */
		read_location_expr(desc, nops, gp);
		if (gp->loc != GOPARAM_LOC_UNKNOWN)
			break;
	}
	if (gp->loc == GOPARAM_LOC_UNKNOWN && dflt)
		read_location_expr(dflt, dflt_nops, gp);
	dwarf_loc_head_c_dealloc(head);
	dwarf_dealloc_attribute(attr);
}

int gdwarf__func_params(struct gdwarf *dw, uint64_t entry, const struct goparam **params,
			size_t *n)
{
	struct goparam *arr = NULL, *sorted;
	size_t lo = 0, hi = dw->nsubs, cnt = 0, cap = 0, i, k;
	struct subprog *sp = NULL;
	Dwarf_Die die, child, next;
	int err = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dw->subs[mid].lowpc < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < dw->nsubs && dw->subs[lo].lowpc == entry)
		sp = &dw->subs[lo];
	if (!sp)
		return -ENOENT;
	if (dwarf_offdie_b(dw->dbg, sp->off, true, &die, NULL) != DW_DLV_OK)
		return -EINVAL;
	if (dwarf_child(die, &child, NULL) != DW_DLV_OK)
		child = NULL;
	while (child) {
		Dwarf_Half tag = 0;
		Dwarf_Off toff;

		dwarf_tag(child, &tag, NULL);
		if (tag == DW_TAG_formal_parameter) {
			struct gotype *t = die_attr_ref(child, DW_AT_type, &toff) ?
						   resolve_type(dw, toff, 0) : NULL;
			const char *name = die_name(child);

			if (!t) {
				err = -EINVAL;
			} else if (ga_ensure_mem((void **)&arr, &cap, cnt + 1, sizeof(*arr))) {
				err = -ENOMEM;
			}
			/*
			 * Go 1.19 lists the results of some functions with a defer
			 * twice (internal/poll.(*FD).Write: ~r0 ~r0 ~r1 ~r1): a
			 * named parameter seen already is the same one ("_" repeats).
			 */
			for (i = 0; !err && name && strcmp(name, "_") && i < cnt; i++)
				if (!strcmp(arr[i].name, name) &&
				    arr[i].is_result == die_attr_flag(child, DW_AT_variable_parameter))
					break;
			if (!err && name && strcmp(name, "_") && i < cnt)
				goto next_child;
			if (!err) {
				arr[cnt] = (struct goparam){
					/* names point into .debug_str and live as long as dbg */
					.name = name ? name : "_",
					.type = t,
					.is_result = die_attr_flag(child, DW_AT_variable_parameter),
				};
				if (!arr[cnt].is_result)
					read_entry_location(child, entry, &arr[cnt]);
				cnt++;
			}
		}
next_child:
		if (dwarf_siblingof_b(dw->dbg, child, true, &next, NULL) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(child);
		child = err ? NULL : next;
		if (err && next)
			dwarf_dealloc_die(next);
	}
	dwarf_dealloc_die(die);
	if (err)
		goto out_free;

	/* Arguments before results, each in declaration order. */
	sorted = calloc(cnt ? cnt : 1, sizeof(*sorted));
	if (!sorted) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0, k = 0; i < cnt; i++)
		if (!arr[i].is_result)
			sorted[k++] = arr[i];
	for (i = 0; i < cnt; i++)
		if (arr[i].is_result)
			sorted[k++] = arr[i];
	free(arr);
	*params = sorted;
	*n = cnt;
	return 0;

out_free:
	free(arr);
	return err;
}

const struct gotype *gdwarf__type_at(struct gdwarf *dw, uint64_t off)
{
	return off ? resolve_type(dw, off, 0) : NULL;
}

/* The top-level struct type DIE named name in any CU (every CU header is read, to restart). */
static bool find_struct_die(struct gdwarf *dw, const char *name, Dwarf_Off *out)
{
	Dwarf_Unsigned next_cu = 0;
	bool found = false;

	while (dwarf_next_cu_header_d(dw->dbg, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				      &next_cu, NULL, NULL) == DW_DLV_OK) {
		Dwarf_Die cu = NULL, child = NULL, next;

		if (found || dwarf_siblingof_b(dw->dbg, NULL, true, &cu, NULL) != DW_DLV_OK)
			continue;
		if (dwarf_child(cu, &child, NULL) != DW_DLV_OK)
			child = NULL;
		while (child) {
			Dwarf_Half tag = 0;
			const char *n;

			dwarf_tag(child, &tag, NULL);
			n = tag == DW_TAG_structure_type ? die_name(child) : NULL;
			if (n && !strcmp(n, name) && dwarf_dieoffset(child, out, NULL) == DW_DLV_OK)
				found = true;
			if (found || dwarf_siblingof_b(dw->dbg, child, true, &next, NULL) != DW_DLV_OK)
				next = NULL;
			dwarf_dealloc_die(child);
			child = next;
		}
		dwarf_dealloc_die(cu);
	}
	return found;
}

int gdwarf__member_offsets(struct gdwarf *dw, const char *struct_name, const char *const *paths,
			   size_t n, int *offs)
{
	const struct gotype *st;
	Dwarf_Off off;
	size_t i, k;

	for (i = 0; i < n; i++)
		offs[i] = -1;
	if (!find_struct_die(dw, struct_name, &off) || !(st = resolve_type(dw, off, 0)))
		return -ENOENT;
	for (i = 0; i < n; i++) {
		const struct gotype *t = st;
		const char *p = paths[i];
		uint64_t sum = 0;

		while (t && *p) {
			size_t len = strcspn(p, ".");

			for (k = 0; k < t->nfields; k++)
				if (strlen(t->fields[k].name) == len && !strncmp(t->fields[k].name, p, len))
					break;
			if (k == t->nfields) {
				t = NULL;
				break;
			}
			sum += t->fields[k].offset;
			t = t->fields[k].type;
			p += len + (p[len] == '.');
		}
		if (t && sum <= INT32_MAX)
			offs[i] = sum;
	}
	return 0;
}
