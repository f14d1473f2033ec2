#!/bin/sh
# valgrind_memcheck - with CONFIG_VALGRIND, memcheck sees slab objects as
# heap blocks: a use after free, an uninitialised read and a leak in a child
# program are each reported, and correct use is not.
. tests/lib/tap.inc
config_enabled VALGRIND || skip_all "CONFIG_VALGRIND is off in $O"
command -v valgrind >/dev/null || skip_all "valgrind is not installed"
prog=$O/tests/alloc/progs/memcheck_demo
out=$(mktemp); trap 'rm -f "$out"' EXIT

memcheck_reports() {	# case, pattern, description
	valgrind --leak-check=full --error-exitcode=99 "$prog" "$1" >"$out" 2>&1
	rc=$?
	grep -q "$2" "$out" && [ $rc -eq 99 ]
	r=$?
	[ $r -eq 0 ] || sed 's/^/# /' "$out"
	ok $r "$3"
}

plan 5
memcheck_reports uaf "Invalid write of size 1" "write after kmem_cache_free is reported"
memcheck_reports kuaf "Invalid read of size 1" "read after kfree is reported"
memcheck_reports uninit "Conditional jump or move depends on uninitialised value" "uninitialised read is reported"
memcheck_reports leak "definitely lost" "a lost object is reported as a leak"
valgrind --leak-check=full --error-exitcode=99 "$prog" clean >"$out" 2>&1
ok $? "correct use is clean"
finish
