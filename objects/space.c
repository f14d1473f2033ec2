// SPDX-License-Identifier: MIT
/*
 * objects/space.c - object spaces and the accounting of their bytes.
 *
 * A space binds a dict layout profile (struct om_dict_type) to a heap, and
 * owns the classes declared in it.  Every allocation made for an instance,
 * a dict, a class's shared structure or a weak reference is charged twice,
 * to its class and to the space (weak references to the space only); the
 * heap counts the same blocks on its own.  So at any time
 *
 *   space.total = instances + dicts + shared + weakrefs
 *               = sum over classes (instances + dicts + shared) + weakrefs
 *   heap.live  >= space.total - instances from slab caches
 *
 * (equality when one space uses the heap and its instances come from slab
 * caches).  Class metadata (names, slot maps, class attribute tables) comes
 * from kmalloc and is charged as META, outside the totals: it is the cost
 * of a class, not of its instances.
 *
 * States: created -> classes declared, instances live ->
 * destroyed only with no live instance and no live weak reference; the
 * classes go in reverse order of creation, so subclasses before bases.
 */
#include <stdlib.h>

#include "objects/internal.h"

#ifndef CONFIG_OM_DEFAULT_PROFILE
#define CONFIG_OM_DEFAULT_PROFILE "native"
#endif

/* The invariant on struct om_space, checked with CONFIG_OM_DEBUG. */
static void space_check(const struct om_space *sp)
{
	size_t req = 0, held = 0;

	if (!IS_ENABLED(CONFIG_OM_DEBUG))
		return;
	for (int k = 0; k < NR_CHARGES; k++) {
		if (k != CHARGE_META) {
			req += sp->charged[k].requested;
			held += sp->charged[k].held;
		}
	}
	OM_BUG_ON(req != sp->total.requested || held != sp->total.held);
	OM_BUG_ON(sp->total.held < sp->total.requested);
	OM_BUG_ON(sp->peak.requested < sp->total.requested || sp->peak.held < sp->total.held);
}

static void space_charge(struct om_space *sp, enum om_charge kind, size_t req, size_t held)
{
	bytes_add(&sp->charged[kind], req, held);
	if (kind == CHARGE_META)
		return;
	bytes_add(&sp->total, req, held);
	sp->peak.requested = MAX(sp->peak.requested, sp->total.requested);
	sp->peak.held = MAX(sp->peak.held, sp->total.held);
	space_check(sp);
}

static void space_uncharge(struct om_space *sp, enum om_charge kind, size_t req, size_t held)
{
	OM_BUG_ON(sp->charged[kind].requested < req || sp->charged[kind].held < held);
	bytes_sub(&sp->charged[kind], req, held);
	if (kind != CHARGE_META)
		bytes_sub(&sp->total, req, held);
	space_check(sp);
}

void om_charge(struct om_class *cls, enum om_charge kind, size_t req, size_t held)
{
	if (kind != CHARGE_WEAKREF)
		bytes_add(&cls->charged[kind], req, held);
	space_charge(cls->space, kind, req, held);
}

void om_uncharge(struct om_class *cls, enum om_charge kind, size_t req, size_t held)
{
	if (kind != CHARGE_WEAKREF) {
		OM_BUG_ON(cls->charged[kind].requested < req || cls->charged[kind].held < held);
		bytes_sub(&cls->charged[kind], req, held);
	}
	space_uncharge(cls->space, kind, req, held);
}

void *om_mem_alloc(struct om_class *cls, enum om_charge kind, size_t size, size_t *held)
{
	void *p;

	if (kind == CHARGE_META) {
		p = kmalloc(size, GFP_KERNEL);
		*held = p ? ksize(p) : 0;
	} else {
		p = heap_alloc(cls->space->heap, size, held);
	}
	if (likely(p))
		om_charge(cls, kind, size, *held);
	return p;
}

void om_mem_free(struct om_class *cls, enum om_charge kind, void *p, size_t size)
{
	size_t held;

	if (kind == CHARGE_META) {
		held = ksize(p);
		kfree(p);
	} else {
		held = heap_free(cls->space->heap, p, size);
	}
	om_uncharge(cls, kind, size, held);
}

