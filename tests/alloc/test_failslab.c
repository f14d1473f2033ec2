// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_failslab.c - fault injection (CONFIG_FAILSLAB): the spec
 * parser, the nth/after/prob modes and cache globs, and the sweep: a
 * representative workload over the allocator and the object model is run
 * once per allocation it makes, with exactly that allocation failing.  At
 * every point it must end with 0 or a clean out-of-memory error, and leave
 * nothing allocated behind.  Skipped in builds without CONFIG_FAILSLAB.
 */
#include <errno.h>

#include "tests/lib/testutil.h"
#include <slotslab/slab.h>
#include <slotslab/object.h>
#include "internal/compiler.h"

static int skip_unless_failslab(void)
{
	if (!IS_ENABLED(CONFIG_FAILSLAB)) {
		errno = 0;
		assert_int_equal(slab_fault_inject("nth:1"), -1);
		assert_int_equal(errno, ENOSYS);
		print_message("# skipped: built without CONFIG_FAILSLAB\n");
		return 1;
	}
	return 0;
}

static void test_spec_parsing(void **state)
{
	static const char *const bad[] = {
		"nth:", "nth:0", "nth:x", "after", "prob:2", "prob:-1", "prob:",
		"sometimes", "nth:3,", "nth:3x",
	};

	if (skip_unless_failslab())
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		if (slab_fault_inject(bad[i]) != -1 || errno != EINVAL)
			fail_msg("spec '%s' accepted", bad[i]);
	}
	assert_int_equal(slab_fault_inject("nth:3"), 0);
	assert_int_equal(slab_fault_inject("after:0,kmalloc-*"), 0);
	assert_int_equal(slab_fault_inject("prob:0.5"), 0);
	assert_int_equal(slab_fault_inject(NULL), 0);
	assert_int_equal(slab_fault_inject(""), 0);
}

static void test_nth_after_prob(void **state)
{
	struct kmem_cache *s;
	void *p[10];

	if (skip_unless_failslab())
		skip();
	s = kmem_cache_create("fs_nth", 64, 0, SLAB_NO_MERGE, NULL);
	assert_int_equal(slab_fault_inject("nth:3,fs_*"), 0);
	for (int i = 0; i < 10; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (i == 2)
			assert_null(p[i]);
		else
			assert_non_null(p[i]);
	}
	assert_int_equal(slab_fault_count(), 10);
	/* kmalloc caches do not match the glob and are not counted */
	kfree(kmalloc(10, GFP_KERNEL));
	assert_int_equal(slab_fault_count(), 10);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(s, p[i]);

	assert_int_equal(slab_fault_inject("after:2"), 0);
	assert_non_null(p[0] = kmalloc(100, GFP_KERNEL));
	assert_non_null(p[1] = kmalloc(100000, GFP_KERNEL));	/* large blocks count */
	assert_null(kmalloc(100, GFP_KERNEL));
	assert_null(kmalloc(100000, GFP_KERNEL));
	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, 5, p + 2), 0);
	assert_int_equal(slab_fault_inject(NULL), 0);
	kfree(p[0]);
	kfree(p[1]);

	assert_int_equal(slab_fault_inject("prob:1"), 0);
	assert_null(kmem_cache_alloc(s, GFP_KERNEL));
	assert_int_equal(slab_fault_inject("prob:0"), 0);
	assert_non_null(p[0] = kmem_cache_alloc(s, GFP_KERNEL));
	assert_int_equal(slab_fault_inject(NULL), 0);
	kmem_cache_free(s, p[0]);
	kmem_cache_destroy(s);
}

/* ---- the sweep ---------------------------------------------------------- */

enum { NOBJ = 24 };

/*
 * One pass over what slotslab does for its users: caches, bulk, kmalloc and
 * krealloc; an object space with slot, dict and hybrid classes, dicts that
 * grow, deletes, weak references and a class change.  Everything it makes
 * is released on every path.  Return: 0, or the first error.
 */
