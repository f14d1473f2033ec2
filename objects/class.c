// SPDX-License-Identifier: MIT
/*
 * objects/class.c - classes: declaration rules, instance layout, slab
 * caches, class attributes.
 *
 * Rules checked when a class is declared (docs/DESIGN.md section 5):
 *   5. A subclass's slots are its base's, at the same offsets, then its
 *      own.  Naming a slot twice, or naming a base's slot again, is
 *      OM_EREDECL (CPython only wastes the space; the seeds ask for the
 *      check).  A dict or weakref field a base has is inherited; a class
 *      without __slots__ has both (CPython's add_dict, add_weak).
 *   9. Over a variable-size base only empty __slots__ are accepted
 *      (CPython's "nonempty __slots__ not supported for subtype of"), and
 *      no '__weakref__' (CPython's may_add_weak is false there); a dict
 *      class over it gets a dict but no weakref field.
 *
 * Layout (see internal.h for the picture): fields are appended in
 * inheritance order, as CPython's type_new_descriptors appends slots, then
 * the dict pointer, then the weakref pointer, so a subclass instance is a
 * base instance with more fields after it.  The profile supplies the header
 * size, the GC pre-header size (a function of the finished field layout,
 * since CPython 2.7 skips GC for instances with no field at all) and
 * whether a fixed-size class keeps its dict in the pre-header (3.11's
 * managed dict: values pointer, dict pointer, then the GC header).
 *
 * Cache: the fixed instance size (pre-header + header + fields) is the
 * object size of the class's kmem_cache "om:NAME".  kmem_cache_create
 * merges caches of equal size, as SLUB does, so classes of one size share
 * a cache whose name lists them all (kmem_cache_get_info, slabinfo);
 * OM_SPACE_NO_MERGE passes SLAB_NO_MERGE, and SLOTSLAB_NOMERGE=1 turns
 * merging off globally.  Variable-size instances, and all instances of an
 * OM_SPACE_HEAP_INSTANCES space, come from the heap instead.
 *
 * Class attributes (rule 6) and the slot map (symbol -> field offset) are
 * native dicts (dict_native.c) charged to the class as metadata.
 *
 * States: declared -> instances and subclasses come and go -> destroyed
 * when it has neither; space destruction releases all classes, newest
 * first.  A destroyed class's cache goes with it, unless instances that
 * moved to another class (rule 8, caches not merged) still live there: it
 * is then destroyed with the space, when no instance is left.
 */
#include <stdio.h>

#include "objects/internal.h"

static const char cache_prefix[] = "om:";

static void *meta_alloc(struct om_class *cls, size_t size)
{
	size_t held;

	return om_mem_alloc(cls, CHARGE_META, size, &held);
}

/* Intern @def's slot names and check them against rules 5 and 9. */
static int check_slots(const struct om_class_def *def, const struct om_class *base,
		       bool varsize_base, const struct om_sym **own)
{
	uint64_t off;

	for (size_t i = 0; i < def->nslots; i++) {
		if (!def->slots[i] || !def->slots[i][0])
			return om_fail(OM_EINVAL, "class '%s': slot %zu has no name", def->name, i);
		own[i] = om_intern(def->slots[i]);
		if (!own[i])
			return OM_ENOMEM;
		for (size_t j = 0; j < i; j++) {
			if (own[j] == own[i])
				return om_fail(OM_EREDECL, "class '%s': slot '%s' declared twice",
					       def->name, own[i]->name);
		}
		if (base && ndict_get(base->slotmap, own[i], &off) == 0)
			return om_fail(OM_EREDECL, "class '%s': slot '%s' is already a slot of "
				       "base '%s'", def->name, own[i]->name, base->name);
	}
	if (varsize_base && def->nslots)
		return om_fail(OM_EVARSIZE, "class '%s': nonempty __slots__ not supported for "
			       "subtype of variable-size '%s'", def->name, base->name);
	if (varsize_base && (def->flags & OM_CLASS_WEAKREF) && !(base->flags & OMC_WEAKREF))
		return om_fail(OM_EVARSIZE, "class '%s': __weakref__ slot disallowed over "
			       "variable-size '%s'", def->name, base->name);
	return 0;
}

