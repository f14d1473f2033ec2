#!/bin/sh
# cpython_regrtest - CPython's own regression tests of its objects and of
# its memory API, run on libslotslab-malloc.so with every object from
# malloc (PYTHONMALLOC=malloc: no pymalloc arenas in between), by the
# newest CPython of pyenv that ships its test package (Debian's python3
# does not).  Asserts:
#   - a test file of the subset fails on the library only if it fails on
#     glibc's malloc too (then the machine causes it, not the allocator;
#     each failing file is run again on glibc to tell);
#   - the library says nothing ("slotslab: ..." on stderr: no bad pointer).
# The subset: containers, strings and bytes, buffers, the collector and
# weak references, pickling, json, re, mmap, zlib, low-level threads, and
# test_capi (PyMem_* and PyObject_* allocation, realloc and its errors).
# CPYTHON_TESTS="test_x ..." runs those instead.
# The whole suite (469 files under 3.12, 22 minutes on one core) passed
# so on 2026-12-06, but for the 3 files that fail on glibc here too.
. tests/lib/tap.inc
SO=$(cd "$(dirname "$O/x")" && pwd)/libslotslab-malloc.so
[ -f "$SO" ] || skip_all "$SO is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
[ -n "${SLOTSLAB_IN_MALLOC_PROGRAMS:-}" ] && skip_all "already on the library (inside malloc_programs)"

PY=
for p in $(ls -d "$HOME"/.pyenv/versions/3.*/bin/python 2>/dev/null | sort -V -r); do
	if "$p" -c 'import test.libregrtest' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || skip_all "no CPython with its test package (pyenv's 3.x)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
plan 2

want=${CPYTHON_TESTS:-"test_dict test_list test_set test_tuple test_deque test_bytes test_str test_unicode
test_array test_struct test_memoryview test_gc test_weakref test_pickle test_json test_re
test_sort test_itertools test_collections test_mmap test_zlib test_thread test_capi"}
lib=$("$PY" -c 'import os, test; print(os.path.dirname(test.__file__))')
tests=
for t in $want; do	# the names this version has
	[ -e "$lib/$t.py" ] || [ -d "$lib/$t" ] && tests="$tests $t"
done

# run NAME PRELOAD TESTS...: the tests' names that did not pass, in $tmp/NAME.failed
run() {
	name=$1 pre=$2
	shift 2
	(cd "$tmp" && env ${pre:+LD_PRELOAD=$pre} PYTHONMALLOC=malloc \
		"$PY" -m test -j1 --timeout 600 "$@") >"$tmp/$name.out" 2>&1
	echo $? >"$tmp/$name.rc"
	# the files regrtest lists under "N test(s) failed:" (crashed, timed out: the same)
	sed -n '/^[0-9]* tests\{0,1\} \(failed\|crashed\|timed out\)/,/^$/p' "$tmp/$name.out" |
		grep '^    ' | tr ' ' '\n' | grep '^test' >"$tmp/$name.failed"
}

run slab "$SO" $tests
n=$(sed -n 's/^Total tests: run=\([0-9,]*\).*/\1/p' "$tmp/slab.out")
bad=
if [ -s "$tmp/slab.failed" ]; then
	run libc "" $(cat "$tmp/slab.failed")
	for t in $(cat "$tmp/slab.failed"); do
		grep -qx "$t" "$tmp/libc.failed" || bad="$bad $t"
	done
	[ -n "$bad" ] || echo "# failing on glibc too:" $(cat "$tmp/slab.failed")
elif [ "$(cat "$tmp/slab.rc")" -ne 0 ]; then
	bad="(exit $(cat "$tmp/slab.rc"))"
fi
[ -z "$bad" ] || tail -30 "$tmp/slab.out" | sed 's/^/# /'
[ -z "$bad" ]
ok $? "$($PY -V 2>&1), PYTHONMALLOC=malloc, $(echo "$tests" | wc -w) test files (${n:-?} tests) pass on slotslab's malloc where they pass on glibc's${bad:+; not:$bad}"
grep "slotslab: " "$tmp/slab.out" | head -5 | sed 's/^/# /'
! grep -q "slotslab: " "$tmp/slab.out"
ok $? "the library reports nothing"
finish
