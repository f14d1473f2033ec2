// SPDX-License-Identifier: MIT
/*
 * alloc/pagemap.c - from an address to its slab in O(1), without a header.
 *
 * A two-level radix tree over the 47-bit user address space, one 8-byte
 * entry per 4 KiB page (tcmalloc's PageMap2):
 *
 *     root[addr >> 27]  ->  leaf (256 KiB, covers 128 MiB)
 *     leaf->e[(addr >> 12) & 0x7fff]  =  id << 48 | struct slab * | colour
 *
 * The root is 8 MiB of zero BSS, of which only the pages covering mapped
 * address ranges are ever touched; leaves are mapped on first use and never
 * freed (they are metadata for address space, not for memory).  A lookup
 * never touches memory that is not ours, so a foreign pointer is
 * recognised safely.
 *
 * The window.  Two dependent loads are two steps on the chain every free
 * waits for (the entry names the cache, the cache its thread's magazine
 * slot).  So the leaves of 64 GiB of address space around the first page
 * ever registered lie end to end in one reservation (128 MiB of address
 * space, read-only until a leaf is first used, then that leaf writable:
 * a page of it is memory only once an entry on it is written, and the
 * commit charge of strict overcommit only the leaves in use), and
 * pagemap_lookup() indexes it directly: one subtraction, one compare, one
 * load.  The kernel hands out mappings top-down next to each
 * other, so a heap's chunks fall in the window unless it outgrows 64 GiB;
 * whatever lies outside (or everything, if the reservation failed) takes
 * the radix tree, pagemap_lookup_far().  A window leaf is also installed
 * in the root when first used, so the tree alone stays a complete map
 * (pagemap_set and pagemap_clear go through it), and counts as metadata
 * from then on, as a mapped leaf does.
 *
 * Concurrency: readers take no lock.  Leaves are published with a release
 * store and read with acquire, as is the window's base (its array first);
 * entries are written with relaxed stores before the slab's objects can
 * reach another thread, and that hand-over (through the cache's locks or
 * the user's own synchronisation) orders them.  Writers serialise leaf
 * creation and the window's set-up on pagemap_lock.
 */
#include "alloc/internal.h"

#define LEAF_SPAN	(1UL << (PAGE_SHIFT + PM_LEAF_BITS))
#define WINDOW_SPAN	(1UL << PM_WINDOW_BITS)

struct pm_leaf *pagemap_root[1UL << PM_ROOT_BITS] __big_bss;
uintptr_t pm_window_base = 1UL << 63;
uint64_t *pm_window;
static bool window_tried;
static pthread_mutex_t pagemap_lock = PTHREAD_MUTEX_INITIALIZER;

_Static_assert(PM_WINDOW_BITS < PM_ADDR_BITS && PM_WINDOW_BITS >= PAGE_SHIFT + PM_LEAF_BITS,
	       "the window is whole leaves inside the user address space");

/*
 * Reserve the window around @a, the first page ever registered, once.
 * pagemap_lock held.
 */
static void window_setup_locked(uintptr_t a)
{
	const uintptr_t top = 1UL << PM_ADDR_BITS;
	uint64_t *w;
	uintptr_t base;

	window_tried = true;
	w = page_meta_reserve(PM_WINDOW_PAGES * sizeof(*w));
	if (!w)
		return;	/* no address space to spare: the tree does it all */
	base = a > WINDOW_SPAN / 2 ? a - WINDOW_SPAN / 2 : 0;
	if (base > top - WINDOW_SPAN)
		base = top - WINDOW_SPAN;
	base &= ~(LEAF_SPAN - 1);
	pm_window = w;
	__atomic_store_n(&pm_window_base, base, __ATOMIC_RELEASE);
}

static struct pm_leaf *leaf_get(uintptr_t a)
{
	struct pm_leaf **slot = &pagemap_root[a >> (PAGE_SHIFT + PM_LEAF_BITS)];
	struct pm_leaf *leaf = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (likely(leaf))
		return leaf;
	pthread_mutex_lock(&pagemap_lock);
	leaf = *slot;
	if (!leaf) {
		if (!window_tried)
			window_setup_locked(a);
		if (a - pm_window_base < WINDOW_SPAN) {
			/* the window's own leaf or none: lookups read it there */
			leaf = (struct pm_leaf *)pm_window + (a - pm_window_base) / LEAF_SPAN;
			if (page_meta_open(leaf, sizeof(*leaf)) != 0)
				leaf = NULL;
		} else {
			leaf = page_meta_map(sizeof(*leaf));
		}
		if (leaf)
			__atomic_store_n(slot, leaf, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&pagemap_lock);
	return leaf;
}

/** pagemap_lookup_far - pagemap_lookup() of an address outside the window */
uint64_t pagemap_lookup_far(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	uintptr_t i = a >> (PAGE_SHIFT + PM_LEAF_BITS);
	struct pm_leaf *leaf;

	if (unlikely(i >= (1UL << PM_ROOT_BITS)))
		return 0;	/* beyond the 47-bit user address space */
	leaf = __atomic_load_n(&pagemap_root[i], __ATOMIC_ACQUIRE);
	if (unlikely(!leaf))
		return 0;
	return READ_ONCE(leaf->e[(a >> PAGE_SHIFT) & ((1UL << PM_LEAF_BITS) - 1)]);
}

/**
 * pagemap_set - map @pages pages from @addr to @e (see pm_entry())
 * Return: 0, or -1 if a leaf could not be mapped (nothing is changed then
 * for the pages not yet set; the caller undoes with pagemap_clear).
 */
int pagemap_set(const void *addr, size_t pages, uint64_t e)
{
	uintptr_t a = (uintptr_t)addr;

	for (size_t i = 0; i < pages; i++, a += PAGE_SIZE) {
		struct pm_leaf *leaf = leaf_get(a);

		if (!leaf) {
			pagemap_clear(addr, i);
			return -1;
		}
		WRITE_ONCE(leaf->e[(a >> PAGE_SHIFT) & ((1UL << PM_LEAF_BITS) - 1)], e);
	}
	return 0;
}

/** pagemap_clear - forget @pages pages from @addr */
void pagemap_clear(const void *addr, size_t pages)
{
	uintptr_t a = (uintptr_t)addr;

	for (size_t i = 0; i < pages; i++, a += PAGE_SIZE) {
		struct pm_leaf *leaf = __atomic_load_n(
			&pagemap_root[a >> (PAGE_SHIFT + PM_LEAF_BITS)], __ATOMIC_ACQUIRE);

		if (leaf)
			WRITE_ONCE(leaf->e[(a >> PAGE_SHIFT) & ((1UL << PM_LEAF_BITS) - 1)], 0);
	}
}

void pagemap_fork_lock(void)
{
	pthread_mutex_lock(&pagemap_lock);
}

void pagemap_fork_unlock(void)
{
	pthread_mutex_unlock(&pagemap_lock);
}
