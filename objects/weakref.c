// SPDX-License-Identifier: MIT
/*
 * objects/weakref.c - weak references (rule 7).
 *
 * Only an instance whose class has a weakref field can be referred to
 * weakly: a class without __slots__, or one with '__weakref__' in them, or
 * a subclass of either (CPython's tp_weaklistoffset).  The field heads a
 * doubly linked list of the instance's references (CPython's wr_prev /
 * wr_next), so that freeing the instance kills them all in O(references)
 * and dropping one is O(1).
 *
 * A reference is allocated from the space's heap and sized as the
 * profile's weak reference object (CPython 2.7: 56 bytes + 32 of GC
 * header; 3.11: 64 + 16; native: the struct itself), charged to the space:
 * it may outlive its referent and its referent's class.
 *
 * States: live (obj != NULL, on the list) -> dead (obj == NULL, off the
 * list; the referent was freed) -> freed by om_weakref_free.
 */
#include "objects/internal.h"

static size_t weakref_size(const struct om_space *sp)
{
	return MAX((size_t)sp->type->weakref_size, sizeof(struct om_weakref));
}

static struct om_weakref **weakref_head(const struct om_object *obj)
{
	return (struct om_weakref **)obj_word(obj, obj->cls->weakref_off);
}

int om_weakref_new(struct om_object *obj, struct om_weakref **out)
{
	struct om_class *cls;
	struct om_weakref *ref, **head;

	if (!obj || !out)
		return om_fail(OM_EINVAL, "om_weakref_new: NULL argument");
	cls = obj->cls;
	if (!cls->weakref_off)
		return om_fail_attr(OM_ENOWEAKREF, cls, NULL);
	ref = space_weakref_alloc(cls->space, weakref_size(cls->space));
	if (!ref)
		return om_fail(OM_ENOMEM, "out of memory taking a weak reference");
	memset(ref, 0, weakref_size(cls->space));
	head = weakref_head(obj);
	ref->obj = obj;
	ref->space = cls->space;
	ref->next = *head;
	ref->pprev = head;
	if (*head)
		(*head)->pprev = &ref->next;
	*head = ref;
	*out = ref;
	return 0;
}

struct om_object *om_weakref_get(const struct om_weakref *ref)
{
	return ref->obj;
}

void om_weakref_free(struct om_weakref *ref)
{
	if (!ref)
		return;
	if (ref->obj) {
		*ref->pprev = ref->next;
		if (ref->next)
			ref->next->pprev = ref->pprev;
	}
	space_weakref_free(ref->space, ref, weakref_size(ref->space));
}

void om_weakrefs_clear(struct om_object *obj)
{
	struct om_weakref **head = weakref_head(obj), *ref = *head;

	while (ref) {
		struct om_weakref *next = ref->next;

		ref->obj = NULL;
		ref->next = NULL;
		ref->pprev = NULL;
		ref = next;
	}
	*head = NULL;
}

size_t om_weakref_count(const struct om_object *obj)
{
	size_t n = 0;

	if (!obj->cls->weakref_off)
		return 0;
	for (struct om_weakref *ref = *weakref_head(obj); ref; ref = ref->next)
		n++;
	return n;
}
