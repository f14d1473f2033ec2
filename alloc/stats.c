// SPDX-License-Identifier: MIT
/*
 * alloc/stats.c - what the caches hold, for users and for slabinfo.
 *
 * Counts come from three places, read without stopping the world:
 *   - slab lists (list_lock): slabs, and objects outside their slabs
 *     (inuse), which include objects cached in magazines;
 *   - magazines (thread_lock, depot_lock): what threads and depots cache,
 *     subtracted to give the objects really in use (active);
 *   - counters: per-thread ones (tc_slot) plus per-cache ones folded in
 *     from the slow paths and from exited threads.
 * A report taken while other threads allocate is a consistent snapshot of
 * each source, not of all three at one instant.
 */
#include <errno.h>
#include <string.h>

#include "alloc/internal.h"
#include <slotslab/version.h>

static void join_names(struct kmem_cache *s, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < s->nr_names && at + 1 < len; i++) {
		int n = snprintf(buf + at, len - at, "%s%s", i ? "," : "", s->names[i]);

		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* Fill @info; the caller holds slab_mutex (names are stable). */
static void get_info_locked(struct kmem_cache *s, struct kmem_cache_info *info,
			    char *namebuf, size_t namelen)
{
	struct slab *slab;
	struct mag_counts c = { 0 };
	unsigned long out = 0;

	memset(info, 0, sizeof(*info));
	join_names(s, namebuf, namelen);
	info->name = namebuf;
	info->object_size = s->object_size;
	info->size = s->size;
	info->align = s->align;
	info->order = s->order;
	info->objs_per_slab = s->objects;
	info->colours = s->colours;
	info->magazine_size = READ_ONCE(s->mag_size);
	info->flags = s->flags;

	pthread_mutex_lock(&s->list_lock);
	list_for_each_entry(slab, &s->partial, lru)
		out += slab->inuse;
	out += s->nr_full * s->objects;
	info->partial_slabs = s->nr_partial;
	info->full_slabs = s->nr_full;
	info->empty_slabs = s->nr_empty;
	info->total_slabs = s->nr_slabs;
	pthread_mutex_unlock(&s->list_lock);

	info->cached_objs = mag_cached_objects(s, &c);
	info->total_objs = info->total_slabs * s->objects;
	info->active_objs = out > info->cached_objs ? out - info->cached_objs : 0;
	info->active_slabs = info->partial_slabs + info->full_slabs;
	info->bytes_held = info->total_slabs * (PAGE_SIZE << s->order);
	info->bytes_active = info->active_objs * s->object_size;

	info->stats_enabled = IS_ENABLED(CONFIG_SLAB_STATS);
	info->allocs = c.allocs + READ_ONCE(s->st_allocs);
	info->frees = c.frees + READ_ONCE(s->st_frees);
	info->alloc_slowpath = c.alloc_slow + READ_ONCE(s->st_alloc_slow);
	info->free_slowpath = c.free_slow + READ_ONCE(s->st_free_slow);
	info->slabs_allocated = READ_ONCE(s->st_slabs_alloc);
	info->slabs_freed = READ_ONCE(s->st_slabs_free);
	info->depot_hits = READ_ONCE(s->st_depot_hit);
	info->depot_misses = READ_ONCE(s->st_depot_miss);
	info->bad_frees = READ_ONCE(s->st_bad_free);
}

/*
 * The name in a kmem_cache_info points into a buffer per thread, valid
 * until the thread's next call.
 */
static __thread char info_names[512];

int kmem_cache_get_info(struct kmem_cache *s, struct kmem_cache_info *info)
{
	if (!s || !info) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&slab_mutex);
	get_info_locked(s, info, info_names, sizeof(info_names));
	pthread_mutex_unlock(&slab_mutex);
	return 0;
}

int kmem_cache_for_each(int (*fn)(struct kmem_cache *s, const struct kmem_cache_info *info,
				  void *arg), void *arg)
{
	struct kmem_cache *s;
	struct kmem_cache_info info;
	char names[512];
	int ret = 0;

	slab_init();
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list) {
		get_info_locked(s, &info, names, sizeof(names));
		ret = fn(s, &info, arg);
		if (ret)
			break;
	}
	pthread_mutex_unlock(&slab_mutex);
	return ret;
}

int slab_get_mem_info(struct slab_mem_info *info)
{
	if (!info) {
		errno = EINVAL;
		return -1;
	}
	page_get_mem_info(info);
	return 0;
}

int slabinfo_write(FILE *f, unsigned int flags)
{
	const unsigned int want_stats = flags;
	struct kmem_cache *s;
	struct kmem_cache_info info;
	char names[512];
	int err = 0;

	slab_init();
	fprintf(f, "slabinfo - version: 2.1\n");
	fprintf(f, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		"slabdata <active_slabs> <num_slabs> <sharedavail>");
	if (!IS_ENABLED(CONFIG_SLAB_STATS))
		flags &= ~SLABINFO_STATS;	/* said once below, not printed as zeros */
	if (flags & SLABINFO_STATS)
		fprintf(f, " : stats <allocs> <frees> <alloc_slow> <free_slow> "
			"<slabs_new> <slabs_freed> <depot_hit> <depot_miss> <bad_free>");
	fputc('\n', f);
	if (!IS_ENABLED(CONFIG_SLAB_STATS) && (want_stats & SLABINFO_STATS))
		fprintf(f, "# stats: unavailable (built without CONFIG_SLAB_STATS)\n");

	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list) {
		get_info_locked(s, &info, names, sizeof(names));
		if (!(flags & SLABINFO_ALL) && info.total_slabs == 0)
			continue;
		/* tunables: magazine size, depot limit; sharedavail: cached objects */
		fprintf(f, "%-17s %6lu %6lu %6u %4u %4u : tunables %4u %4u %4u : "
			"slabdata %6lu %6lu %6lu",
			info.name, info.active_objs, info.total_objs, info.size,
			info.objs_per_slab, 1U << info.order, info.magazine_size,
			READ_ONCE(s->depot_max), 0U,
			info.active_slabs, info.total_slabs, info.cached_objs);
		if (flags & SLABINFO_STATS)
			fprintf(f, " : stats %lu %lu %lu %lu %lu %lu %lu %lu %lu",
				info.allocs, info.frees, info.alloc_slowpath,
				info.free_slowpath, info.slabs_allocated,
				info.slabs_freed, info.depot_hits, info.depot_misses,
				info.bad_frees);
		fputc('\n', f);
	}
	pthread_mutex_unlock(&slab_mutex);
	if (fflush(f) != 0 || ferror(f))
		err = -1;
	return err;
}

const char *slotslab_version(void)
{
	return SLOTSLAB_VERSION;
}
