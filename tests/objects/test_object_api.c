// SPDX-License-Identifier: MIT
/*
 * tests/objects/test_object_api.c - the object model's interfaces around the rules
 * (integration test: public API only): symbols, values, errors, heaps,
 * profiles, spaces, per-class slab caches and their merging, lifetimes,
 * and spaces used from several threads over one shared heap.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <slotslab/object.h>

static void test_symbols(void **state)
{
	const struct om_sym *a = om_intern("alpha"), *b = om_intern("beta");
	char buf[8] = "alphaXX";

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_ptr_equal(om_intern("alpha"), a);
	assert_ptr_equal(om_intern_n(buf, 5), a);
	assert_string_equal(om_sym_name(a), "alpha");
	assert_int_not_equal(om_sym_hash(a), om_sym_hash(b));
	assert_null(om_intern(""));
	assert_non_null(strstr(om_errmsg(), "symbol"));
	assert_null(om_intern(NULL));
	assert_null(om_intern_n("a\0b", 3));
	/* many symbols: the table grows, identities stay */
	for (int i = 0; i < 5000; i++) {
		char name[16];

		snprintf(name, sizeof(name), "sym%d", i);
		assert_ptr_equal(om_intern(name), om_intern(name));
	}
	assert_ptr_equal(om_intern("alpha"), a);
}

static void test_values(void **state)
{
	static const int64_t ints[] = { 0, 1, -1, 42, -42, OM_INT_MAX, OM_INT_MIN };
	static int64_t target;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		om_value v = om_int(ints[i]);

		assert_true(om_is_int(v));
		assert_int_not_equal(v, OM_NULL);
		assert_true(om_to_int(v) == ints[i]);
	}
	assert_false(om_is_int(om_ptr(&target)));
	assert_ptr_equal(om_to_ptr(om_ptr(&target)), &target);
}

static void test_errors(void **state)
{
	static const int codes[] = {
		OM_ENOATTR, OM_ENODICT, OM_ENOWEAKREF, OM_ELAYOUT, OM_EREDECL, OM_EVARSIZE,
		OM_ECONFLICT, OM_EBUSY, OM_ENOMEM, OM_EINVAL, OM_ENOENT, OM_ERANGE,
	};
	size_t n = sizeof(codes) / sizeof(codes[0]);

	assert_string_equal(om_strerror(OM_OK), "success");
	assert_string_equal(om_strerror(12345), "unknown error");
	for (size_t i = 0; i < n; i++) {
		assert_true(codes[i] < 0);
		for (size_t j = i + 1; j < n; j++) {
			assert_int_not_equal(codes[i], codes[j]);
			assert_string_not_equal(om_strerror(codes[i]), om_strerror(codes[j]));
		}
	}
}

static void *fresh_thread_errmsg(void *arg)
{
	*(bool *)arg = om_errmsg()[0] == '\0';
	return NULL;
}

