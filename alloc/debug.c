// SPDX-License-Identifier: MIT
/*
 * alloc/debug.c - catching corruption, saying exactly what happened, and
 * carrying on (the kernel's slab_debug, SLUB's check_object & co).
 *
 * Run-time switch: SLOTSLAB_DEBUG=FLAGS[,GLOB...][;FLAGS[,GLOB...]...]
 *   F  sanity checks: double free (freelist walk), freelist pointers
 *   Z  red zones before and after every object
 *   P  poisoning: free objects filled with 0x6b..0xa5, checked on reuse,
 *      so an object handed out reads as poison until written; for
 *      kmalloc-large, a block is filled with 0x6b when handed out (not
 *      __GFP_ZERO's: kmalloc.c)
 *   U  the last allocating and freeing call site and thread of an object
 *   -  nothing (to exempt caches from an earlier block)
 * A block with globs applies to the caches whose name matches one
 * (fnmatch); a block without applies to every other cache.  Bare
 * SLOTSLAB_DEBUG=FZPU debugs every cache.
 *
 * The error convention, per interface (every report below follows it):
 *   kernel  the kmem_cache API's (libslotslab): a "BUG <cache>:" report,
 *           the object quarantined or the free ignored, the process
 *           carries on, as SLUB does;
 *   libc    the malloc replacement's (libslotslab-malloc, which defines
 *           slab_libc_convention): one line "slotslab: <what>: ...", then
 *           abort(), as glibc's "free(): double free detected".
 *   SLOTSLAB_ERRORS=kernel|libc chooses the convention;
 *   SLOTSLAB_DEBUG_ABORT=1|0 then forces the abort on or off.
 *
 * What is detected, and where:
 *   double free            free: red zone already inactive (Z), object on
 *                          its slab's freelist (F); also after the block's
 *                          reuse: a debugged cache quarantines what it
 *                          frees (quarantine.c), so the "reuse" is another
 *                          object and the stale free finds its mark "freed"
 *   write after free       allocation: poison (P), of the object handed
 *                          out and of the one freed last; an object leaving
 *                          the quarantine
 *   interior / wrong-cache / foreign pointer
 *                          every free, every cache (slab.c's always-on
 *                          check); the page map never touches unmapped memory
 *   overrun, underrun      free: red zones (Z)
 *   memory read before it  not detected, but it reads as junk (P), so a
 *   is written             pointer read from it faults where zeros or old
 *                          data would carry on
 *   freelist corruption    allocation: a free pointer outside the slab or
 *                          off an object boundary (F, and always with Z/P)
 *
 * Every report starts with "BUG <cache>: <what>", as the kernel's do, gives
 * the object, its offset and index in the slab, the bytes that differ, the
 * call sites (U), and the action taken.  The action always keeps the
 * allocator consistent: a corrupt object is quarantined (left counted as in
 * use, never handed out again), a bad free is ignored, a corrupt freelist
 * is cut and the rest of it quarantined.
 *
 * Reports are formatted into a per-thread buffer and written with write(2):
 * no stdio lock and no allocation, since they may run under a cache lock
 * and slotslab may be the process's malloc.
 */
#include <dlfcn.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc/internal.h"
#include "alloc/debug.h"

#define MAX_BLOCKS 8
#define MAX_GLOBS  8

struct debug_block {
	unsigned long flags;
	unsigned int nglobs;
	const char *globs[MAX_GLOBS];
};

static char env_copy[512];
static struct debug_block blocks[MAX_BLOCKS];
static unsigned int nblocks;
static bool debug_abort;	/* abort() after a report */
static bool debug_terse;	/* one line per error (the libc convention) */
static __thread bool report_muted;	/* a terse report's details are not printed */

/* Defined by malloc/malloc.c: a process whose malloc is slotslab's. */
extern const bool slab_libc_convention __attribute__((weak, visibility("hidden")));

/* ---- configuration ------------------------------------------------------ */

static unsigned long parse_flags(const char *s)
{
	unsigned long f = 0;

	for (; *s; s++) {
		switch (*s) {
		case 'F': case 'f': f |= SLAB_CONSISTENCY_CHECKS; break;
		case 'Z': case 'z': f |= SLAB_RED_ZONE; break;
		case 'P': case 'p': f |= SLAB_POISON; break;
		case 'U': case 'u': f |= SLAB_STORE_USER; break;
		case '-': break;
		default:
			slab_report("slotslab: SLOTSLAB_DEBUG: unknown flag '%c' ignored "
				    "(F, Z, P, U or -)\n", *s);
		}
	}
	return f;
}