/* Lay out the fields of @cls; slots[] and slot_off[] hold room for all. */
static void class_layout(struct om_class *cls, const struct om_class_def *def,
			 const struct om_sym **own)
{
	const struct om_dict_type *t = cls->type;
	const struct om_class *b = cls->base;
	bool declared = (def->flags & OM_CLASS_SLOTS) || def->nslots;
	bool varsize = (def->flags & OM_CLASS_VARSIZE) || (b && (b->flags & OMC_VARSIZE));
	bool want_dict = !declared || (def->flags & OM_CLASS_DICT);
	bool want_weak = (!declared && !varsize) || (def->flags & OM_CLASS_WEAKREF);
	uint32_t gc;

	if (b) {
		cls->flags = b->flags & (OMC_DICT | OMC_WEAKREF | OMC_VARSIZE | OMC_INLINE | OMC_NATIVE);
		cls->basic = b->basic;
		cls->dict_off = b->dict_off;
		cls->weakref_off = b->weakref_off;
		if (b->nslots) {
			memcpy(cls->slots, b->slots, b->nslots * sizeof(*cls->slots));
			memcpy(cls->slot_off, b->slot_off, b->nslots * sizeof(*cls->slot_off));
		}
	} else {
		cls->flags = (varsize ? OMC_VARSIZE : 0) |
			     (def->flags & OM_CLASS_NATIVE ? OMC_NATIVE : 0);
		cls->basic = t->hdr_size + (varsize ? 8 : 0);
	}
	if (declared)
		cls->flags |= OMC_SLOTS;
	cls->itemsize = varsize ? 8 : 0;
	cls->nslots = (b ? b->nslots : 0) + (uint32_t)def->nslots;
	cls->nslots_own = (uint32_t)def->nslots;
	for (uint32_t i = 0; i < cls->nslots_own; i++) {
		cls->slots[cls->nslots - cls->nslots_own + i] = own[i];
		cls->slot_off[cls->nslots - cls->nslots_own + i] = cls->basic;
		cls->basic += 8;
	}
	if (want_dict && !(cls->flags & OMC_DICT)) {
		cls->flags |= OMC_DICT;
		/* 3.12+ manage a variable-size instance's dict too (tp_dictoffset
		 * -1, the 16-byte pre-header); 3.11 puts it after the items.  A
		 * native root's own dict is a field of its C layout
		 * (BaseException's): a plain dict, never managed */
		if (t->inline_dict && (!varsize || t->managed_weakref) &&
		    !(!b && (def->flags & OM_CLASS_NATIVE))) {
			cls->flags |= OMC_INLINE;
		} else {
			cls->dict_off = (int32_t)cls->basic;
			cls->basic += 8;
		}
	}
	if (want_weak && !(cls->flags & OMC_WEAKREF)) {
		cls->flags |= OMC_WEAKREF;
		/* a native root's weak reference list is a field of its C layout
		 * (deque's), never managed */
		if (!(t->managed_weakref && !varsize) || (!b && (def->flags & OM_CLASS_NATIVE))) {
			cls->weakref_off = (int32_t)cls->basic;
			cls->basic += 8;
		}
	}
	gc = t->gc_size(cls);
	if (gc)
		cls->flags |= OMC_GC;
	cls->pre = gc;
	/* the pre-header: [weakref (3.12+) or values (3.11)][dict][GC header] */
	if ((cls->flags & OMC_INLINE) || (t->managed_weakref && !varsize &&
					  (cls->flags & OMC_WEAKREF) && cls->weakref_off <= 0)) {
		cls->pre += 16;
		if (cls->flags & OMC_INLINE)
			cls->dict_off = -(int32_t)(gc + 8);
		if (t->managed_weakref && (cls->flags & OMC_WEAKREF) && cls->weakref_off <= 0)
			cls->weakref_off = -(int32_t)(gc + 16);
	}
	cls->size = cls->pre + cls->basic;
}

/* The name @cls gave kmem_cache_create(), so that it can leave by name. */
static void cache_name(const struct om_class *cls, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", cache_prefix, cls->name);
}

/* Leave @cls's cache: a merged cache then stops listing the class. */
static void cache_leave(struct om_class *cls)
{
	char name[128];

	cache_name(cls, name, sizeof(name));
	kmem_cache_destroy_named(cls->cache, name);
}

static int class_cache(struct om_class *cls)
{
	struct kmem_cache_info info;
	char name[128];

	if ((cls->flags & OMC_VARSIZE) || (cls->space->flags & OM_SPACE_HEAP_INSTANCES)) {
		cls->stride = (uint32_t)heap_roundup(cls->space->heap, cls->size);
		return 0;
	}
	cache_name(cls, name, sizeof(name));
	cls->cache = kmem_cache_create(name, cls->size, 8,
				       (cls->space->flags & OM_SPACE_NO_MERGE) ? SLAB_NO_MERGE : 0,
				       NULL);
	if (!cls->cache)
		return om_fail(OM_ENOMEM, "class '%s': no slab cache for %u-byte instances",
			       cls->name, cls->size);
	kmem_cache_get_info(cls->cache, &info);
	cls->stride = info.size;
	return 0;
}

