// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_large_only.c - a program whose blocks are all large
 * mappings (over LARGE_CHUNK_MAX): no slab and no chunk is ever made, yet
 * its freed mappings go back to the OS as any other freed memory does
 * (alloc/page.c 4): by kmem_cache_shrink_all(), and at once beyond what
 * a mapping's free leaves resident (a quarter of the memory in use, at
 * least 16 MiB).
 *
 * A program of its own: the first test must run before anything in the
 * process allocates a small block.
 */
#include "tests/lib/testutil.h"
#include "alloc/internal.h"

#define BIG ((4UL << 20) + 100)	/* a mapping of its own */

static void *big(void)
{
	char *p = kmalloc(BIG, GFP_KERNEL);

	assert_non_null(p);
	memset(p, 0x5a, BIG);
	return p;
}

/* The freed mappings of a program that never made a slab are purged. */
static void test_shrink_purges_mappings(void **state)
{
	struct slab_mem_info m;
	void *p[3];

	(void)state;
	page_decay_ms = 1U << 30;	/* kept until purged, however slow the run */
	for (int i = 0; i < 3; i++)
		p[i] = big();
	assert_int_equal(slab_get_mem_info(&m), 0);
	assert_int_equal(m.slab_bytes, 0);	/* no small block so far */
	for (int i = 0; i < 3; i++)
		kfree(p[i]);
	assert_int_equal(slab_get_mem_info(&m), 0);
	assert_true(m.dirty_bytes >= 3 * BIG);	/* kept: 12 MiB, under 16 */
	kmem_cache_shrink_all();
	assert_int_equal(slab_get_mem_info(&m), 0);
	assert_int_equal(m.dirty_bytes, 0);
	assert_int_equal(m.large_bytes, 0);
	page_decay_ms = CONFIG_SLAB_DECAY_MS;
}

/*
 * However the frees fall, what they leave resident stays within a quarter
 * of the memory in use, or 16 MiB (kept mappings the next block may reuse).
 */
static void test_kept_mappings_bounded(void **state)
{
	enum { N = 24 };
	void *p[N];

	(void)state;
	for (int i = 0; i < N; i++)
		p[i] = big();
	for (int i = 0; i < N - 4; i++) {
		struct slab_mem_info m;
		unsigned long in_use;

		kfree(p[i]);
		assert_int_equal(slab_get_mem_info(&m), 0);
		in_use = m.slab_bytes + m.large_bytes;
		assert_true(m.dirty_bytes <= MAX(16UL << 20, in_use / 4));
	}
	for (int i = N - 4; i < N; i++)
		kfree(p[i]);
	kmem_cache_shrink_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shrink_purges_mappings),
		cmocka_unit_test(test_kept_mappings_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