static void test_errmsg_is_per_thread(void **state)
{
	pthread_t t;
	bool empty = false;

	assert_null(om_intern(""));           /* this thread has a message now */
	assert_true(strlen(om_errmsg()) > 0);
	assert_int_equal(pthread_create(&t, NULL, fresh_thread_errmsg, &empty), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(empty);
}

static void test_profiles_and_spaces(void **state)
{
	const char *const *names = om_profile_names();
	struct om_space_config bad = { .profile = "cpython99" };
	struct om_space *sp;

	assert_string_equal(names[0], "native");
	assert_string_equal(names[1], "cpython27");
	assert_string_equal(names[2], "cpython36");
	assert_string_equal(names[9], "cpython313");
	assert_null(names[10]);
	for (size_t i = 0; names[i]; i++)
		assert_non_null(om_profile_summary(names[i]));
	assert_null(om_profile_summary("nope"));
	assert_int_equal(om_space_create(&bad, &sp), OM_ENOENT);
	assert_non_null(strstr(om_errmsg(), "cpython99"));
	assert_int_equal(om_space_create(NULL, &sp), 0);
	assert_string_equal(om_space_profile(sp), "native");   /* the default config */
	assert_non_null(om_space_heap(sp));
	assert_int_equal(om_space_destroy(sp), 0);
	assert_int_equal(om_space_destroy(NULL), 0);
}

static void test_heaps(void **state)
{
	static const struct om_heap_methods incomplete = { .name = "x" };
	const char *const *names = om_heap_names();
	struct om_heap *h;
	struct om_heap_stats st;
	struct om_space_config cfg = { .profile = "cpython27" };
	struct om_class_def def = { .name = "D" };
	struct om_space *sp;
	struct om_class *cls;
	struct om_object *obj;

	assert_string_equal(names[0], "kmalloc");
	assert_string_equal(names[1], "libc");
	assert_null(names[2]);
	assert_int_equal(om_heap_create("tcmalloc-please", &h), OM_ENOENT);
	assert_int_equal(om_heap_create_methods(&incomplete, NULL, &h), OM_EINVAL);
	for (int i = 0; i < 4; i++) {
		static const char *const aliases[] = { "kmalloc", "slab", "libc", "malloc" };

		assert_int_equal(om_heap_create(aliases[i], &h), 0);
		cfg.heap = h;
		assert_int_equal(om_space_create(&cfg, &sp), 0);
		assert_int_equal(om_heap_destroy(h), OM_EBUSY);        /* a space uses it */
		assert_int_equal(om_class_create(sp, &def, &cls), 0);
		assert_int_equal(om_new(cls, &obj), 0);
		assert_int_equal(om_set(obj, om_intern("x"), om_int(1)), 0);
		assert_int_equal(om_heap_get_stats(h, &st), 0);
		assert_string_equal(st.name, i < 2 ? "kmalloc" : "libc");
		if (i < 2)
			assert_string_equal(st.impl, "slotslab");
		else
			assert_true(strcmp(st.impl, "glibc") == 0 || strcmp(st.impl, "asan") == 0 ||
				    strcmp(st.impl, "jemalloc") == 0 ||
				    strcmp(st.impl, "mimalloc") == 0 ||
				    strcmp(st.impl, "tcmalloc") == 0);
		assert_int_equal(st.blocks, 1);                        /* the 2.7 dict */
		assert_int_equal(st.live.requested, 280);
		assert_true(st.live.held >= 280);
		assert_int_equal(st.nmalloc - st.nfree, 1);
		om_free(obj);
		assert_int_equal(om_heap_get_stats(h, &st), 0);
		assert_int_equal(st.blocks, 0);
		assert_int_equal(st.live.requested, 0);
		assert_int_equal(st.live.held, 0);
		assert_int_equal(st.peak.requested, 280);
		assert_int_equal(om_space_destroy(sp), 0);
		assert_int_equal(om_heap_destroy(h), 0);
	}
	assert_int_equal(om_heap_destroy(NULL), 0);
}

static bool has_name(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* Classes with equal instance sizes share a slab cache that names them. */
static void test_caches_merge_by_size(void **state)
{
	static const char *const ab[] = { "a", "b" };
	static const char *const xy[] = { "x", "y" };
	static const char *const x[] = { "x" };
	struct om_space_config cfg = { .profile = "native" };
	struct om_class_def da = { "MergeA", NULL, ab, 2, OM_CLASS_SLOTS };
	struct om_class_def db = { "MergeB", NULL, xy, 2, OM_CLASS_SLOTS };
	struct om_class_def dc = { "MergeC", NULL, x, 1, OM_CLASS_SLOTS };
	struct om_class_info ia, ib, ic;
	struct om_class *a, *b, *c;
	struct om_space *sp;
	char *report = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_int_equal(om_class_create(sp, &da, &a), 0);
	assert_int_equal(om_class_create(sp, &db, &b), 0);
	assert_int_equal(om_class_create(sp, &dc, &c), 0);
	assert_int_equal(om_class_get_info(a, &ia), 0);
	assert_int_equal(om_class_get_info(b, &ib), 0);
	assert_int_equal(om_class_get_info(c, &ic), 0);
	assert_int_equal(ia.instance_size, 24);
	assert_int_equal(ia.instance_held, 24);
	assert_int_equal(ic.instance_size, 16);
	if (getenv("SLOTSLAB_NOMERGE") == NULL) {
		assert_true(has_name(ia.cache_names, "om:MergeA"));
		assert_true(has_name(ia.cache_names, "om:MergeB"));
		assert_string_equal(ia.cache_names, ib.cache_names);
		assert_false(has_name(ic.cache_names, "om:MergeA"));
	}
	assert_true(has_name(ic.cache_names, "om:MergeC"));
	/* the slabinfo report shows the classes' cache */
	f = open_memstream(&report, &len);
	assert_non_null(f);
	assert_int_equal(slabinfo_write(f, SLABINFO_ALL), 0);
	fclose(f);
	assert_non_null(strstr(report, "om:MergeA"));
	free(report);
	assert_int_equal(om_space_destroy(sp), 0);

	/* OM_SPACE_NO_MERGE keeps a cache per class */
	cfg.flags = OM_SPACE_NO_MERGE;
	da.name = "SoloA";
	db.name = "SoloB";
	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_int_equal(om_class_create(sp, &da, &a), 0);
	assert_int_equal(om_class_create(sp, &db, &b), 0);
	assert_int_equal(om_class_get_info(a, &ia), 0);
	assert_int_equal(om_class_get_info(b, &ib), 0);
	assert_string_equal(ia.cache_names, "om:SoloA");
	assert_string_equal(ib.cache_names, "om:SoloB");
	assert_int_equal(om_space_destroy(sp), 0);

	/* OM_SPACE_HEAP_INSTANCES: no cache, instances from the heap */
	cfg.flags = OM_SPACE_HEAP_INSTANCES;
	assert_int_equal(om_space_create(&cfg, &sp), 0);
	assert_int_equal(om_class_create(sp, &da, &a), 0);
	assert_int_equal(om_class_get_info(a, &ia), 0);
	assert_string_equal(ia.cache_names, "");
	{
		struct om_object *obj;
		struct om_heap_stats hs;

		assert_int_equal(om_new(a, &obj), 0);
		assert_int_equal(om_heap_get_stats(om_space_heap(sp), &hs), 0);
		assert_int_equal(hs.live.requested, 24);
		om_free(obj);
	}
	assert_int_equal(om_space_destroy(sp), 0);
}

static void test_lifetimes(void **state)
{
	struct om_class_def def = { .name = "Life" }, sub = { .name = "LifeSub" };
	struct om_class_def bad = { .name = "" };
	struct om_space *sp, *sp2;
	struct om_class *cls, *cls2, *foreign;
	struct om_object *obj;

	assert_int_equal(om_space_create(NULL, &sp), 0);
	assert_int_equal(om_space_create(NULL, &sp2), 0);
	static const char *const unnamed[] = { "a", "" };
	struct om_class_def noname = { "NoName", NULL, unnamed, 2, OM_CLASS_SLOTS };

	assert_int_equal(om_class_create(sp, &bad, &cls), OM_EINVAL);
	assert_int_equal(om_class_create(sp, &noname, &cls), OM_EINVAL);
	assert_non_null(strstr(om_errmsg(), "no name"));
	assert_int_equal(om_class_create(sp, &def, &cls), 0);
	assert_int_equal(om_class_create(sp2, &def, &foreign), 0);
	sub.base = foreign;
	assert_int_equal(om_class_create(sp, &sub, &cls2), OM_EINVAL);
	assert_non_null(strstr(om_errmsg(), "another space"));
	sub.base = cls;
	assert_int_equal(om_class_create(sp, &sub, &cls2), 0);
	assert_ptr_equal(om_class_find(sp, "Life"), cls);
	assert_ptr_equal(om_class_find(sp, "LifeSub"), cls2);
	assert_null(om_class_find(sp, "Nope"));
	assert_string_equal(om_class_name(cls2), "LifeSub");
	assert_ptr_equal(om_class_base(cls2), cls);
	assert_null(om_class_base(cls));
	assert_int_equal(om_new(cls, &obj), 0);
	assert_ptr_equal(om_class_of(obj), cls);
	assert_int_equal(om_class_destroy(cls), OM_EBUSY);     /* instance, subclass */
	assert_int_equal(om_space_destroy(sp), OM_EBUSY);
	assert_int_equal(om_class_destroy(cls2), 0);
	assert_int_equal(om_class_destroy(cls), OM_EBUSY);     /* instance */
	om_free(obj);
	om_free(NULL);
	assert_int_equal(om_class_destroy(cls), 0);
	assert_int_equal(om_class_destroy(NULL), 0);
	assert_int_equal(om_space_destroy(sp), 0);
	assert_int_equal(om_space_destroy(sp2), 0);
}

/* Spaces on several threads over one shared heap: the counters hold. */
struct worker {
	struct om_heap *heap;
	const char *profile;
	int rounds;
	int err;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct om_space_config cfg = { .profile = w->profile, .heap = w->heap };
	struct om_class_def def = { .name = "T" };
	struct om_object *objs[64];
	struct om_space *sp;
	struct om_class *cls;
	char name[8];

	if ((w->err = om_space_create(&cfg, &sp)) != 0 ||
	    (w->err = om_class_create(sp, &def, &cls)) != 0)
		return NULL;
	for (int r = 0; r < w->rounds; r++) {
		for (int i = 0; i < 64; i++) {
			if ((w->err = om_new(cls, &objs[i])) != 0)
				return NULL;
			for (int k = 0; k < i % 12; k++) {
				snprintf(name, sizeof(name), "t%d", k);
				if ((w->err = om_set(objs[i], om_intern(name), om_int(k))) != 0)
					return NULL;
			}
		}
		for (int i = 0; i < 64; i++)
			om_free(objs[i]);
	}
	w->err = om_space_destroy(sp);
	return NULL;
}

static void test_threads_share_a_heap(void **state)
{
	const char *const *profiles = om_profile_names();
	struct worker w[3];
	pthread_t t[3];
	struct om_heap_stats st;
	struct om_heap *heap;

	assert_int_equal(om_heap_create("libc", &heap), 0);
	for (int i = 0; i < 3; i++) {
		w[i] = (struct worker){ heap, profiles[i], 50, -1 };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].err, 0);
	}
	assert_int_equal(om_heap_get_stats(heap, &st), 0);
	assert_int_equal(st.blocks, 0);
	assert_int_equal(st.live.requested, 0);
	assert_int_equal(st.live.held, 0);
	assert_int_equal(st.nmalloc, st.nfree);
	assert_true(st.peak.requested > 0);
	assert_int_equal(om_heap_destroy(heap), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errmsg_is_per_thread),
		cmocka_unit_test(test_profiles_and_spaces),
		cmocka_unit_test(test_heaps),
		cmocka_unit_test(test_caches_merge_by_size),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_threads_share_a_heap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