static void class_free_meta(struct om_class *cls)
{
	ndict_free(cls->attrs, cls, CHARGE_META);
	ndict_free(cls->slotmap, cls, CHARGE_META);
	if (cls->slots)
		om_mem_free(cls, CHARGE_META, cls->slots, cls->nslots * sizeof(*cls->slots));
	if (cls->slot_off)
		om_mem_free(cls, CHARGE_META, cls->slot_off, cls->nslots * sizeof(*cls->slot_off));
	if (cls->name)
		om_mem_free(cls, CHARGE_META, cls->name, cls->name_len + 1);
	om_uncharge(cls, CHARGE_META, sizeof(*cls), ksize(cls));
	kfree(cls);
}

static int class_fill(struct om_class *cls, const struct om_class_def *def,
		      const struct om_sym **own)
{
	size_t n = (cls->base ? cls->base->nslots : 0) + def->nslots;
	int err;

	cls->name_len = strlen(def->name);
	cls->name = meta_alloc(cls, cls->name_len + 1);
	if (!cls->name)
		return om_fail(OM_ENOMEM, "out of memory declaring class '%s'", def->name);
	memcpy(cls->name, def->name, cls->name_len + 1);
	if (n) {
		cls->slots = meta_alloc(cls, n * sizeof(*cls->slots));
		cls->slot_off = meta_alloc(cls, n * sizeof(*cls->slot_off));
		if (!cls->slots || !cls->slot_off) {
			/* class_free_meta frees by nslots: make it match */
			cls->nslots = (uint32_t)n;
			return om_fail(OM_ENOMEM, "out of memory declaring class '%s'", def->name);
		}
	}
	class_layout(cls, def, own);
	for (uint32_t i = 0; i < cls->nslots; i++) {
		err = ndict_set(&cls->slotmap, cls->slots[i], cls->slot_off[i], cls, CHARGE_META);
		if (err)
			return om_fail(err, "out of memory declaring class '%s'", def->name);
	}
	return 0;
}

int om_class_create(struct om_space *sp, const struct om_class_def *def, struct om_class **out)
{
	const struct om_sym *own_buf[16], **own = own_buf;
	struct om_class *base, *cls;
	bool varsize_base;
	int err;

	if (!sp || !def || !out || !def->name || !def->name[0] || (def->nslots && !def->slots))
		return om_fail(OM_EINVAL, "om_class_create: missing space, name or slot names");
	base = def->base;
	if (base && base->space != sp)
		return om_fail(OM_EINVAL, "class '%s': base '%s' belongs to another space",
			       def->name, base->name);
	varsize_base = base && (base->flags & OMC_VARSIZE);
	if ((def->flags & OM_CLASS_VARSIZE) && base && !varsize_base)
		return om_fail(OM_EINVAL, "class '%s': a variable-size class cannot derive from "
			       "fixed-size '%s'", def->name, base->name);
	if (def->nslots > UINT16_MAX)
		return om_fail(OM_EINVAL, "class '%s': %zu slots, at most %u", def->name,
			       def->nslots, UINT16_MAX);
	if (def->nslots > ARRAY_SIZE(own_buf)) {
		own = kmalloc_array(def->nslots, sizeof(*own), GFP_KERNEL);
		if (!own)
			return om_fail(OM_ENOMEM, "out of memory declaring class '%s'", def->name);
	}
	err = check_slots(def, base, varsize_base, own);
	if (err)
		goto out;
	cls = kzalloc(sizeof(*cls), GFP_KERNEL);
	if (!cls) {
		err = om_fail(OM_ENOMEM, "out of memory declaring class '%s'", def->name);
		goto out;
	}
	cls->space = sp;
	cls->type = sp->type;
	cls->base = base;
	om_charge(cls, CHARGE_META, sizeof(*cls), ksize(cls));
	err = class_fill(cls, def, own);
	if (!err)
		err = class_cache(cls);
	if (!err && cls->type->class_init && (cls->flags & OMC_DICT))
		err = cls->type->class_init(cls);
	if (err) {
		if (cls->cache)
			cache_leave(cls);
		class_free_meta(cls);
		goto out;
	}
	if (base)
		base->nsub++;
	list_add_tail(&cls->node, &sp->classes);
	sp->nclasses++;
	*out = cls;
out:
	if (own != own_buf)
		kfree(own);
	return err;
}

/*
 * Destroy @cls's cache, unless instances that changed class (rule 8) still
 * live in it: then it waits for the space's end, when no instance is left.
 */
static void release_cache(struct om_class *cls)
{
	struct om_space *sp = cls->space;
	struct kmem_cache_info info;
	struct kmem_cache **o;

	if (!cls->cache)
		return;
	if (kmem_cache_get_info(cls->cache, &info) == 0 && info.active_objs) {
		o = krealloc(sp->orphans, (sp->norphans + 1) * sizeof(*o), GFP_KERNEL);
		if (o) {
			sp->orphans = o;
			sp->orphans[sp->norphans++] = cls->cache;
			return;
		}
	}
	cache_leave(cls);
}