size_t om_mem_usable(const struct om_class *cls, enum om_charge kind, const void *p)
{
	return kind == CHARGE_META ? ksize(p) : heap_usable(cls->space->heap, p);
}

size_t om_mem_roundup(struct om_class *cls, enum om_charge kind, size_t size)
{
	if (kind == CHARGE_META) {
		/* kmalloc classes: probe like heap.c does, without memo (rare) */
		void *p = kmalloc(size, GFP_KERNEL);
		size_t r = p ? ksize(p) : size;

		kfree(p);
		return r;
	}
	return heap_roundup(cls->space->heap, size);
}

/* Weak references are charged to the space only: they outlive classes. */
void *space_weakref_alloc(struct om_space *sp, size_t size)
{
	size_t held;
	void *p = heap_alloc(sp->heap, size, &held);

	if (p) {
		space_charge(sp, CHARGE_WEAKREF, size, held);
		sp->weakrefs++;
	}
	return p;
}

void space_weakref_free(struct om_space *sp, void *p, size_t size)
{
	size_t held = heap_free(sp->heap, p, size);

	space_uncharge(sp, CHARGE_WEAKREF, size, held);
	sp->weakrefs--;
}

int om_space_create(const struct om_space_config *cfg, struct om_space **out)
{
	static const struct om_space_config defaults;
	const struct om_dict_type *type;
	struct om_space *sp;
	int err;

	if (!out)
		return om_fail(OM_EINVAL, "om_space_create: NULL out");
	if (!cfg)
		cfg = &defaults;
	type = om_profile_find(cfg->profile ? cfg->profile : CONFIG_OM_DEFAULT_PROFILE);
	if (!type)
		return om_fail(OM_ENOENT, "no dict layout profile called '%s'",
			       cfg->profile ? cfg->profile : CONFIG_OM_DEFAULT_PROFILE);
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return om_fail(OM_ENOMEM, "out of memory creating a space");
	sp->type = type;
	sp->flags = cfg->flags;
	INIT_LIST_HEAD(&sp->classes);
	if (cfg->heap) {
		sp->heap = cfg->heap;
	} else {
		err = om_heap_create("kmalloc", &sp->heap);
		if (err) {
			free(sp);
			return err;
		}
		sp->own_heap = true;
	}
	__atomic_add_fetch(&sp->heap->users, 1, __ATOMIC_RELAXED);
	*out = sp;
	return 0;
}

int om_space_destroy(struct om_space *sp)
{
	if (!sp)
		return 0;
	if (sp->objects || sp->weakrefs)
		return om_fail(OM_EBUSY, "space still has %zu objects and %zu weak references",
			       sp->objects, sp->weakrefs);
	while (!list_empty(&sp->classes))
		class_release(list_entry(sp->classes.prev, struct om_class, node));
	for (size_t i = 0; i < sp->norphans; i++)
		kmem_cache_destroy(sp->orphans[i]);
	kfree(sp->orphans);
	__atomic_sub_fetch(&sp->heap->users, 1, __ATOMIC_RELAXED);
	if (sp->own_heap)
		om_heap_destroy(sp->heap);
	free(sp);
	return 0;
}

const char *om_space_profile(const struct om_space *sp)
{
	return sp->type->name;
}

struct om_heap *om_space_heap(const struct om_space *sp)
{
	return sp->heap;
}

int om_space_get_stats(const struct om_space *sp, struct om_space_stats *st)
{
	if (!sp || !st)
		return om_fail(OM_EINVAL, "om_space_get_stats: NULL argument");
	memset(st, 0, sizeof(*st));
	st->profile = sp->type->name;
	st->heap = sp->heap->m->name;
	st->classes = sp->nclasses;
	st->objects = sp->objects;
	st->objects_peak = sp->objects_peak;
	st->instances = sp->charged[CHARGE_INSTANCE];
	st->dicts = sp->charged[CHARGE_DICT];
	st->shared = sp->charged[CHARGE_SHARED];
	st->weakrefs = sp->charged[CHARGE_WEAKREF];
	st->meta = sp->charged[CHARGE_META];
	st->total = sp->total;
	st->peak = sp->peak;
	return 0;
}
