// SPDX-License-Identifier: MIT
/*
 * objects/object.c - instances: creation, attribute access, class change,
 * accounting.
 *
 * Attribute access, the hot path, is one lookup in the class's slot map
 * (a native dict of at most a few ids: a scan of 32-bit integers), then
 * a load or store at the slot's offset.  Only names that are not slots go
 * on to the profile's instance dict, and reads then to the class
 * attributes along the bases:
 *
 *   get:  slot (set -> value, unset -> OM_ENOATTR, rule 2)
 *         -> instance dict (rules 3, 4) -> class attributes (rule 6)
 *   set:  slot -> instance dict (created on first use) -> OM_ENODICT
 *   del:  slot (set -> cleared) -> instance dict -> OM_ENOATTR
 *
 * A name is never both a slot and a key of the instance dict (set routes
 * declared names to slots), and never both a slot and a class attribute of
 * the same class (OM_ECONFLICT), so the order above is unambiguous.
 *
 * Memory: an instance comes zeroed (every slot unset, no dict, no weak
 * references) from its class's slab cache, or from the heap for
 * variable-size classes and OM_SPACE_HEAP_INSTANCES spaces, and is charged
 * to its class as CHARGE_INSTANCE: the requested size is the layout's
 * size, the held size the cache's stride (or the heap block's usable
 * size).  Slab instances go back with kfree(), which, as in Linux since
 * 6.4, frees an object of any cache: after a class change (rule 8) an
 * instance may still live in its first class's cache when caches are not
 * merged.
 *
 * Class change (rule 8) is allowed only between identical layouts
 * (om_layout_equal: same size, fields, slot names at the same offsets).
 * The instance's bytes move from one class's accounting to the other's.
 *
 * States of an instance: allocated (all unset) -> attributes set, deleted,
 * dict created on demand, class changed -> freed (weak references die,
 * dict and memory return).
 */
#include <inttypes.h>

#include "objects/internal.h"

static int new_instance(struct om_class *cls, size_t nitems, struct om_object **out)
{
	struct om_space *sp = cls->space;
	size_t size = class_instance_size(cls, nitems), held;
	struct om_object *obj;
	char *mem;
	int err;

	if (cls->cache) {
		mem = kmem_cache_alloc(cls->cache, __GFP_ZERO);
		held = cls->stride;
		if (likely(mem))
			om_charge(cls, CHARGE_INSTANCE, size, held);
	} else {
		mem = om_mem_alloc(cls, CHARGE_INSTANCE, size, &held);
		if (mem)
			memset(mem, 0, size);
	}
	if (unlikely(!mem))
		return om_fail(OM_ENOMEM, "out of memory creating a '%s' object", cls->name);
	obj = (struct om_object *)(mem + cls->pre);
	obj->cls = cls;
	if (cls->type->hdr_size > 8)
		obj_word(obj, 8)[0] = (void *)1;      /* CPython's ob_refcnt */
	if (cls->flags & OMC_VARSIZE)
		*obj_nitems(obj) = nitems;
	if (cls->type->obj_init && (cls->flags & OMC_DICT)) {
		err = cls->type->obj_init(cls, obj);
		if (unlikely(err)) {
			om_uncharge(cls, CHARGE_INSTANCE, size, held);
			if (cls->cache)
				kmem_cache_free(cls->cache, mem);
			else
				heap_free(sp->heap, mem, size);
			return om_fail(err, "out of memory creating a '%s' object", cls->name);
		}
	}
	cls->objects++;
	sp->objects++;
	sp->objects_peak = MAX(sp->objects_peak, sp->objects);
	*out = obj;
	return 0;
}

int om_new(struct om_class *cls, struct om_object **out)
{
	if (!cls || !out)
		return om_fail(OM_EINVAL, "om_new: NULL class or out");
	return new_instance(cls, 0, out);
}

