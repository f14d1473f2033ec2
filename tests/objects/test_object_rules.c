// SPDX-License-Identifier: MIT
/*
 * tests/objects/test_object_rules.c - one test per rule of docs/DESIGN.md section 5,
 * each run under every dict layout profile (integration test: public API
 * only).  Every failing call is checked for its error code and for leaving
 * the instance, its class and its space exactly as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <slotslab/object.h>

#define SNAP_MAX 128

/* Everything observable about an instance and its space. */
struct snap {
	struct om_class *cls;
	size_t n;
	const struct om_sym *keys[SNAP_MAX];
	om_value values[SNAP_MAX];
	struct om_footprint fp;
	int dict_state;
	size_t weakrefs;
	struct om_space_stats st;
	struct om_class_info info;
};

static int snap_attr(const struct om_sym *k, om_value v, void *arg)
{
	struct snap *s = arg;

	assert_true(s->n < SNAP_MAX);
	s->keys[s->n] = k;
	s->values[s->n++] = v;
	return 0;
}

static void take_snap(struct om_object *obj, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->cls = om_class_of(obj);
	assert_int_equal(om_for_each_attr(obj, snap_attr, s), 0);
	assert_int_equal(om_footprint(obj, &s->fp), 0);
	s->dict_state = om_dict_state(obj);
	s->weakrefs = om_weakref_count(obj);
	assert_int_equal(om_class_get_info(s->cls, &s->info), 0);
}

static void take_space_snap(struct om_space *sp, struct om_object *obj, struct snap *s)
{
	take_snap(obj, s);
	assert_int_equal(om_space_get_stats(sp, &s->st), 0);
}

static void assert_snap_equal(const struct snap *a, const struct snap *b)
{
	assert_ptr_equal(a->cls, b->cls);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_ptr_equal(a->keys[i], b->keys[i]);
		assert_int_equal(a->values[i], b->values[i]);
	}
	assert_memory_equal(&a->fp, &b->fp, sizeof(a->fp));
	assert_int_equal(a->dict_state, b->dict_state);
	assert_int_equal(a->weakrefs, b->weakrefs);
	assert_int_equal(a->st.objects, b->st.objects);
	assert_memory_equal(&a->st.total, &b->st.total, sizeof(a->st.total));
	assert_memory_equal(&a->st.meta, &b->st.meta, sizeof(a->st.meta));
	assert_int_equal(a->st.classes, b->st.classes);
	assert_int_equal(a->info.objects, b->info.objects);
	assert_memory_equal(&a->info.dicts, &b->info.dicts, sizeof(a->info.dicts));
	assert_memory_equal(&a->info.instances, &b->info.instances, sizeof(a->info.instances));
}

static const struct om_sym *sym(const char *name)
{
	const struct om_sym *s = om_intern(name);

	assert_non_null(s);
	return s;
}

static struct om_space *space_for(const char *profile)
{
	struct om_space_config cfg = { .profile = profile };
	struct om_space *sp;

	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_string_equal(om_space_profile(sp), profile);
	return sp;
}

static struct om_class *klass(struct om_space *sp, const char *name, struct om_class *base,
			      unsigned int flags, size_t n, const char *const *slots)
{
	struct om_class_def def = { name, base, slots, n, flags };
	struct om_class *cls;
	int err = om_class_create(sp, &def, &cls);

	if (err)
		fail_msg("class %s: %s (%s)", name, om_strerror(err), om_errmsg());
	return cls;
}

/* Create a class expecting @want; check the space did not change. */
static void klass_fails(struct om_space *sp, const char *name, struct om_class *base,
			unsigned int flags, size_t n, const char *const *slots, int want)
{
	struct om_class_def def = { name, base, slots, n, flags };
	struct om_space_stats before, after;
	struct om_class *cls = NULL;

	assert_int_equal(om_space_get_stats(sp, &before), 0);
	assert_int_equal(om_class_create(sp, &def, &cls), want);
	assert_null(cls);
	assert_true(strlen(om_errmsg()) > 0);
	assert_int_equal(om_space_get_stats(sp, &after), 0);
	assert_int_equal(before.classes, after.classes);
	assert_memory_equal(&before.meta, &after.meta, sizeof(before.meta));
	assert_null(om_class_find(sp, name));
}