void class_release(struct om_class *cls)
{
	struct om_space *sp = cls->space;

	if (cls->type->class_fini && (cls->flags & OMC_DICT))
		cls->type->class_fini(cls);
	release_cache(cls);
	list_del(&cls->node);
	sp->nclasses--;
	if (cls->base)
		cls->base->nsub--;
	class_free_meta(cls);
}

int om_class_destroy(struct om_class *cls)
{
	if (!cls)
		return 0;
	if (cls->objects || cls->nsub)
		return om_fail(OM_EBUSY, "class '%s' still has %zu instances and %zu subclasses",
			       cls->name, cls->objects, cls->nsub);
	class_release(cls);
	return 0;
}

struct om_class *om_class_find(const struct om_space *sp, const char *name)
{
	struct om_class *cls;

	if (!sp || !name)
		return NULL;
	for (cls = list_entry(sp->classes.prev, struct om_class, node);
	     &cls->node != &sp->classes;
	     cls = list_entry(cls->node.prev, struct om_class, node)) {
		if (strcmp(cls->name, name) == 0)
			return cls;
	}
	return NULL;
}

const char *om_class_name(const struct om_class *cls)
{
	return cls->name;
}

struct om_class *om_class_base(const struct om_class *cls)
{
	return cls->base;
}

const struct om_sym *om_class_slot_name(const struct om_class *cls, size_t i)
{
	return i < cls->nslots ? cls->slots[i] : NULL;
}

/* ---- class attributes (rule 6) ------------------------------------------ */

int om_class_set_attr(struct om_class *cls, const struct om_sym *name, om_value v)
{
	uint64_t off;
	int err;

	if (!cls || !name || v == OM_NULL)
		return om_fail(OM_EINVAL, "om_class_set_attr: NULL class, name or value");
	if (ndict_get(cls->slotmap, name, &off) == 0)
		return om_fail(OM_ECONFLICT, "'%s' conflicts with a slot of class '%s'",
			       name->name, cls->name);
	err = ndict_set(&cls->attrs, name, v, cls, CHARGE_META);
	if (err)
		return om_fail(err, "out of memory binding '%s' on class '%s'", name->name,
			       cls->name);
	return 0;
}

int om_class_get_attr(const struct om_class *cls, const struct om_sym *name, om_value *out)
{
	for (const struct om_class *c = cls; c; c = c->base) {
		if (ndict_get(c->attrs, name, out) == 0)
			return 0;
	}
	return om_fail_attr(OM_ENOATTR, cls, name);
}

int om_class_del_attr(struct om_class *cls, const struct om_sym *name)
{
	if (ndict_del(cls->attrs, name) != 0)
		return om_fail(OM_ENOATTR, "type object '%s' has no attribute '%s'", cls->name,
			       name->name);
	return 0;
}

/* ---- layouts and information --------------------------------------------- */

bool om_layout_equal(const struct om_class *a, const struct om_class *b)
{
	const unsigned int shape = OMC_DICT | OMC_WEAKREF | OMC_VARSIZE | OMC_INLINE | OMC_GC;

	if (a->space != b->space || a->pre != b->pre || a->basic != b->basic ||
	    a->itemsize != b->itemsize || a->dict_off != b->dict_off ||
	    a->weakref_off != b->weakref_off || (a->flags & shape) != (b->flags & shape) ||
	    a->nslots != b->nslots)
		return false;
	for (uint32_t i = 0; i < a->nslots; i++) {
		if (a->slots[i] != b->slots[i] || a->slot_off[i] != b->slot_off[i])
			return false;
	}
	return true;
}

int om_class_get_info(const struct om_class *cls, struct om_class_info *info)
{
	struct kmem_cache_info ci;

	if (!cls || !info)
		return om_fail(OM_EINVAL, "om_class_get_info: NULL argument");
	memset(info, 0, sizeof(*info));
	info->name = cls->name;
	info->base = cls->base ? cls->base->name : NULL;
	info->flags = cls->flags;
	info->nslots = cls->nslots;
	info->nslots_own = cls->nslots_own;
	info->pre_header = cls->pre;
	info->header = cls->type->hdr_size + ((cls->flags & OMC_VARSIZE) ? 8 : 0);
	info->instance_size = cls->size;
	info->instance_held = cls->stride;
	info->dict_offset = cls->dict_off;
	info->weakref_offset = cls->weakref_off;
	if (cls->cache && kmem_cache_get_info(cls->cache, &ci) == 0)
		snprintf(info->cache_names, sizeof(info->cache_names), "%s", ci.name);
	info->objects = cls->objects;
	info->instances = cls->charged[CHARGE_INSTANCE];
	info->dicts = cls->charged[CHARGE_DICT];
	info->shared = cls->charged[CHARGE_SHARED];
	info->meta = cls->charged[CHARGE_META];
	return 0;
}
