// SPDX-License-Identifier: MIT
/*
 * record/interpose.c - libslotslab-record.so: the malloc family recorded,
 * then passed on to the allocator the process would have used.
 *
 * Every function of the malloc API is defined here, forwards to the next
 * definition in the lookup order (dlsym(RTLD_NEXT): glibc's malloc, or a
 * preloaded allocator named after this library) and appends an event to
 * the calling thread's buffer (internal.h, stream.c):
 *
 *   malloc, calloc        REC_MALLOC / REC_CALLOC, after the call
 *   memalign, aligned_alloc, posix_memalign, valloc, pvalloc
 *                         REC_MEMALIGN with the alignment (the page for
 *                         valloc and pvalloc; pvalloc's size rounded up)
 *   realloc, reallocarray REC_REALLOC_BEGIN before, REC_REALLOC after
 *   free                  REC_FREE, before the call; free(NULL) is not
 *                         recorded
 *   malloc_usable_size    passed on, not recorded
 *
 * Sizes are the ones asked for.  A failed allocation is recorded with
 * block 0.  The sequence number of an allocation is taken after the call
 * and that of a free before it, so that ordering by it never puts the
 * reuse of an address before the free that released it (format.h).
 *
 * Recursion: dlsym() may itself allocate.  While the real functions are
 * being looked up (once, under pthread_once) the looking-up thread is
 * served from a static 64 KiB bootstrap arena whose blocks are never
 * freed; free() ignores them and realloc() copies them out.  Any call the
 * recorder makes that may allocate runs with the thread's mode REC_OFF,
 * so it is passed on and not recorded.
 *
 * Process ends: execve and its variants, _exit and _Exit write everything
 * buffered first (rec_flush_all), as the library's destructor does for
 * exit(); fork() is handled by atfork handlers (stream.c).
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "record/internal.h"

#define API __attribute__((visibility("default")))
#define PAGE 4096UL

extern char **environ;

static struct {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
	void (*exit_)(int);
} real;

/* ---- bootstrap: allocations while dlsym runs -------------------------- */

#define BOOT_BYTES 65536

static char boot_arena[BOOT_BYTES] __attribute__((aligned(64)));
static size_t boot_used;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static __thread bool resolving __attribute__((tls_model("initial-exec")));

static bool is_boot(const void *p)
{
	return (const char *)p >= boot_arena && (const char *)p < boot_arena + BOOT_BYTES;
}