static int workload(const char *profile)
{
	static const char *const pt_slots[] = { "x", "y" };
	static const char *const hy_slots[] = { "a" };
	const struct om_sym *names[40];
	struct om_space_config cfg = { .profile = profile };
	struct om_space *sp = NULL;
	struct om_class *pt = NULL, *pt2 = NULL, *bag = NULL, *hy = NULL;
	struct om_object *obj[3 * NOBJ] = { NULL };
	struct om_weakref *ref[NOBJ] = { NULL };
	struct kmem_cache *c;
	void *bulk[40], *k = NULL, *k2;
	int err = 0;

	/* the slab allocator on its own */
	c = kmem_cache_create("fs_work", 72, 0, 0, NULL);
	if (!c)
		return OM_ENOMEM;
	if (kmem_cache_alloc_bulk(c, GFP_KERNEL, ARRAY_SIZE(bulk), bulk)) {
		kmem_cache_free_bulk(c, ARRAY_SIZE(bulk), bulk);
	} else {
		err = OM_ENOMEM;
	}
	kmem_cache_destroy(c);
	if (!err) {
		k = kmalloc(24, GFP_KERNEL);
		for (size_t n = 48; k && n < 20000; n *= 3) {
			k2 = krealloc(k, n, GFP_KERNEL);
			if (!k2) {
				err = OM_ENOMEM;
				break;
			}
			k = k2;
		}
		if (!k)
			err = OM_ENOMEM;
		kfree(k);
	}
	if (err)
		return err;

	/* the object model */
	for (int i = 0; i < 40; i++) {
		char nm[16];

		snprintf(nm, sizeof(nm), "attr%d", i);
		names[i] = om_intern(nm);
		if (!names[i])
			return OM_ENOMEM;
	}
	err = om_space_create(&cfg, &sp);
	if (err)
		return err;
	err = om_class_create(sp, &(struct om_class_def){ .name = "Point", .slots = pt_slots,
			      .nslots = 2, .flags = OM_CLASS_SLOTS }, &pt);
	if (!err)
		err = om_class_create(sp, &(struct om_class_def){ .name = "Point2",
				      .slots = pt_slots, .nslots = 2, .flags = OM_CLASS_SLOTS }, &pt2);
	if (!err)
		err = om_class_create(sp, &(struct om_class_def){ .name = "Bag" }, &bag);
	if (!err)
		err = om_class_create(sp, &(struct om_class_def){ .name = "Hybrid",
				      .slots = hy_slots, .nslots = 1,
				      .flags = OM_CLASS_SLOTS | OM_CLASS_DICT | OM_CLASS_WEAKREF }, &hy);
	for (int i = 0; !err && i < NOBJ; i++) {
		err = om_new(pt, &obj[i]);
		if (!err)
			err = om_set(obj[i], om_intern("x"), om_int(i));
		if (!err)
			err = om_new(bag, &obj[NOBJ + i]);
		for (int a = 0; !err && a < (i % 5) * 8; a++)
			err = om_set(obj[NOBJ + i], names[a], om_int(a));
		if (!err && i % 5 > 1)
			err = om_del(obj[NOBJ + i], names[1]);
		if (!err)
			err = om_new(hy, &obj[2 * NOBJ + i]);
		if (!err)
			err = om_set(obj[2 * NOBJ + i], names[i % 7], om_int(i));
		if (!err && i % 3 == 0)
			err = om_weakref_new(obj[2 * NOBJ + i], &ref[i]);
		if (!err && i % 4 == 0)
			err = om_set_class(obj[i], pt2);
	}
	for (int i = 0; i < NOBJ; i++)
		om_weakref_free(ref[i]);
	for (int i = 0; i < 3 * NOBJ; i++)
		if (obj[i])
			om_free(obj[i]);
	if (om_space_destroy(sp) != 0 && !err)
		err = OM_EBUSY;
	return err;
}

static int sum_active(struct kmem_cache *s, const struct kmem_cache_info *info, void *arg)
{
	unsigned long *sum = arg;

	*sum += info->active_objs;
	return 0;
}

static unsigned long active_everywhere(void)
{
	unsigned long sum = 0;

	kmem_cache_for_each(sum_active, &sum);
	return sum;
}

static void sweep(const char *profile)
{
	unsigned long base, total;

	/* Warm up: first-use allocations (thread caches, magazines) settle. */
	assert_int_equal(workload(profile), 0);
	base = active_everywhere();
	assert_int_equal(slab_fault_inject("after:18446744073709551614"), 0);
	assert_int_equal(workload(profile), 0);
	total = slab_fault_count();
	assert_int_equal(slab_fault_inject(NULL), 0);
	assert_true(total > 50);
	print_message("# %s: sweeping %lu allocation points\n", profile, total);
	for (unsigned long k = 1; k <= total; k++) {
		char spec[32];
		int err;

		snprintf(spec, sizeof(spec), "nth:%lu", k);
		assert_int_equal(slab_fault_inject(spec), 0);
		err = workload(profile);
		assert_int_equal(slab_fault_inject(NULL), 0);
		if (err != 0 && err != OM_ENOMEM)
			fail_msg("%s: failing allocation %lu gave %s (%s)", profile, k,
				 om_strerror(err), om_errmsg());
		if (active_everywhere() != base)
			fail_msg("%s: failing allocation %lu leaked %ld objects", profile, k,
				 (long)(active_everywhere() - base));
	}
	/* And it still works. */
	assert_int_equal(workload(profile), 0);
}

static void test_sweep_native(void **state)
{
	if (skip_unless_failslab())
		skip();
	sweep("native");
}

static void test_sweep_cpython311(void **state)
{
	if (skip_unless_failslab())
		skip();
	sweep("cpython311");
}

static void test_sweep_cpython27(void **state)
{
	if (skip_unless_failslab())
		skip();
	sweep("cpython27");
}

/* A failed assertion must not leave fault injection armed for the next test. */
static int disarm(void **state)
{
	slab_fault_inject(NULL);
	return 0;
}

/* Magazines are the allocator's own: failing them only slows a thread down. */
static void test_magazine_failure_falls_back(void **state)
{
	struct kmem_cache *s;
	struct kmem_cache_info info;
	void *p[200];

	if (skip_unless_failslab())
		skip();
	s = kmem_cache_create("fs_mag", 88, 0, SLAB_NO_MERGE, NULL);
	assert_int_equal(slab_fault_inject("after:0,kmem_magazine"), 0);
	for (int i = 0; i < 200; i++)
		assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (int i = 0; i < 200; i++)
		kmem_cache_free(s, p[i]);
	assert_true(slab_fault_count() > 0);
	assert_int_equal(slab_fault_inject(NULL), 0);
	assert_int_equal(kmem_cache_get_info(s, &info), 0);
	assert_int_equal(info.active_objs, 0);
	kmem_cache_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_spec_parsing, disarm),
		cmocka_unit_test_teardown(test_nth_after_prob, disarm),
		cmocka_unit_test_teardown(test_magazine_failure_falls_back, disarm),
		cmocka_unit_test_teardown(test_sweep_native, disarm),
		cmocka_unit_test_teardown(test_sweep_cpython311, disarm),
		cmocka_unit_test_teardown(test_sweep_cpython27, disarm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