/**
 * debug_parse_env - read SLOTSLAB_DEBUG and SLOTSLAB_DEBUG_ABORT once, at
 * initialisation, before any cache exists.
 */
void debug_parse_env(void)
{
	const char *e = getenv("SLOTSLAB_DEBUG");
	const char *a = getenv("SLOTSLAB_DEBUG_ABORT");
	const char *conv = getenv("SLOTSLAB_ERRORS");
	char *save = NULL, *blk;
	bool libc = &slab_libc_convention != NULL;

	if (conv && strcmp(conv, "libc") == 0)
		libc = true;
	else if (conv && strcmp(conv, "kernel") == 0)
		libc = false;
	else if (conv && *conv)
		slab_report("slotslab: SLOTSLAB_ERRORS=%s ignored (kernel or libc)\n", conv);
	debug_terse = libc;
	debug_abort = libc;
	if (a && *a)
		debug_abort = strcmp(a, "0") != 0;
	if (!e || !*e)
		return;
	if (!IS_ENABLED(CONFIG_SLAB_DEBUG)) {
		slab_report("slotslab: SLOTSLAB_DEBUG ignored: built without CONFIG_SLAB_DEBUG\n");
		return;
	}
	snprintf(env_copy, sizeof(env_copy), "%s", e);
	for (blk = strtok_r(env_copy, ";", &save); blk && nblocks < MAX_BLOCKS;
	     blk = strtok_r(NULL, ";", &save)) {
		struct debug_block *b = &blocks[nblocks++];
		char *s2 = NULL, *tok = strtok_r(blk, ",", &s2);

		b->flags = tok ? parse_flags(tok) : 0;
		while ((tok = strtok_r(NULL, ",", &s2)) && b->nglobs < MAX_GLOBS)
			b->globs[b->nglobs++] = tok;
	}
}

/**
 * debug_flags_for - the SLOTSLAB_DEBUG flags for the cache called @name
 */
unsigned long debug_flags_for(const char *name)
{
	const struct debug_block *all = NULL;

	for (unsigned int i = 0; i < nblocks; i++) {
		if (blocks[i].nglobs == 0) {
			if (!all)
				all = &blocks[i];
			continue;
		}
		for (unsigned int g = 0; g < blocks[i].nglobs; g++)
			if (fnmatch(blocks[i].globs[g], name, 0) == 0)
				return blocks[i].flags;
	}
	return all ? all->flags : 0;
}

/**
 * debug_cache_layout - place red zones, free pointer and tracks around the
 * objects of a debug cache (see debug.h); sets inuse, offset, track_off,
 * red_left_pad and size.  SLUB's calculate_sizes().
 */
