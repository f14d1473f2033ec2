// SPDX-License-Identifier: MIT
/*
 * examples/slab_example.c - using slotslab's slab allocator from another
 * C project.  Build against an installed slotslab:
 *
 *     cc slab_example.c $(pkg-config --cflags --libs slotslab) -o slab_example
 *
 * A cache of fixed-size records with a constructor, kmalloc for the rest,
 * and the cache's statistics at the end.
 */
#include <stdio.h>
#include <string.h>

#include <slotslab/slab.h>

struct point {
	double x, y;
	unsigned int visits;	/* constructed state: survives free and reuse */
};

static void point_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct point));
}

int main(void)
{
	struct kmem_cache *points;
	struct kmem_cache_info info;
	struct point *p[1000];
	char *name;

	points = kmem_cache_create("point", sizeof(struct point), 0,
				   SLAB_HWCACHE_ALIGN, point_ctor);
	if (!points) {
		perror("kmem_cache_create");
		return 1;
	}
	for (int i = 0; i < 1000; i++) {
		p[i] = kmem_cache_alloc(points, GFP_KERNEL);
		if (!p[i])
			return 1;
		p[i]->x = i;
		p[i]->visits++;
	}
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(points, p[i]);

	name = kmalloc(32, GFP_KERNEL | __GFP_ZERO);
	snprintf(name, 32, "slotslab %s", slotslab_version());
	kmem_cache_get_info(points, &info);
	printf("%s: cache %s, %u objects per %u KiB slab, %lu slabs, %lu bytes held\n",
	       name, info.name, info.objs_per_slab, 4U << info.order,
	       info.total_slabs, info.bytes_held);
	kfree(name);
	kmem_cache_destroy(points);
	return 0;
}
