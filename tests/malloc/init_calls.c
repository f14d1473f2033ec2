// SPDX-License-Identifier: MIT
/*
 * tests/malloc/init_calls.c - the libc functions slotslab calls when a
 * program's first malloc sets it up.  Linked with libslotslab-malloc.a and
 * --wrap for each function below (malloc/build.mk), so that the archive's
 * calls, and only its calls and this file's, come through the counters here.
 * These functions run code of libc's that a program which only allocates
 * would not otherwise run, and the kernel maps libc's text 64 KiB around
 * each page first run: sysconf and snprintf at setup made a small program's
 * resident set 190 KB larger (alloc/slab_common.c, possible_cpus).
 * pthread_mutex_trylock reads a jump table in libc's read-only data, 64 KiB
 * more (alloc/magazine.c, depot_lock): no malloc or free may call it, the
 * depot's trips and their window ends included.
 *
 * Prints one line per function, "NAME CALLS", after the allocations below,
 * and exits 0 when none was called; tests/malloc/malloc_api.sh runs it.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long __real_sysconf(int name);
int __real_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
unsigned long __real_strtoul(const char *s, char **end, int base);
long __wrap_sysconf(int name);
int __wrap_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int __wrap_snprintf(char *buf, size_t size, const char *fmt, ...);
unsigned long __wrap_strtoul(const char *s, char **end, int base);
int __real_pthread_mutex_trylock(pthread_mutex_t *m);
int __wrap_pthread_mutex_trylock(pthread_mutex_t *m);

static unsigned int n_sysconf, n_snprintf, n_vsnprintf, n_strtoul, n_trylock;

long __wrap_sysconf(int name)
{
	n_sysconf++;
	return __real_sysconf(name);
}

int __wrap_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	n_vsnprintf++;
	return __real_vsnprintf(buf, size, fmt, ap);
}

int __wrap_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	n_snprintf++;
	va_start(ap, fmt);
	n = __real_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

unsigned long __wrap_strtoul(const char *s, char **end, int base)
{
	n_strtoul++;
	return __real_strtoul(s, end, base);
}

int __wrap_pthread_mutex_trylock(pthread_mutex_t *m)
{
	n_trylock++;
	return __real_pthread_mutex_trylock(m);
}

#define BATCH 5000

int main(void)
{
	static void *batch[BATCH];
	void *volatile p = malloc(40);
	unsigned int calls;

	free(p);
	p = malloc(5000);	/* a second class, a bigger slab */
	free(p);
	/*
	 * Batches that cross the depot (a magazine of 40-byte objects holds
	 * 64): some 150 trips each, so that windows of 256 trips end and
	 * reap and drain the depots (alloc/magazine.c 3).
	 */
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < BATCH; i++)
			batch[i] = malloc(40);
		for (int i = 0; i < BATCH; i++)
			free(batch[i]);
	}
	calls = n_sysconf + n_snprintf + n_vsnprintf + n_strtoul + n_trylock;
	printf("sysconf %u\nsnprintf %u\nvsnprintf %u\nstrtoul %u\npthread_mutex_trylock %u\n",
	       n_sysconf, n_snprintf, n_vsnprintf, n_strtoul, n_trylock);
	return calls ? 1 : 0;
}