void debug_cache_layout(struct kmem_cache *s)
{
	size_t size = ALIGN_UP((size_t)s->object_size, sizeof(void *));

	if ((s->flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);		/* at least one word of right red zone */
	s->inuse = (unsigned int)size;
	if (s->flags & (SLAB_POISON | SLAB_RED_ZONE) || s->ctor) {
		s->offset = (unsigned int)size;	/* keep the free pointer off the object */
		size += sizeof(void *);
	}
	if (s->flags & SLAB_STORE_USER) {
		s->track_off = (unsigned int)size;
		size += 2 * sizeof(struct track);
	}
	if (s->flags & SLAB_RED_ZONE) {
		s->orig_off = (unsigned int)size;
		size += sizeof(size_t);
	}
	s->red_left_pad = 0;
	if (s->flags & SLAB_RED_ZONE) {
		s->red_left_pad = (unsigned int)ALIGN_UP(sizeof(void *), (size_t)s->align);
		size += s->red_left_pad;
	}
	s->size = (unsigned int)ALIGN_UP(size, (size_t)s->align);
}

/* ---- reporting ---------------------------------------------------------- */

/**
 * slab_report - printf to stderr without stdio or allocation
 *
 * The line is formatted on the stack: a buffer in thread-local storage
 * (as before 2026-12-06) made every thread's TLS block 4 KiB larger, which
 * the C library zeroes at each thread's start: a page of RSS per thread,
 * error or not.
 */
void slab_report(const char *fmt, ...)
{
	char report_buf[2048];
	va_list ap;
	int n;

	if (report_muted)
		return;
	va_start(ap, fmt);
	n = vsnprintf(report_buf, sizeof(report_buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(report_buf) - 1)
		n = (int)sizeof(report_buf) - 1;
	for (int off = 0; off < n;) {
		ssize_t w = write(2, report_buf + off, (size_t)(n - off));

		if (w <= 0)
			break;
		off += (int)w;
	}
}

static const char *cache_name(struct kmem_cache *s)
{
	return s ? kmem_cache_name(s) : "kmalloc";
}

/*
 * Start a report of @what about @obj (NULL: @what names the pointer).
 * The libc convention prints one line and mutes the details that follow
 * until report_end(); the kernel's prints the BUG banner.
 */
static void report_begin(struct kmem_cache *s, const void *obj, const char *what)
{
	slab_init();	/* the convention is read there: a free may come first */
	if (debug_terse) {
		if (obj)
			slab_report("slotslab: %s: block %p of %zu bytes (%s)%s\n", what, obj,
				    debug_obj_size(s, obj), cache_name(s),
				    debug_abort ? "; aborting" : "");
		else
			slab_report("slotslab: %s%s\n", what, debug_abort ? "; aborting" : "");
		report_muted = true;
		return;
	}
	slab_report("=============================================================================\n"
		    "BUG %s: %s\n"
		    "-----------------------------------------------------------------------------\n",
		    cache_name(s), what);
}

static void report_end(const char *action)
{
	report_muted = false;
	if (!debug_terse)
		slab_report("Action: %s\n\n", action);
	if (debug_abort) {
		if (!debug_terse)
			slab_report("slotslab: SLOTSLAB_DEBUG_ABORT is set: aborting\n");
		abort();
	}
}

/** debug_libc_convention - do reports follow the C library's convention? */
bool debug_libc_convention(void)
{
	return debug_terse;
}

/**
 * debug_errors_abort - does a heap error stop the process (the C library's
 * convention, or SLOTSLAB_DEBUG_ABORT=1)?
 */
bool debug_errors_abort(void)
{
	return debug_abort;
}

/**
 * debug_obj_size - the bytes the user asked for in @obj: kmalloc's
 * requested size when the cache keeps it, else the object size
 */
size_t debug_obj_size(struct kmem_cache *s, const void *obj)
{
	if (!s)
		return 0;
	if (s->orig_off && obj) {
		size_t n;

		vg_open((char *)obj + s->orig_off, sizeof(n));
		n = *(const size_t *)((const char *)obj + s->orig_off);
		vg_close((char *)obj + s->orig_off, sizeof(n));
		if (n <= s->object_size)
			return n;
	}
	return s->object_size;
}

/**
 * debug_set_orig_size - @obj, in use, holds @size bytes for its user: keep
 * the size, and make the bytes from it to the object's end red zone
 * (SLUB's kmalloc red zone).  No-op without Z.
 */
void debug_set_orig_size(struct kmem_cache *s, void *obj, size_t size)
{
	if (!s->orig_off || size > s->object_size)
		return;
	vg_open((char *)obj + s->orig_off, sizeof(size));
	*(size_t *)((char *)obj + s->orig_off) = size;
	vg_close((char *)obj + s->orig_off, sizeof(size));
	memset((char *)obj + size, SLAB_RED_ACTIVE, s->object_size - size);
}

static void print_caller(const char *label, const struct track *t)
{
	Dl_info di;
	struct timespec ts;
	long long age;

	if (!t->addr) {
		slab_report("%s: never\n", label);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	age = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec - (long long)t->when_ns;
	if (dladdr((void *)t->addr, &di) && di.dli_sname)
		slab_report("%s in %s+%#lx (%s) thread %d, %lld us ago\n", label, di.dli_sname,
			    t->addr - (unsigned long)di.dli_saddr,
			    di.dli_fname ? di.dli_fname : "?", t->tid, age / 1000);
	else
		slab_report("%s at %#lx thread %d, %lld us ago\n", label, t->addr, t->tid,
			    age / 1000);
}

static void hexdump(const char *label, const unsigned char *p, size_t n)
{
	char line[3 * 16 + 1];

	for (size_t off = 0; off < n; off += 16) {
		size_t k = MIN((size_t)16, n - off), at = 0;

		for (size_t i = 0; i < k; i++)
			at += (size_t)snprintf(line + at, sizeof(line) - at, " %02x", p[off + i]);
		slab_report("%-8s %p:%s\n", off ? "" : label, (const void *)(p + off), line);
	}
}

static struct track *track_of(struct kmem_cache *s, void *obj, int which)
{
	return (struct track *)((char *)obj + s->track_off) + which;
}

/* Where @obj sits, its bytes around the object, and its history. */
static void print_object(struct kmem_cache *s, struct slab *slab, void *obj)
{
	unsigned char *p = obj;
	char *mem = slab_mem(slab);
	size_t off = (size_t)((char *)obj - slab->base);
	size_t n = s->object_size;

	slab_report("Object %p: offset %#zx in slab %p (object %zu of %u, size %u, "
		    "in use %zu)\n", obj, off, (void *)slab->base,
		    (size_t)((char *)obj - mem) / s->size, s->objects, s->object_size,
		    debug_obj_size(s, obj));
	if (s->flags & SLAB_RED_ZONE)
		hexdump("Redzone", p - s->red_left_pad, s->red_left_pad);
	if (n <= 96) {
		hexdump("Object", p, n);
	} else {
		hexdump("Object", p, 64);
		slab_report("         ... %zu bytes ...\n", n - 96);
		hexdump("", p + n - 32, 32);
	}
	if (s->flags & SLAB_RED_ZONE)
		hexdump("Redzone", p + n, s->inuse - n);
	if (s->flags & SLAB_STORE_USER) {
		print_caller("Allocated", track_of(s, obj, 0));
		print_caller("Freed", track_of(s, obj, 1));
	}
}

/* ---- object state ------------------------------------------------------- */

static size_t slot_bytes(const struct kmem_cache *s)
{
	return s->size;
}

static void slot_open(struct kmem_cache *s, void *obj)
{
	vg_open((char *)obj - s->red_left_pad, slot_bytes(s));
}

static void slot_close(struct kmem_cache *s, void *obj)
{
	vg_close((char *)obj - s->red_left_pad, slot_bytes(s));
}

static void set_redzones(struct kmem_cache *s, void *obj, int val)
{
	if (!(s->flags & SLAB_RED_ZONE))
		return;
	memset((char *)obj - s->red_left_pad, val, s->red_left_pad);
	memset((char *)obj + s->object_size, val, s->inuse - s->object_size);
}

static void poison(struct kmem_cache *s, void *obj)
{
	if (!(s->flags & SLAB_POISON))
		return;
	memset(obj, SLAB_POISON_FREE, s->object_size - 1);
	((unsigned char *)obj)[s->object_size - 1] = SLAB_POISON_END;
}

static void set_track(struct kmem_cache *s, void *obj, int which, unsigned long ip)
{
	struct track *t;
	struct timespec ts;

	if (!(s->flags & SLAB_STORE_USER))
		return;
	t = track_of(s, obj, which);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->addr = ip;
	t->when_ns = (unsigned long)ts.tv_sec * 1000000000UL + (unsigned long)ts.tv_nsec;
	t->tid = (int)gettid();
}

/*
 * Do the @n bytes at @start all equal @val?  If not, report it as @what
 * overwritten, with the range that differs.
 */
static bool check_bytes(struct kmem_cache *s, struct slab *slab, void *obj,
			const char *what, const unsigned char *start, int val, size_t n)
{
	size_t first = n, last = 0;

	for (size_t i = 0; i < n; i++) {
		if (start[i] != (unsigned char)val) {
			if (first == n)
				first = i;
			last = i;
		}
	}
	if (first == n)
		return true;
	report_begin(s, obj, what);
	slab_report("%p-%p @offset=%#tx: first byte %#x instead of %#x, %zu bytes differ\n",
		    (const void *)(start + first), (const void *)(start + last),
		    (const char *)(start + first) - (const char *)obj, start[first],
		    (unsigned char)val, last - first + 1);
	print_object(s, slab, obj);
	return false;
}

/* Red zones at @val and, for a free object, poison intact?  Reports if not. */
static bool check_object(struct kmem_cache *s, struct slab *slab, void *obj, int val)
{
	unsigned char *p = obj;

	if (s->flags & SLAB_RED_ZONE) {
		size_t orig = val == SLAB_RED_ACTIVE ? debug_obj_size(s, obj) : s->object_size;

		if (!check_bytes(s, slab, obj, "Left Redzone overwritten (underrun)",
				 p - s->red_left_pad, val, s->red_left_pad))
			return false;
		if (!check_bytes(s, slab, obj, "kmalloc Redzone overwritten (overrun)",
				 p + orig, val, s->object_size - orig))
			return false;
		if (!check_bytes(s, slab, obj, "Right Redzone overwritten (overrun)",
				 p + s->object_size, val, s->inuse - s->object_size))
			return false;
	}
	if ((s->flags & SLAB_POISON) && val == SLAB_RED_INACTIVE) {
		if (!check_bytes(s, slab, obj, "Poison overwritten (write after free)",
				 p, SLAB_POISON_FREE, s->object_size - 1) ||
		    !check_bytes(s, slab, obj, "Poison overwritten (write after free)",
				 p + s->object_size - 1, SLAB_POISON_END, 1))
			return false;
	}
	return true;
}

/* ---- hooks -------------------------------------------------------------- */

/**
 * debug_init_slab - put every object of a new slab in the free state:
 * red zones inactive, poisoned, no history
 */
void debug_init_slab(struct kmem_cache *s, struct slab *slab)
{
	char *mem = slab_mem(slab);

	for (unsigned int i = 0; i < s->objects; i++) {
		void *obj = mem + (size_t)i * s->size;

		set_redzones(s, obj, SLAB_RED_INACTIVE);
		poison(s, obj);
		if (s->flags & SLAB_STORE_USER)
			memset(track_of(s, obj, 0), 0, 2 * sizeof(struct track));
	}
}

/**
 * debug_alloc_ok - check an object about to be handed out
 * Return: true, having marked it in use; false if it is corrupt (reported,
 * and the caller quarantines it).
 */
bool debug_alloc_ok(struct kmem_cache *s, void *obj, unsigned long ip)
{
	struct slab *slab = pm_slab(pagemap_lookup(obj));
	bool ok;

	slot_open(s, obj);
	ok = check_object(s, slab, obj, SLAB_RED_INACTIVE);
	if (ok) {
		set_redzones(s, obj, SLAB_RED_ACTIVE);
		if (s->orig_off)
			*(size_t *)((char *)obj + s->orig_off) = s->object_size;
		set_track(s, obj, 0, ip);
	} else {
		report_end("object quarantined: left allocated, never handed out again");
	}
	slot_close(s, obj);
	return ok;
}

/* Is @obj on @slab's freelist?  Context: list_lock held. */
static bool on_freelist(struct kmem_cache *s, struct slab *slab, void *obj)
{
	unsigned int steps = 0;

	for (void *p = slab->freelist; p && steps <= s->objects; steps++) {
		if (p == obj)
			return true;
		p = slab_get_freepointer(s, p);
	}
	return false;
}

static bool all_bytes(const unsigned char *p, int val, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)val)
			return false;
	return true;
}

/**
 * debug_free_ok - check an object being freed
 * Return: true, having marked it free (poisoned); false if the free must
 * not happen: a double free (ignored) or a corrupt object (quarantined).
 * Context: list_lock held.
 */
bool debug_free_ok(struct kmem_cache *s, struct slab *slab, void *obj, unsigned long ip)
{
	unsigned char *p = obj;
	bool dfree = false, ok = true;

	slot_open(s, obj);
	if (s->flags & SLAB_RED_ZONE)
		dfree = all_bytes(p - s->red_left_pad, SLAB_RED_INACTIVE, s->red_left_pad) &&
			all_bytes(p + s->object_size, SLAB_RED_INACTIVE, s->inuse - s->object_size);
	else if (s->flags & SLAB_CONSISTENCY_CHECKS)
		dfree = on_freelist(s, slab, obj);
	if (dfree) {
		report_begin(s, obj, "double free detected (object already free)");
		print_object(s, slab, obj);
		if (s->flags & SLAB_STORE_USER)
			print_caller("Freed again", &(struct track){ .addr = ip, .tid = (int)gettid() });
		report_end("free ignored");
		slot_close(s, obj);
		return false;
	}
	ok = check_object(s, slab, obj, SLAB_RED_ACTIVE);
	if (!ok) {
		report_end("object quarantined: left allocated, never handed out again");
	} else {
		set_redzones(s, obj, SLAB_RED_INACTIVE);
		poison(s, obj);
		set_track(s, obj, 1, ip);
	}
	slot_close(s, obj);
	return ok;
}

/**
 * debug_idle_ok - is @obj, a quarantined object (quarantine.c), as its
 * free left it: mark "freed", red zones inactive, poison intact?
 * Return: true if so; false, having reported it (the caller keeps it
 * allocated, never handed out again).  Context: list_lock held.
 */
bool debug_idle_ok(struct kmem_cache *s, void *obj)
{
	struct slab *slab = pm_slab(pagemap_lookup(obj));
	bool ok = true;

	slot_open(s, obj);
	if (!free_marked(s, obj)) {
		report_begin(s, obj, "free object modified (written after free)");
		slab_report("Object %p: its free mark at offset %u was overwritten while it "
			    "was quarantined\n", obj, s->offset);
		print_object(s, slab, obj);
		ok = false;
	} else {
		ok = check_object(s, slab, obj, SLAB_RED_INACTIVE);
	}
	if (!ok)
		report_end("object quarantined: left allocated, never handed out again");
	slot_close(s, obj);
	return ok;
}

/**
 * debug_freelist_ok - is @next, read from the free object @obj, a valid
 * free pointer (NULL, or an object's start in the same slab)?
 * Reports freelist corruption if not.  Context: list_lock held.
 */
bool debug_freelist_ok(struct kmem_cache *s, struct slab *slab, void *obj, void *next)
{
	char *mem = slab_mem(slab);
	size_t off;

	if (!next)
		return true;
	if (next == obj) {
		/* free_mark() wrote over the link: freed while on the freelist */
		report_begin(s, obj, "double free detected (object on its slab's freelist)");
		print_object(s, slab, obj);
		report_end("freelist cut here; the free objects it held are quarantined");
		return false;
	}
	off = (size_t)((char *)next - mem);
	if ((char *)next >= mem && off < (size_t)s->objects * s->size && off % s->size == 0)
		return true;
	report_begin(s, obj, "Freepointer corrupt (freelist corruption)");
	slab_report("Free object %p holds free pointer %p, not an object of slab %p\n",
		    obj, next, (void *)slab->base);
	print_object(s, slab, obj);
	report_end("freelist cut here; the free objects it held are quarantined");
	return false;
}

/**
 * debug_double_free - the always-on checks saw @obj freed twice: on top
 * of the thread's magazine, in a magazine twice, or back to its slab twice
 */
void debug_double_free(struct kmem_cache *s, const void *obj, unsigned long ip)
{
	Dl_info di;

	report_begin(s, obj, "double free detected (object already free)");
	if (dladdr((void *)ip, &di) && di.dli_sname)
		slab_report("Object %p freed again in %s+%#lx\n", obj, di.dli_sname,
			    ip - (unsigned long)di.dli_saddr);
	else
		slab_report("Object %p freed again at %#lx\n", obj, ip);
	report_end("free ignored");
}

/**
 * debug_bad_mark - @obj was about to leave a magazine without its mark
 * reading "freed" (internal.h): it is dropped, never handed out again.
 * A word reading "live" (0) means the object was in a magazine twice (its
 * other copy went out first); anything else, that the free object was
 * written: after its free, by an overflow of a neighbour, or by the user
 * of a copy handed out before.
 */
void debug_bad_mark(struct kmem_cache *s, void *obj)
{
	void **fp = (void **)((char *)obj + s->offset);

	if (fp_read(s, obj) == (uintptr_t)fp_mask(s, fp)) {
		report_begin(s, obj, "double free detected (object freed twice, in a magazine twice)");
		slab_report("Object %p was handed out from its other copy: it reads \"live\"\n", obj);
	} else {
		report_begin(s, obj, "free object modified (written after free, by an overflow, or freed twice)");
		slab_report("Object %p: its free mark was overwritten while it was free\n", obj);
	}
	report_end("object dropped: never handed out again");
}

/**
 * debug_bad_free - report a free the page map refuses (slab.c's
 * always-on check): @what happened, @action was taken
 */
void debug_bad_free(struct kmem_cache *s, const void *obj, const char *what,
		    const char *action)
{
	report_begin(s, NULL, what);
	slab_report("Pointer %p\n", obj);
	report_end(action);
}

/**
 * debug_invalid_state - slab_validate() or page_validate() found @what
 * broken (@s NULL: the page layer)
 */
void debug_invalid_state(struct kmem_cache *s, const char *what)
{
	report_begin(s, NULL, what);
	report_end("none: reported");
}
