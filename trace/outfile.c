// SPDX-License-Identifier: MIT
/*
 * trace/outfile.c - output files that appear only complete (outfile.h has
 * the protocol and its states).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal/compiler.h"
#include "trace/outfile.h"

/* The temporary files of open outfiles, for outfile_remove_temps(). */
static const char *live_temps[16];

static void track_temp(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_temps); i++) {
		const char *none = NULL;

		if (__atomic_compare_exchange_n(&live_temps[i], &none, path, false,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	}
}

static void untrack_temp(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_temps); i++)
		if (__atomic_load_n(&live_temps[i], __ATOMIC_RELAXED) == path)
			__atomic_store_n(&live_temps[i], NULL, __ATOMIC_RELEASE);
}

void outfile_remove_temps(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_temps); i++) {
		const char *path = __atomic_load_n(&live_temps[i], __ATOMIC_ACQUIRE);

		if (path)
			unlink(path);
	}
}

int outfile_open(struct outfile *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t size = strlen(path) + 48;

	*o = (struct outfile){ .path = path, .fd = -1 };
	if (size > 4096) {
		errno = ENAMETOOLONG;
		return -1;
	}
	o->tmp = malloc(size);
	if (!o->tmp)
		return -1;
	for (unsigned int n = 0; n < 1000; n++) {
		sigset_t all, old;
		int err;

		snprintf(o->tmp, size, "%.*s.%s.tmp.%ld.%u", (int)dirlen, path, path + dirlen,
			 (long)getpid(), n);
		/* No signal between the file's creation and its tracking (it would stay). */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		err = errno;
		if (o->fd >= 0)
			track_temp(o->tmp);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (o->fd >= 0)
			return 0;
		if (err != EEXIST)
			break;
	}
	return -1;	/* o->tmp names the file tried, until outfile_abort() */
}

FILE *outfile_stream(struct outfile *o)
{
	assert(o->fd >= 0);
	if (!o->f)
		o->f = fdopen(o->fd, "w");
	return o->f;
}

/* Close what is open; 0, or -1 with errno. */
static int close_temp(struct outfile *o)
{
	int r = 0;

	if (o->f) {
		if (fclose(o->f) != 0)
			r = -1;
	} else if (o->fd >= 0 && close(o->fd) != 0) {
		r = -1;
	}
	o->f = NULL;
	o->fd = -1;
	return r;
}

static void forget_temp(struct outfile *o, bool remove)
{
	untrack_temp(o->tmp);
	if (remove)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

int outfile_commit(struct outfile *o, const char **what)
{
	int saved;

	assert(o->tmp && o->fd >= 0);
	*what = "write";
	if (o->f && fflush(o->f) != 0)
		goto fail;
	*what = "close";
	if (close_temp(o) != 0)
		goto fail;
	*what = "rename";
	if (rename(o->tmp, o->path) != 0)
		goto fail;
	forget_temp(o, false);
	return 0;
fail:
	saved = errno;
	close_temp(o);
	forget_temp(o, true);
	errno = saved;
	return -1;
}

void outfile_abort(struct outfile *o)
{
	if (!o->tmp)
		return;
	if (o->fd < 0) {	/* outfile_open() failed: nothing was created */
		free(o->tmp);
		o->tmp = NULL;
		return;
	}
	close_temp(o);
	forget_temp(o, true);
}
