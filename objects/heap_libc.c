// SPDX-License-Identifier: MIT
/*
 * objects/heap_libc.c - heap back-end: the process's malloc.
 *
 * malloc/free as the dynamic linker resolved them, so that LD_PRELOAD of
 * jemalloc, mimalloc or tcmalloc puts that allocator here; all three, and
 * glibc, implement malloc_usable_size(), which gives what a block holds.
 *
 * impl() names the allocator by a symbol only it exports (looked up once,
 * with dlsym(RTLD_DEFAULT)): mallctl (jemalloc), mi_malloc (mimalloc),
 * tc_malloc (tcmalloc), __asan_init (AddressSanitizer's allocator), else
 * glibc.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>

#include "objects/internal.h"

static void *libc_malloc(void *ctx, size_t size)
{
	return malloc(size);
}

static void libc_free(void *ctx, void *p)
{
	free(p);
}

static size_t libc_usable(void *ctx, const void *p)
{
	return malloc_usable_size((void *)p);
}

static const char *libc_impl(void *ctx)
{
	static const struct { const char *sym, *name; } probes[] = {
		{ "__asan_init", "asan" },
		{ "mallctl",     "jemalloc" },
		{ "mi_malloc",   "mimalloc" },
		{ "tc_malloc",   "tcmalloc" },
	};
	static const char *found;
	const char *name = READ_ONCE(found);

	if (name)
		return name;
	name = "glibc";
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		if (dlsym(RTLD_DEFAULT, probes[i].sym)) {
			name = probes[i].name;
			break;
		}
	}
	WRITE_ONCE(found, name);
	return name;
}

const struct om_heap_methods om_heap_libc_methods = {
	.name = "libc",
	.malloc = libc_malloc,
	.free = libc_free,
	.usable_size = libc_usable,
	.impl = libc_impl,
};