static struct om_object *new_obj(struct om_class *cls)
{
	struct om_object *obj;

	assert_int_equal(om_new(cls, &obj), 0);
	return obj;
}

static om_value get(struct om_object *obj, const char *name)
{
	om_value v = OM_NULL;
	int err = om_get(obj, sym(name), &v);

	if (err)
		fail_msg("get %s: %s (%s)", name, om_strerror(err), om_errmsg());
	return v;
}

/* The object header each profile puts before slots (rule 1). */
static size_t header_bytes(const char *profile, size_t nslots)
{
	if (strcmp(profile, "native") == 0)
		return 8;
	if (strcmp(profile, "cpython27") == 0)
		return nslots ? 16 + 32 : 16;   /* a bare PyObject has no GC header */
	/* 3.6, 3.7: a 32-byte GC header, none for a class adding no fields */
	if (strcmp(profile, "cpython36") == 0 || strcmp(profile, "cpython37") == 0)
		return nslots ? 16 + 32 : 16;
	return 16 + 16;
}

/* Profiles keeping the weakref pointer before the object (3.12+). */
static bool managed_weakref(const char *profile)
{
	return strcmp(profile, "cpython312") == 0 || strcmp(profile, "cpython313") == 0;
}

/* Profiles giving a managed-dict instance a values array at creation. */
static bool values_at_creation(const char *profile)
{
	return strcmp(profile, "cpython311") == 0 || strcmp(profile, "cpython312") == 0;
}

#define for_each_profile(p) \
	for (const char *const *pp_ = om_profile_names(); ((p) = *pp_) != NULL; pp_++)

/* Rule 1: one 8-byte value per slot; no dict or weakref field unless asked. */
static void test_rule1_slot_layout(void **state)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class_info info;
		char name[32];

		for (size_t n = 0; n <= 8; n++) {
			struct om_class *cls;
			struct om_object *obj;
			struct om_footprint fp;

			snprintf(name, sizeof(name), "S%zu", n);
			cls = klass(sp, name, NULL, OM_CLASS_SLOTS, n, names);
			assert_int_equal(om_class_get_info(cls, &info), 0);
			assert_int_equal(info.nslots, n);
			assert_int_equal(info.dict_offset, 0);
			assert_int_equal(info.weakref_offset, 0);
			assert_false(info.flags & (OM_INFO_DICT | OM_INFO_WEAKREF));
			assert_int_equal(info.instance_size, header_bytes(p, n) + 8 * n);
			obj = new_obj(cls);
			assert_int_equal(om_footprint(obj, &fp), 0);
			assert_int_equal(fp.object.requested, header_bytes(p, n) + 8 * n);
			assert_int_equal(fp.dict.requested, 0);
			assert_int_equal(om_dict_state(obj), OM_DICT_NONE);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(om_set(obj, sym(names[i]), om_int((int64_t)i)), 0);
			assert_int_equal(om_footprint(obj, &fp), 0);
			assert_int_equal(fp.total.requested, header_bytes(p, n) + 8 * n);
			om_free(obj);
		}
		/* asking for them adds exactly one pointer each */
		klass(sp, "SD", NULL, OM_CLASS_SLOTS | OM_CLASS_DICT, 2, names);
		assert_int_equal(om_class_get_info(om_class_find(sp, "SD"), &info), 0);
		assert_true(info.flags & OM_INFO_DICT);
		assert_int_not_equal(info.dict_offset, 0);
		klass(sp, "SW", NULL, OM_CLASS_SLOTS | OM_CLASS_WEAKREF, 2, names);
		assert_int_equal(om_class_get_info(om_class_find(sp, "SW"), &info), 0);
		assert_true(info.flags & OM_INFO_WEAKREF);
		/* 3.12+ keep it in a two-word pre-header (measured: 64 bytes) */
		assert_int_equal(info.instance_size, header_bytes(p, 2) + 8 * 2 +
				 (managed_weakref(p) ? 16 : 8));
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