int om_new_var(struct om_class *cls, size_t nitems, struct om_object **out)
{
	if (!cls || !out)
		return om_fail(OM_EINVAL, "om_new_var: NULL class or out");
	if (!(cls->flags & OMC_VARSIZE))
		return om_fail(OM_EINVAL, "class '%s' has fixed-size instances", cls->name);
	if (nitems > SLAB_MAX_OBJECT_SIZE / 8)
		return om_fail(OM_EINVAL, "%zu items are too many", nitems);
	return new_instance(cls, nitems, out);
}

static size_t instance_nitems(const struct om_object *obj)
{
	return (obj->cls->flags & OMC_VARSIZE) ? *obj_nitems(obj) : 0;
}

void om_free(struct om_object *obj)
{
	struct om_class *cls;
	size_t size;
	void *mem;

	if (!obj)
		return;
	cls = obj->cls;
	size = class_instance_size(cls, instance_nitems(obj));
	if (cls->weakref_off && *obj_word(obj, cls->weakref_off))
		om_weakrefs_clear(obj);
	if (cls->flags & OMC_DICT)
		cls->type->obj_fini(cls, obj);
	mem = obj_base(obj);
	if (cls->cache) {
		om_uncharge(cls, CHARGE_INSTANCE, size, cls->stride);
		kfree(mem);
	} else {
		om_mem_free(cls, CHARGE_INSTANCE, mem, size);
	}
	cls->objects--;
	cls->space->objects--;
}

struct om_class *om_class_of(const struct om_object *obj)
{
	return obj->cls;
}

/* The slot offset of @name in @cls, or 0 if it is not a slot. */
static __always_inline uint64_t slot_offset(const struct om_class *cls,
					    const struct om_sym *name)
{
	uint64_t off;

	if (cls->slotmap && ndict_get(cls->slotmap, name, &off) == 0)
		return off;
	return 0;
}

int om_get(const struct om_object *obj, const struct om_sym *name, om_value *out)
{
	const struct om_class *cls = obj->cls;
	uint64_t off = slot_offset(cls, name);

	if (off) {
		om_value v = *(const om_value *)obj_word(obj, (long)off);

		if (unlikely(!v))
			return om_fail_attr(OM_ENOATTR, cls, name);
		*out = v;
		return 0;
	}
	if ((cls->flags & OMC_DICT) && cls->type->get(cls, obj, name, out) == 0)
		return 0;
	for (const struct om_class *c = cls; c; c = c->base) {
		if (c->attrs && ndict_get(c->attrs, name, out) == 0)
			return 0;
	}
	return om_fail_attr(OM_ENOATTR, cls, name);
}

int om_set(struct om_object *obj, const struct om_sym *name, om_value v)
{
	struct om_class *cls = obj->cls;
	uint64_t off = slot_offset(cls, name);
	int err;

	if (unlikely(v == OM_NULL))
		return om_fail(OM_EINVAL, "OM_NULL is not a value ('%s')", name->name);
	if (off) {
		*(om_value *)obj_word(obj, (long)off) = v;
		return 0;
	}
	if (unlikely(!(cls->flags & OMC_DICT)))
		return om_fail_attr(OM_ENODICT, cls, name);
	err = cls->type->set(cls, obj, name, v);
	if (unlikely(err))
		return om_fail(err, "out of memory setting '%s' on a '%s' object", name->name,
			       cls->name);
	return 0;
}

int om_del(struct om_object *obj, const struct om_sym *name)
{
	struct om_class *cls = obj->cls;
	uint64_t off = slot_offset(cls, name);

	if (off) {
		om_value *slot = (om_value *)obj_word(obj, (long)off);

		if (!*slot)
			return om_fail_attr(OM_ENOATTR, cls, name);
		*slot = OM_NULL;
		return 0;
	}
	if ((cls->flags & OMC_DICT) && cls->type->del(cls, obj, name) == 0)
		return 0;
	return om_fail_attr(OM_ENOATTR, cls, name);
}

int om_read_dict(struct om_object *obj)
{
	struct om_class *cls = obj->cls;

	if (!(cls->flags & OMC_DICT))
		return om_fail(OM_ENODICT, "a '%s' object has no __dict__", cls->name);
	if (cls->type->read_dict && cls->type->read_dict(cls, obj))
		return om_fail(OM_ENOMEM, "out of memory making the __dict__ of a '%s' object",
			       cls->name);
	return 0;
}

