// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_pagemap_far.c - the allocator without the page map's
 * window (alloc/pagemap.c): when its 128 MiB of address space cannot be
 * reserved, every lookup walks the radix tree (pagemap_lookup_far), and
 * everything works as before.
 *
 * main() limits the address space (RLIMIT_AS) to what the process maps
 * already plus 96 MiB before slotslab maps anything: the window does not
 * fit, 2 MiB chunks do.  Under a sanitizer, whose shadow memory makes the
 * limit meaningless, the program skips.
 */
#include <sys/resource.h>

#include "tests/lib/testutil.h"
#include "alloc/internal.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static void test_no_window(void **state)
{
	void *p = kmalloc(100, GFP_KERNEL);
	uint64_t e;

	(void)state;
	assert_non_null(p);
	assert_int_equal(__atomic_load_n(&pm_window_base, __ATOMIC_ACQUIRE), 1UL << 63);
	assert_false(pagemap_lookup_near(p, &e));
	assert_int_not_equal(pm_id(pagemap_lookup(p)), 0);
	assert_int_equal(ksize(NULL), 0);
	assert_int_equal(ksize(ZERO_SIZE_PTR), 0);
	assert_int_equal(ksize(&e), 0);	/* not slotslab's */
	kfree(p);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
}

/* kmalloc, ksize, krealloc and kfree of every class and of large blocks */
static void test_kmalloc_far(void **state)
{
	static void *blocks[1024];
	size_t n = 0;

	(void)state;
	for (size_t size = 1; size <= (256UL << 10); size += size / 4 + 1) {
		for (int k = 0; k < 4; k++) {
			char *p = kmalloc(size, GFP_KERNEL);

			assert_non_null(p);
			assert_true(ksize(p) >= size);
			assert_int_equal(kmalloc_capacity(p + 1), 0);	/* not a block's start */
			memset(p, 0x3c, size);
			blocks[n++] = p;
		}
	}
	for (size_t i = 0; i < n; i += 2) {
		blocks[i] = krealloc(blocks[i], ksize(blocks[i]) * 2 + 1, GFP_KERNEL);
		assert_non_null(blocks[i]);
		assert_int_equal(((unsigned char *)blocks[i])[0], 0x3c);
	}
	for (size_t i = 0; i < n; i++)
		kfree(blocks[i]);
}

/* a cache's objects, freed and taken again, and a destroy that finds none left */
static void test_cache_far(void **state)
{
	struct kmem_cache *s = kmem_cache_create("far", 72, 0, SLAB_NO_MERGE, NULL);
	static void *objs[2000];

	(void)state;
	assert_non_null(s);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 2000; i++) {
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
			assert_non_null(objs[i]);
			memset(objs[i], i, 72);
		}
		for (int i = 0; i < 2000; i++)
			kmem_cache_free(s, objs[i]);
	}
	kmem_cache_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_window),
		cmocka_unit_test(test_kmalloc_far),
		cmocka_unit_test(test_cache_far),
	};
	unsigned long pages = 0;
	struct rlimit rl;
	FILE *f;

#ifdef UNDER_SANITIZER
	printf("1..0 # SKIP the address-space limit means nothing under a sanitizer\n");
	return 0;
#endif
	f = fopen("/proc/self/statm", "r");
	if (!f || fscanf(f, "%lu", &pages) != 1) {
		fprintf(stderr, "test_pagemap_far: cannot read /proc/self/statm\n");
		return 1;
	}
	fclose(f);
	rl.rlim_cur = rl.rlim_max = pages * (unsigned long)sysconf(_SC_PAGESIZE) + (96UL << 20);
	if (setrlimit(RLIMIT_AS, &rl) != 0) {
		perror("test_pagemap_far: setrlimit");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
