#!/bin/sh
# malloc_api - the malloc replacement under its real names: through
# LD_PRELOAD of libslotslab-malloc.so and linked with libslotslab-malloc.a
# (dynamically and with -static),
# tests/malloc/progs/malloc_check checks that slotslab serves every allocation
# (glibc's own and a constructor's included), then the API, blocks freed
# by other threads, and fork() while another thread allocates.  The same
# program without the library is the control: it must not look like
# slotslab.  Nothing may be reported on stderr.  Then malloc_stats() and
# SLOTSLAB_STATS=1 print slotslab's heap, and the first malloc sets the
# allocator up without libc's sysconf, snprintf or strtoul
# (tests/malloc/init_calls.c: they cost a small program 190 KB of RSS).
. tests/lib/tap.inc
SO=$O/libslotslab-malloc.so
PROG=$O/tests/malloc/progs/malloc_check
[ -f "$SO" ] && [ -x "$PROG" ] || skip_all "$SO or $PROG is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
log=$(mktemp -d); trap 'rm -rf "$log"' EXIT
plan 15

env -u LD_PRELOAD "$PROG" which >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "control: without the library, malloc is not slotslab's"

# modes LABEL WHICH CMD...: CMD MODE for every mode passes, silently, and
# "which" names WHICH as the malloc in use.
modes() {
	label=$1 which=$2
	shift 2
	for mode in which api threads fork; do
		"$@" $mode >"$log/out" 2>"$log/err"
		r=$?
		[ $mode = which ] && { grep -q "^malloc: .*$which" "$log/out" || r=1; }
		[ -s "$log/err" ] && r=1
		[ $r -eq 0 ] || sed 's/^/# /' "$log/out" "$log/err"
		ok $r "$label: $mode"
	done
}
modes "LD_PRELOAD" "libslotslab-malloc.so" env LD_PRELOAD="$SO" "$PROG"
modes "linked with libslotslab-malloc.a" "malloc_check_static" "$PROG"_static
# Fully static: the archive must define everything glibc's malloc.o would.
obj=$O/obj/tests/malloc/progs/malloc_check.o
if cc -static -o "$log/full-static" "$obj" "$O/libslotslab-malloc.a" -lpthread 2>"$log/err"; then
	r=0
	for mode in which api threads fork; do
		"$log/full-static" $mode >"$log/out" 2>"$log/err2" && [ ! -s "$log/err2" ] ||
			{ r=1; sed 's/^/# /' "$log/out" "$log/err2"; }
	done
	ok $r "cc -static with libslotslab-malloc.a: which, api, threads, fork"
else
	sed 's/^/# /' "$log/err" | head -5
	ok 0 "# SKIP cc -static does not link here (no static libc?)"
fi
nm -D --defined-only "$SO" | awk '{print $3}' | sort | tr '\n' ' ' >"$log/syms"
[ "$(cat "$log/syms")" = "aligned_alloc calloc free malloc malloc_stats malloc_usable_size memalign posix_memalign pvalloc realloc reallocarray valloc " ]
ok $? "the library exports the malloc API and nothing else: $(cat "$log/syms")"
# malloc_stats(): slotslab's report on stderr, with the classes in use
env LD_PRELOAD="$SO" "$PROG" stats >/dev/null 2>"$log/err"
r=$?
grep -q "^slotslab: malloc statistics" "$log/err" && grep -q "cut into slabs" "$log/err" &&
	grep -q "^kmalloc-2560 " "$log/err" && ! grep -q "^Arena 0" "$log/err" || r=1
[ $r -eq 0 ] || sed 's/^/# /' "$log/err" | head -20
ok $r "malloc_stats() prints slotslab's heap (memory by use, the caches in use), not glibc's"
# SLOTSLAB_STATS=1: the same at exit, also when the program closed stderr
env LD_PRELOAD="$SO" SLOTSLAB_STATS=1 "$PROG" close-stderr >/dev/null 2>"$log/err"
r=$?
grep -q "^slotslab: malloc statistics" "$log/err" && grep -q "^kmalloc-" "$log/err" || r=1
env LD_PRELOAD="$SO" "$PROG" close-stderr >/dev/null 2>"$log/err2" && [ ! -s "$log/err2" ] || r=1
[ $r -eq 0 ] || sed 's/^/# /' "$log/err" | head -20
ok $r "SLOTSLAB_STATS=1 prints the report at exit, after the program closed stderr; unset, nothing"
! nm -D --defined-only "$SO" | grep -q '@'
ok $? "its symbols are unversioned, so they interpose malloc@GLIBC_2.2.5"
"$O/tests/malloc/init_calls" >"$log/out" 2>&1
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$log/out"
ok $r "the first malloc sets up without sysconf, snprintf, vsnprintf or strtoul; no malloc or free calls pthread_mutex_trylock"
finish
