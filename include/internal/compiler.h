/* SPDX-License-Identifier: MIT */
/*
 * internal/compiler.h - compiler helpers shared by alloc/, objects/, bench/.
 * Not installed.  Kconfig symbols come from the generated autoconf.h, which
 * the build force-includes; IS_ENABLED() turns them into 0/1 expressions so
 * that configured-out code is still compiled and type-checked, then dropped.
 */
#ifndef SLOTSLAB_INTERNAL_COMPILER_H
#define SLOTSLAB_INTERNAL_COMPILER_H

#include <stddef.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __noinline      __attribute__((noinline))
#define __cold          __attribute__((cold, noinline))
#define __hidden        __attribute__((visibility("hidden")))
#define __maybe_unused  __attribute__((unused))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
/*
 * __fast_path: an allocation or free fast path that programs call by the
 * million.  In .text.hot, next to the others, and at the start of a cache
 * line, so that where it lies within its lines does not move with the rest
 * of the code: two builds whose fast paths are the same instructions
 * (SLAB_DEBUG compiled in or not, scripts/configcost.sh) had them at
 * different offsets.  Pinned, the two builds' hot pairs timed alike before
 * and after (3.87 / 3.87 ns, 3.79 / 3.79); make bench's 3-9 % between them
 * is the machine's noise, whose runs spread by more.
 */
#define __fast_path     __attribute__((hot, aligned(64)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_POWER_OF_2(x) ((x) != 0 && ((x) & ((x) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/*
 * Plain loads and stores of data another thread may read or write
 * concurrently.  Relaxed atomics compile to ordinary moves on x86-64 and
 * keep ThreadSanitizer informed.
 */
#define READ_ONCE(x)     __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)      __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)  __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/*
 * __big_bss: a big zero-filled array of which a process touches a page or
 * two (the page map's root, the empty thread cache, the cache table).  GNU
 * ld places .lbss after .bss, so the library's small variables share two
 * or three pages instead of each file's lying between two big arrays, on
 * pages of their own.  clang emits .lbss with file contents (8 MiB more
 * in the file), so its builds keep them in .bss.
 */
#ifdef __clang__
#define __big_bss
#else
#define __big_bss __attribute__((section(".lbss")))
#endif

/* IS_ENABLED(CONFIG_FOO): 1 if autoconf.h defines CONFIG_FOO to 1, else 0. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define __is_defined(x) ___is_defined(x)
#define IS_ENABLED(option) __is_defined(option)

#endif
