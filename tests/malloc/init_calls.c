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
 *
 * Prints one line per function, "NAME CALLS", after a malloc and a free,
 * and exits 0 when none was called; tests/malloc/malloc_api.sh runs it.
 */
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

static unsigned int n_sysconf, n_snprintf, n_vsnprintf, n_strtoul;

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

int main(void)
{
	void *volatile p = malloc(40);
	unsigned int calls;

	free(p);
	p = malloc(5000);	/* a second class, a bigger slab */
	free(p);
	calls = n_sysconf + n_snprintf + n_vsnprintf + n_strtoul;
	printf("sysconf %u\nsnprintf %u\nvsnprintf %u\nstrtoul %u\n",
	       n_sysconf, n_snprintf, n_vsnprintf, n_strtoul);
	return calls ? 1 : 0;
}
