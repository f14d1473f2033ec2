#!/bin/sh
# workloads - every program of bench/workloads/ at a small scale, each
# under libslotslab-malloc.so (and with glibc's malloc, so that a failure
# is known to be the allocator's): it must exit 0 and print its
# "NAME ok" line, which it prints only after its own checks (every block's
# tag intact before it is freed, bytes kept by realloc).  Also: --help
# exits 0 with the usage, a bad argument exits 2 with it on stderr.  The
# threaded ones run with 2 threads.  Correctness only: make bench times
# them.
. tests/lib/tap.inc
SO=$O/libslotslab-malloc.so
W=$O/workloads
[ -f "$SO" ] && [ -x "$W/batch" ] || skip_all "$SO or $W is not built"
nm -D "$SO" | grep -q ' U __[at]san_' && skip_all "sanitizer build: the library needs the sanitizer's runtime"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# name: argv after the program
runs="larson:-n 20000 -t 2
xmalloc:-n 50000 -t 2
mstress:-n 4 -t 2
randsize:-n 50000 -t 1
randsize:-n 50000 -t 2
batch:-n 20000 -t 1
batch:-n 20000 -t 2
large:-n 3
mleak:-n 20000
reallocs:-n 50000
regrow:-n 20
cachescratch:-n 20 -t 2
cachethrash:-n 20 -t 2"
plan $(( $(echo "$runs" | wc -l) * 2 + 2 ))

while IFS=: read -r name args; do
	for lib in "" "$SO"; do
		who=glibc; [ -n "$lib" ] && who=slotslab
		# shellcheck disable=SC2086
		env ${lib:+LD_PRELOAD="$lib"} "$W/$name" $args >"$tmp/out" 2>"$tmp/err"
		rc=$?
		grep -q "^$name ok" "$tmp/out"
		ok $(( rc != 0 || $? != 0 )) "$name $args ($who): exit $rc, '$(head -c 60 "$tmp/out")'"
		[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -5
	done
done <<EOF2
$runs
EOF2

"$W/batch" --help >"$tmp/out" 2>&1
rc=$?
grep -q "^usage: batch" "$tmp/out"
ok $(( rc != 0 || $? != 0 )) "batch --help: exit $rc and the usage"
"$W/batch" -x >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q "bad argument" "$tmp/err" && grep -q "^usage: batch" "$tmp/err"
ok $(( rc != 2 || $? != 0 )) "batch -x: exit $rc (2) and the usage on stderr"