/* Rule 2: an undeclared name on a slot instance, and an unset slot, fail. */
static void test_rule2_undeclared_and_unset(void **state)
{
	static const char *const names[] = { "name", "age" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *student = klass(sp, "Student", NULL, OM_CLASS_SLOTS, 2, names);
		struct om_object *s1 = new_obj(student);
		struct snap before, after;
		om_value v = om_int(7);

		assert_int_equal(om_set(s1, sym("name"), om_int(1)), 0);     /* ok */
		take_space_snap(sp, s1, &before);
		assert_int_equal(om_set(s1, sym("score"), om_int(123)), OM_ENODICT);
		assert_non_null(strstr(om_errmsg(), "score"));
		assert_non_null(strstr(om_errmsg(), "Student"));
		take_space_snap(sp, s1, &after);
		assert_snap_equal(&before, &after);
		/* reading a slot never set, or the rejected name */
		assert_int_equal(om_get(s1, sym("age"), &v), OM_ENOATTR);
		assert_int_equal(om_get(s1, sym("score"), &v), OM_ENOATTR);
		assert_int_equal(v, om_int(7));
		assert_int_equal(om_del(s1, sym("age")), OM_ENOATTR);
		assert_int_equal(om_set(s1, sym("age"), OM_NULL), OM_EINVAL);
		take_space_snap(sp, s1, &after);
		assert_snap_equal(&before, &after);
		/* deleting a set slot makes it unset again */
		assert_int_equal(om_del(s1, sym("name")), 0);
		assert_int_equal(om_get(s1, sym("name"), &v), OM_ENOATTR);
		assert_int_equal(om_del(s1, sym("name")), OM_ENOATTR);
		om_free(s1);
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

static int count_attr(const struct om_sym *k, om_value v, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

/* Rule 3: dict instances bind and delete arbitrary names at run time. */
static void test_rule3_dict_binds_any_name(void **state)
{
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *player = klass(sp, "Player", NULL, 0, 0, NULL);
		struct om_object *p1 = new_obj(player);
		struct snap before, after;
		char name[16];
		size_t n = 0;
		om_value v;

		/* seed 002: uid, name, stat, level, then x, then __dict__['y'] */
		assert_int_equal(om_set(p1, sym("uid"), om_int(1)), 0);
		assert_int_equal(om_set(p1, sym("name"), om_int(2)), 0);
		assert_int_equal(om_set(p1, sym("stat"), om_int(0)), 0);
		assert_int_equal(om_set(p1, sym("level"), om_int(0)), 0);
		assert_int_equal(om_get(p1, sym("x"), &v), OM_ENOATTR);
		assert_int_equal(om_set(p1, sym("x"), om_int(123)), 0);
		assert_int_equal(get(p1, "x"), om_int(123));
		assert_int_equal(om_set(p1, sym("y"), om_int(999)), 0);
		assert_int_equal(get(p1, "y"), om_int(999));
		assert_int_equal(om_del(p1, sym("y")), 0);
		take_space_snap(sp, p1, &before);
		assert_int_equal(om_get(p1, sym("y"), &v), OM_ENOATTR);
		assert_int_equal(om_del(p1, sym("y")), OM_ENOATTR);
		take_space_snap(sp, p1, &after);
		assert_snap_equal(&before, &after);
		/* many names, past every profile's growth steps and 3.11's key limit */
		for (int i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "dyn%d", i);
			assert_int_equal(om_set(p1, sym(name), om_int(i)), 0);
		}
		for (int i = 0; i < 100; i += 2) {
			snprintf(name, sizeof(name), "dyn%d", i);
			assert_int_equal(om_del(p1, sym(name)), 0);
		}
		for (int i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "dyn%d", i);
			assert_int_equal(om_get(p1, sym(name), &v), i % 2 ? 0 : OM_ENOATTR);
			if (i % 2)
				assert_int_equal(v, om_int(i));
		}
		assert_int_equal(om_for_each_attr(p1, count_attr, &n), 0);
		assert_int_equal(n, 5 + 50);
		om_free(p1);
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

static int collect_names(const struct om_sym *k, om_value v, void *arg)
{
	char *buf = arg;

	strcat(buf, om_sym_name(k));
	strcat(buf, ",");
	return 0;
}

/* Rule 4: hybrid: declared names in slots, others in a lazily made dict. */
static void test_rule4_hybrid(void **state)
{
	static const char *const names[] = { "a", "b" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *h = klass(sp, "Hybrid", NULL, OM_CLASS_SLOTS | OM_CLASS_DICT,
					   2, names);
		struct om_object *obj = new_obj(h);
		/* 3.13 keeps inline values for classes without slots only */
		bool cpython311 = values_at_creation(p);
		struct om_footprint fp0, fp1, fp2;
		char order[64] = "";

		/* 3.11, 3.12 give every managed-dict instance its values
		 * array at creation; the others have no dict memory yet */
		assert_int_equal(om_footprint(obj, &fp0), 0);
		assert_int_equal(om_dict_state(obj), cpython311 ? OM_DICT_INLINE : OM_DICT_NONE);
		assert_true(cpython311 ? fp0.dict.requested > 0 : fp0.dict.requested == 0);
		assert_int_equal(om_set(obj, sym("b"), om_int(2)), 0);
		assert_int_equal(om_set(obj, sym("a"), om_int(1)), 0);
		assert_int_equal(om_footprint(obj, &fp1), 0);
		assert_memory_equal(&fp0, &fp1, sizeof(fp0));   /* slots only */
		assert_int_equal(om_set(obj, sym("z"), om_int(26)), 0);
		assert_int_equal(om_dict_state(obj), cpython311 ? OM_DICT_INLINE : OM_DICT_TABLE);
		assert_int_equal(om_footprint(obj, &fp2), 0);
		assert_int_equal(fp2.object.requested, fp0.object.requested);
		assert_true(fp2.dict.requested > 0);
		assert_int_equal(get(obj, "a"), om_int(1));
		assert_int_equal(get(obj, "z"), om_int(26));
		assert_int_equal(om_set(obj, sym("y"), om_int(25)), 0);
		assert_int_equal(om_for_each_attr(obj, collect_names, order), 0);
		/* slots in declaration order, then the dict in insertion order
		 * (2.7's dict iterates its table instead) */
		assert_memory_equal(order, "a,b,", 4);
		if (strcmp(p, "cpython27") != 0)
			assert_string_equal(order, "a,b,z,y,");
		assert_int_equal(om_del(obj, sym("a")), 0);
		assert_int_equal(om_del(obj, sym("z")), 0);
		assert_int_equal(get(obj, "b"), om_int(2));
		assert_int_equal(get(obj, "y"), om_int(25));
		om_free(obj);
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

/* Rule 5: inheritance of dicts and slots; redeclaring a slot is an error. */
static void test_rule5_inheritance(void **state)
{
	static const char *const ab[] = { "a", "b" };
	static const char *const c[] = { "c" };
	static const char *const a[] = { "a" };
	static const char *const cc[] = { "c", "c" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *base = klass(sp, "Base", NULL, OM_CLASS_SLOTS, 2, ab);
		struct om_class *sub = klass(sp, "Sub", base, OM_CLASS_SLOTS, 1, c);
		struct om_class *dbase = klass(sp, "DBase", NULL, 0, 0, NULL);
		struct om_class *dsub = klass(sp, "DSub", dbase, OM_CLASS_SLOTS, 1, c);
		struct om_class *open = klass(sp, "Open", base, 0, 0, NULL);
		struct om_class_info bi, si, di, oi;
		struct om_object *obj;

		/* a slot subclass adds only its new names, after the base's */
		assert_int_equal(om_class_get_info(base, &bi), 0);
		assert_int_equal(om_class_get_info(sub, &si), 0);
		assert_int_equal(si.nslots, 3);
		assert_int_equal(si.nslots_own, 1);
		assert_string_equal(om_sym_name(om_class_slot_name(sub, 0)), "a");
		assert_string_equal(om_sym_name(om_class_slot_name(sub, 1)), "b");
		assert_string_equal(om_sym_name(om_class_slot_name(sub, 2)), "c");
		assert_null(om_class_slot_name(sub, 3));
		assert_int_equal(si.instance_size, bi.instance_size + 8);
		assert_false(si.flags & OM_INFO_DICT);
		obj = new_obj(sub);
		assert_int_equal(om_set(obj, sym("a"), om_int(1)), 0);
		assert_int_equal(om_set(obj, sym("c"), om_int(3)), 0);
		assert_int_equal(om_set(obj, sym("z"), om_int(0)), OM_ENODICT);
		om_free(obj);
		/* a subclass of a dict class has a dict, even with slots */
		assert_int_equal(om_class_get_info(dsub, &di), 0);
		assert_true(di.flags & OM_INFO_DICT);
		assert_true(di.flags & OM_INFO_WEAKREF);
		obj = new_obj(dsub);
		assert_int_equal(om_set(obj, sym("c"), om_int(3)), 0);
		assert_int_equal(om_set(obj, sym("z"), om_int(26)), 0);
		assert_int_equal(get(obj, "z"), om_int(26));
		om_free(obj);
		/* a subclass without __slots__ gets a dict and a weakref field */
		assert_int_equal(om_class_get_info(open, &oi), 0);
		assert_true(oi.flags & OM_INFO_DICT);
		assert_true(oi.flags & OM_INFO_WEAKREF);
		assert_int_equal(oi.nslots, 2);
		/* redeclaring a base slot, or naming one twice, is an error */
		klass_fails(sp, "Again", base, OM_CLASS_SLOTS, 1, a, OM_EREDECL);
		klass_fails(sp, "Again2", sub, OM_CLASS_SLOTS, 1, c, OM_EREDECL);
		klass_fails(sp, "Twice", NULL, OM_CLASS_SLOTS, 2, cc, OM_EREDECL);
		assert_non_null(strstr(om_errmsg(), "twice"));
		assert_int_equal(om_class_destroy(base), OM_EBUSY);   /* has subclasses */
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

/* Rule 6: a class attribute is visible from instances that lack their own. */
static void test_rule6_class_attributes(void **state)
{
	static const char *const ab[] = { "a", "b" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *animal = klass(sp, "Animal", NULL, 0, 0, NULL);
		struct om_class *dog = klass(sp, "Dog", animal, 0, 0, NULL);
		struct om_class *point = klass(sp, "Point", NULL, OM_CLASS_SLOTS, 2, ab);
		struct om_object *d1 = new_obj(dog), *d2 = new_obj(dog), *pt = new_obj(point);
		struct snap before, after;
		om_value v;

		assert_int_equal(om_get(d1, sym("legs"), &v), OM_ENOATTR);
		assert_int_equal(om_class_set_attr(animal, sym("legs"), om_int(4)), 0);
		assert_int_equal(get(d1, "legs"), om_int(4));
		assert_int_equal(get(d2, "legs"), om_int(4));
		assert_int_equal(om_class_get_attr(dog, sym("legs"), &v), 0);
		assert_int_equal(v, om_int(4));
		/* the subclass's own binding hides the base's */
		assert_int_equal(om_class_set_attr(dog, sym("legs"), om_int(3)), 0);
		assert_int_equal(get(d1, "legs"), om_int(3));
		/* an instance's own attribute hides the class's, for that one */
		assert_int_equal(om_set(d1, sym("legs"), om_int(5)), 0);
		assert_int_equal(get(d1, "legs"), om_int(5));
		assert_int_equal(get(d2, "legs"), om_int(3));
		assert_int_equal(om_del(d1, sym("legs")), 0);
		assert_int_equal(get(d1, "legs"), om_int(3));
		/* deleting through an instance never removes the class's */
		take_space_snap(sp, d1, &before);
		assert_int_equal(om_del(d1, sym("legs")), OM_ENOATTR);
		take_space_snap(sp, d1, &after);
		assert_snap_equal(&before, &after);
		assert_int_equal(om_class_del_attr(dog, sym("legs")), 0);
		assert_int_equal(get(d1, "legs"), om_int(4));
		assert_int_equal(om_class_del_attr(dog, sym("legs")), OM_ENOATTR);
		/* slot classes see class attributes too, but cannot shadow them */
		assert_int_equal(om_class_set_attr(point, sym("origin"), om_int(0)), 0);
		assert_int_equal(get(pt, "origin"), om_int(0));
		take_space_snap(sp, pt, &before);
		assert_int_equal(om_set(pt, sym("origin"), om_int(1)), OM_ENODICT);
		take_space_snap(sp, pt, &after);
		assert_snap_equal(&before, &after);
		/* a class attribute named like a slot conflicts */
		assert_int_equal(om_class_set_attr(point, sym("a"), om_int(1)), OM_ECONFLICT);
		assert_int_equal(om_class_get_attr(point, sym("a"), &v), OM_ENOATTR);
		om_free(d1);
		om_free(d2);
		om_free(pt);
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

/* Rule 7: weak references only to instances whose class has weakref. */
static void test_rule7_weakrefs(void **state)
{
	static const char *const ab[] = { "a", "b" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *plain = klass(sp, "Plain", NULL, 0, 0, NULL);
		struct om_class *slots = klass(sp, "Slots", NULL, OM_CLASS_SLOTS, 2, ab);
		struct om_class *weak = klass(sp, "Weak", NULL, OM_CLASS_SLOTS | OM_CLASS_WEAKREF,
					      2, ab);
		struct om_class *weaksub = klass(sp, "WeakSub", weak, OM_CLASS_SLOTS, 0, NULL);
		struct om_object *a = new_obj(plain), *b = new_obj(slots), *c = new_obj(weak);
		struct om_object *d = new_obj(weaksub);
		struct om_weakref *r1, *r2, *r3, *r4, *bad = NULL;
		struct om_heap_stats h0, h1;
		struct snap before, after;

		take_space_snap(sp, b, &before);
		assert_int_equal(om_heap_get_stats(om_space_heap(sp), &h0), 0);
		assert_int_equal(om_weakref_new(b, &bad), OM_ENOWEAKREF);
		assert_null(bad);
		assert_non_null(strstr(om_errmsg(), "weak reference"));
		assert_int_equal(om_heap_get_stats(om_space_heap(sp), &h1), 0);
		assert_int_equal(h0.blocks, h1.blocks);
		take_space_snap(sp, b, &after);
		assert_snap_equal(&before, &after);

		assert_int_equal(om_weakref_new(a, &r1), 0);
		assert_int_equal(om_weakref_new(a, &r2), 0);
		assert_int_equal(om_weakref_new(c, &r3), 0);
		assert_int_equal(om_weakref_new(d, &r4), 0);     /* inherited */
		assert_int_equal(om_weakref_count(a), 2);
		assert_ptr_equal(om_weakref_get(r1), a);
		assert_ptr_equal(om_weakref_get(r3), c);
		assert_int_equal(om_space_destroy(sp), OM_EBUSY);
		om_weakref_free(r2);
		assert_int_equal(om_weakref_count(a), 1);
		om_free(a);                                       /* r1 dies */
		assert_null(om_weakref_get(r1));
		assert_ptr_equal(om_weakref_get(r3), c);
		om_weakref_free(r1);
		om_weakref_free(r3);
		om_free(c);
		om_free(d);
		assert_null(om_weakref_get(r4));
		om_weakref_free(r4);
		om_free(b);
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

/* Rule 8: class change only between identical layouts. */
static void test_rule8_class_change(void **state)
{
	static const char *const xy[] = { "x", "y" };
	static const char *const yx[] = { "y", "x" };
	static const char *const xz[] = { "x", "z" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *a = klass(sp, "A", NULL, OM_CLASS_SLOTS, 2, xy);
		struct om_class *b = klass(sp, "B", NULL, OM_CLASS_SLOTS, 2, xy);
		struct om_class *c = klass(sp, "C", NULL, OM_CLASS_SLOTS, 2, yx);
		struct om_class *d = klass(sp, "D", NULL, OM_CLASS_SLOTS, 1, xy);
		struct om_class *e = klass(sp, "E", NULL, OM_CLASS_SLOTS | OM_CLASS_DICT, 2, xy);
		struct om_class *f = klass(sp, "F", NULL, OM_CLASS_SLOTS, 2, xz);
		struct om_class *g = klass(sp, "G", NULL, OM_CLASS_SLOTS | OM_CLASS_WEAKREF, 2, xy);
		struct om_class *pc = klass(sp, "P", NULL, 0, 0, NULL);
		struct om_class *qc = klass(sp, "Q", NULL, 0, 0, NULL);
		struct om_class *other[] = { c, d, e, f, g, pc };
		struct om_object *obj = new_obj(a), *dobj = new_obj(pc);
		struct om_class_info pi, qi;
		struct snap before, after;
		struct om_space *sp2 = space_for(p);
		struct om_class *a2 = klass(sp2, "A", NULL, OM_CLASS_SLOTS, 2, xy);

		assert_int_equal(om_set(obj, sym("x"), om_int(1)), 0);
		take_space_snap(sp, obj, &before);
		for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
			assert_int_equal(om_set_class(obj, other[i]), OM_ELAYOUT);
			take_space_snap(sp, obj, &after);
			assert_snap_equal(&before, &after);
		}
		assert_int_equal(om_set_class(obj, a2), OM_ELAYOUT);  /* other space */
		assert_int_equal(om_set_class(obj, b), 0);
		assert_ptr_equal(om_class_of(obj), b);
		assert_int_equal(get(obj, "x"), om_int(1));
		assert_int_equal(om_class_destroy(a), 0);            /* no instance left */
		assert_int_equal(om_set_class(obj, b), 0);           /* same class: no-op */

		/* dict instances: the bytes move with the instance */
		for (int i = 0; i < 10; i++) {
			char name[8];

			snprintf(name, sizeof(name), "k%d", i);
			assert_int_equal(om_set(dobj, sym(name), om_int(i)), 0);
		}
		assert_int_equal(om_set_class(dobj, qc), 0);
		assert_int_equal(om_class_get_info(pc, &pi), 0);
		assert_int_equal(om_class_get_info(qc, &qi), 0);
		assert_int_equal(pi.objects, 0);
		assert_int_equal(pi.dicts.requested, 0);
		assert_int_equal(pi.instances.requested, 0);
		assert_int_equal(qi.objects, 1);
		assert_true(qi.dicts.requested > 0);
		assert_int_equal(get(dobj, "k7"), om_int(7));
		assert_int_equal(om_set(dobj, sym("k10"), om_int(10)), 0);
		assert_int_equal(om_class_destroy(pc), 0);
		om_free(obj);
		om_free(dobj);
		assert_int_equal(om_space_destroy(sp), 0);
		assert_int_equal(om_space_destroy(sp2), 0);
	}
}

/* Rule 9: a variable-size base accepts only empty slots. */
static void test_rule9_varsize_base(void **state)
{
	static const char *const a[] = { "a" };
	const char *p;

	for_each_profile(p) {
		struct om_space *sp = space_for(p);
		struct om_class *fixed = klass(sp, "Fixed", NULL, OM_CLASS_SLOTS, 1, a);
		struct om_class *tup = klass(sp, "Tuple", NULL, OM_CLASS_SLOTS | OM_CLASS_VARSIZE,
					     0, NULL);
		struct om_class *empty = klass(sp, "EmptySub", tup, OM_CLASS_SLOTS, 0, NULL);
		struct om_class *dsub = klass(sp, "DictSub", tup, 0, 0, NULL);
		struct om_class_info ti, ei, di;
		struct om_object *t0, *t3, *ds;
		struct om_weakref *ref = NULL;
		struct om_footprint f0, f3;
		om_value *items;
		size_t n;

		klass_fails(sp, "SlotSub", tup, OM_CLASS_SLOTS, 1, a, OM_EVARSIZE);
		assert_non_null(strstr(om_errmsg(), "nonempty __slots__"));
		klass_fails(sp, "WeakSub", tup, OM_CLASS_SLOTS | OM_CLASS_WEAKREF, 0, NULL,
			    OM_EVARSIZE);
		klass_fails(sp, "SlotSub2", empty, OM_CLASS_SLOTS, 1, a, OM_EVARSIZE);
		klass_fails(sp, "VarOnFixed", fixed, OM_CLASS_VARSIZE, 0, NULL, OM_EINVAL);

		assert_int_equal(om_class_get_info(tup, &ti), 0);
		assert_int_equal(om_class_get_info(empty, &ei), 0);
		assert_int_equal(om_class_get_info(dsub, &di), 0);
		assert_true(ti.flags & OM_INFO_VARSIZE);
		assert_true(ei.flags & OM_INFO_VARSIZE);
		assert_int_equal(ei.instance_size, ti.instance_size);  /* empty slots cost 0 */
		assert_true(di.flags & OM_INFO_DICT);                  /* a dict, ... */
		assert_false(di.flags & OM_INFO_WEAKREF);              /* ... no weakref */

		assert_int_equal(om_new(tup, &t0), 0);
		assert_int_equal(om_new_var(empty, 3, &t3), 0);
		assert_int_equal(om_new_var(fixed, 3, &ds), OM_EINVAL);
		assert_null(om_items(t0, &n));
		assert_int_equal(n, 0);
		items = om_items(t3, &n);
		assert_int_equal(n, 3);
		assert_int_equal(items[2], OM_NULL);
		items[2] = om_int(42);
		assert_int_equal(om_footprint(t0, &f0), 0);
		assert_int_equal(om_footprint(t3, &f3), 0);
		assert_int_equal(f3.object.requested, f0.object.requested + 3 * 8);
		assert_int_equal(om_new_var(dsub, 2, &ds), 0);
		assert_int_equal(om_set(ds, sym("tag"), om_int(1)), 0);
		assert_int_equal(get(ds, "tag"), om_int(1));
		assert_int_equal(om_weakref_new(ds, &ref), OM_ENOWEAKREF);
		assert_int_equal(om_items(t3, NULL)[2], om_int(42));
		om_free(t0);
		om_free(t3);
		om_free(ds);
		assert_int_equal(om_space_destroy(sp), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule1_slot_layout),
		cmocka_unit_test(test_rule2_undeclared_and_unset),
		cmocka_unit_test(test_rule3_dict_binds_any_name),
		cmocka_unit_test(test_rule4_hybrid),
		cmocka_unit_test(test_rule5_inheritance),
		cmocka_unit_test(test_rule6_class_attributes),
		cmocka_unit_test(test_rule7_weakrefs),
		cmocka_unit_test(test_rule8_class_change),
		cmocka_unit_test(test_rule9_varsize_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