/* A 16-byte header holds the size; the arena is zero and never reused. */
static void *boot_alloc(size_t align, size_t size)
{
	size_t at, end;

	if (align < 16)
		align = 16;
	do {
		at = __atomic_load_n(&boot_used, __ATOMIC_RELAXED);
		end = ALIGN_UP(at + 16, align);
		if (align > PAGE || size > BOOT_BYTES || end + size > BOOT_BYTES)
			return NULL;
	} while (!__atomic_compare_exchange_n(&boot_used, &at, end + size, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	memcpy(boot_arena + end - sizeof(size_t), &size, sizeof(size));
	return boot_arena + end;
}

static size_t boot_size(const void *p)
{
	size_t size;

	memcpy(&size, (const char *)p - sizeof(size_t), sizeof(size));
	return size;
}

static void *next_sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void resolve(void)
{
	real.malloc = next_sym("malloc");
	real.free = next_sym("free");
	real.calloc = next_sym("calloc");
	real.realloc = next_sym("realloc");
	real.memalign = next_sym("memalign");
	real.aligned_alloc = next_sym("aligned_alloc");
	real.posix_memalign = next_sym("posix_memalign");
	real.valloc = next_sym("valloc");
	real.pvalloc = next_sym("pvalloc");
	real.malloc_usable_size = next_sym("malloc_usable_size");
	real.execve = next_sym("execve");
	real.execvpe = next_sym("execvpe");
	real.fexecve = next_sym("fexecve");
	__atomic_store_n(&real.exit_, (void (*)(int))next_sym("_exit"), __ATOMIC_RELEASE);
}

/*
 * Are the real functions there?  False only for the thread looking them
 * up (its allocations come from the arena); other threads wait for it.
 */
static __always_inline bool ready(void)
{
	if (likely(__atomic_load_n(&real.exit_, __ATOMIC_ACQUIRE) != NULL))
		return true;
	if (resolving)
		return false;
	resolving = true;
	pthread_once(&resolve_once, resolve);
	resolving = false;
	return real.exit_ != NULL;
}

/* ---- the malloc API ----------------------------------------------------- */

API void *malloc(size_t size)
{
	void *p;

	if (unlikely(!ready()))
		return boot_alloc(16, size);
	p = real.malloc(size);
	if (rec_wanted())
		rec_put(REC_MALLOC, rec_seq(), (uintptr_t)p, 0, size);
	return p;
}

API void *calloc(size_t nmemb, size_t size)
{
	size_t bytes;
	void *p;

	if (unlikely(!ready()))
		return __builtin_mul_overflow(nmemb, size, &bytes) ? NULL : boot_alloc(16, bytes);
	p = real.calloc(nmemb, size);
	if (rec_wanted())
		rec_put(REC_CALLOC, rec_seq(), (uintptr_t)p, nmemb, size);
	return p;
}

API void free(void *p)
{
	if (!p || unlikely(is_boot(p) || !ready()))
		return;
	if (rec_wanted())
		rec_put(REC_FREE, rec_seq(), 0, (uintptr_t)p, 0);
	real.free(p);
}

API void *realloc(void *p, size_t size)
{
	void *q;

	if (unlikely(!ready() || is_boot(p))) {
		if (!p)
			return malloc(size);
		q = size ? malloc(size) : NULL;
		if (q)
			memcpy(q, p, MIN(size, boot_size(p)));
		return q;
	}
	if (!rec_wanted())
		return real.realloc(p, size);
	if (p)
		rec_put(REC_REALLOC_BEGIN, rec_seq(), 0, (uintptr_t)p, 0);
	q = real.realloc(p, size);
	rec_put(REC_REALLOC, rec_seq(), (uintptr_t)q, (uintptr_t)p, size);
	return q;
}

API void *reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(nmemb, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, bytes);
}

static void *record_aligned(void *p, size_t align, size_t size)
{
	if (rec_wanted())
		rec_put(REC_MEMALIGN, rec_seq(), (uintptr_t)p, align, size);
	return p;
}

API void *memalign(size_t align, size_t size)
{
	if (unlikely(!ready()))
		return boot_alloc(align, size);
	return record_aligned(real.memalign(align, size), align, size);
}

API void *aligned_alloc(size_t align, size_t size)
{
	if (unlikely(!ready()))
		return boot_alloc(align, size);
	return record_aligned(real.aligned_alloc(align, size), align, size);
}

API int posix_memalign(void **memptr, size_t align, size_t size)
{
	int rc;

	if (unlikely(!ready())) {
		*memptr = boot_alloc(align, size);
		return *memptr ? 0 : ENOMEM;
	}
	rc = real.posix_memalign(memptr, align, size);
	if (rc != EINVAL)
		record_aligned(rc == 0 ? *memptr : NULL, align, size);
	return rc;
}

API void *valloc(size_t size)
{
	if (unlikely(!ready()))
		return boot_alloc(PAGE, size);
	return record_aligned(real.valloc(size), PAGE, size);
}

API void *pvalloc(size_t size)
{
	if (unlikely(!ready()))
		return boot_alloc(PAGE, ALIGN_UP(size, PAGE));
	return record_aligned(real.pvalloc(size), PAGE, ALIGN_UP(size, PAGE));
}

API size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (unlikely(is_boot(p)))
		return boot_size(p);
	if (unlikely(!ready()))
		return 0;
	return real.malloc_usable_size(p);
}

/* ---- process ends: write what is buffered first ---------------------- */

API int execve(const char *path, char *const argv[], char *const envp[])
{
	if (!ready())
		return errno = ENOSYS, -1;
	rec_flush_all(REC_END_EXEC, false);
	return real.execve(path, argv, envp);
}

API int execvpe(const char *file, char *const argv[], char *const envp[])
{
	if (!ready())
		return errno = ENOSYS, -1;
	rec_flush_all(REC_END_EXEC, false);
	return real.execvpe(file, argv, envp);
}

API int fexecve(int fd, char *const argv[], char *const envp[])
{
	if (!ready())
		return errno = ENOSYS, -1;
	rec_flush_all(REC_END_EXEC, false);
	return real.fexecve(fd, argv, envp);
}

API int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

API int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/*
 * The list forms collect their arguments into a vector on the stack
 * (alloca: no allocation between fork and exec) and call the vector forms.
 */
#define COLLECT_ARGS(arg0, argv, envp_out) do {					\
	va_list ap;								\
	size_t n = 1;								\
										\
	va_start(ap, arg0);							\
	while (va_arg(ap, const char *))					\
		n++;								\
	va_end(ap);								\
	argv = __builtin_alloca((n + 1) * sizeof(char *));			\
	argv[0] = (char *)(arg0);						\
	va_start(ap, arg0);							\
	for (size_t i = 1; i <= n; i++)						\
		argv[i] = va_arg(ap, char *);					\
	envp_out;								\
	va_end(ap);								\
} while (0)

API int execl(const char *path, const char *arg, ...)
{
	char **argv;

	COLLECT_ARGS(arg, argv, (void)0);
	return execve(path, argv, environ);
}

API int execlp(const char *file, const char *arg, ...)
{
	char **argv;

	COLLECT_ARGS(arg, argv, (void)0);
	return execvpe(file, argv, environ);
}

API int execle(const char *path, const char *arg, ...)
{
	char **argv, **envp;

	COLLECT_ARGS(arg, argv, envp = va_arg(ap, char **));
	return execve(path, argv, envp);
}

API __attribute__((noreturn)) void _exit(int status)
{
	if (ready())
		rec_flush_all(REC_END__EXIT, true);
	if (real.exit_)
		real.exit_(status);
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

API __attribute__((noreturn)) void _Exit(int status)
{
	_exit(status);
}