int om_own_dict(struct om_object *obj, uint64_t slots)
{
	struct om_class *cls = obj->cls;
	int err;

	if (slots < 8 || slots > OM_OWN_DICT_MAX || (slots & (slots - 1)))
		return om_fail(OM_EINVAL, "a dict table of %" PRIu64 " slots (a power of two "
			       "from 8 to %lu)", slots, (unsigned long)OM_OWN_DICT_MAX);
	if ((err = om_read_dict(obj)))
		return err;
	if (cls->type->own_table &&
	    cls->type->own_table(cls, obj, (unsigned int)__builtin_ctzll(slots)))
		return om_fail(OM_ENOMEM, "out of memory giving a '%s' object's __dict__ a "
			       "table of its own", cls->name);
	return 0;
}

void om_object_footprint(const struct om_object *obj, struct om_footprint *fp)
{
	const struct om_class *cls = obj->cls;
	size_t nitems = instance_nitems(obj);

	fp->object.requested = class_instance_size(cls, nitems);
	fp->object.held = cls->cache ? cls->stride : heap_usable(cls->space->heap, obj_base(obj));
	fp->dict.requested = fp->dict.held = 0;
	if (cls->flags & OMC_DICT)
		cls->type->footprint(cls, obj, &fp->dict);
	fp->total.requested = fp->object.requested + fp->dict.requested;
	fp->total.held = fp->object.held + fp->dict.held;
}

int om_footprint(const struct om_object *obj, struct om_footprint *fp)
{
	if (!obj || !fp)
		return om_fail(OM_EINVAL, "om_footprint: NULL argument");
	om_object_footprint(obj, fp);
	return 0;
}

int om_set_class(struct om_object *obj, struct om_class *cls)
{
	struct om_class *old = obj->cls;
	struct om_footprint fp;
	int err;

	if (!cls)
		return om_fail(OM_EINVAL, "om_set_class: NULL class");
	if (cls == old)
		return 0;
	if (!om_layout_equal(old, cls))
		return om_fail(OM_ELAYOUT, "__class__ assignment: '%s' object layout differs "
			       "from '%s'", cls->name, old->name);
	if ((old->flags & OMC_DICT) && old->type->unshare) {
		err = old->type->unshare(old, obj);
		if (err)
			return om_fail(err, "out of memory giving a '%s' object its own dict",
				       old->name);
	}
	om_object_footprint(obj, &fp);
	om_uncharge(old, CHARGE_INSTANCE, fp.object.requested, fp.object.held);
	om_uncharge(old, CHARGE_DICT, fp.dict.requested, fp.dict.held);
	om_charge(cls, CHARGE_INSTANCE, fp.object.requested, fp.object.held);
	om_charge(cls, CHARGE_DICT, fp.dict.requested, fp.dict.held);
	old->objects--;
	cls->objects++;
	obj->cls = cls;
	return 0;
}

om_value *om_items(struct om_object *obj, size_t *n)
{
	size_t nitems = instance_nitems(obj);

	if (n)
		*n = nitems;
	return nitems ? (om_value *)obj_word(obj, obj->cls->basic) : NULL;
}

int om_for_each_attr(const struct om_object *obj, om_attr_fn fn, void *arg)
{
	const struct om_class *cls = obj->cls;
	int ret;

	for (uint32_t i = 0; i < cls->nslots; i++) {
		om_value v = *(const om_value *)obj_word(obj, cls->slot_off[i]);

		if (v && (ret = fn(cls->slots[i], v, arg)) != 0)
			return ret;
	}
	if (cls->flags & OMC_DICT)
		return cls->type->for_each(cls, obj, fn, arg);
	return 0;
}

int om_dict_state(const struct om_object *obj)
{
	const struct om_class *cls = obj->cls;

	if (!(cls->flags & OMC_DICT))
		return OM_DICT_NONE;
	return cls->type->state(cls, obj);
}
