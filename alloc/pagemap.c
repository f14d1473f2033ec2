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
 * freed (they are metadata for address space, not for memory).  A lookup is
 * two dependent loads and never touches memory that is not ours, so a
 * foreign pointer is recognised safely.
 *
 * Concurrency: readers take no lock.  Leaves are published with a release
 * store and read with acquire; entries are written with relaxed stores
 * before the slab's objects can reach another thread, and that hand-over
 * (through the cache's locks or the user's own synchronisation) orders them.
 * Writers serialise leaf creation on pagemap_lock.
 */
#include "alloc/internal.h"

struct pm_leaf *pagemap_root[1UL << PM_ROOT_BITS] __big_bss;
static pthread_mutex_t pagemap_lock = PTHREAD_MUTEX_INITIALIZER;

static struct pm_leaf *leaf_get(uintptr_t a)
{
	struct pm_leaf **slot = &pagemap_root[a >> (PAGE_SHIFT + PM_LEAF_BITS)];
	struct pm_leaf *leaf = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (likely(leaf))
		return leaf;
	pthread_mutex_lock(&pagemap_lock);
	leaf = *slot;
	if (!leaf) {
		leaf = page_meta_map(sizeof(*leaf));
		if (leaf)
			__atomic_store_n(slot, leaf, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&pagemap_lock);
	return leaf;
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
