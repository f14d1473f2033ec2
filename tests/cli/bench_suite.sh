#!/bin/sh
# bench_suite - `make bench`'s suite in its smoke mode (BENCH_SMOKE=1: tiny
# sizes, one repetition; replays, CPython/PyPy and cachegrind), on this
# build's binaries: every output file exists and parses, the JSON has the
# fields docs/DESIGN.md section 7 pins, and what is missing -- peers that are not
# installed, PyPy, hardware counters -- shows as unavailable or null, never
# as 0; and that the summary includes the fragments parts write in
# RESULTS/sections.  The checks of the results are
# tests/cli/bench_suite_checks.py.  Not the benchmark itself: that never runs
# inside `make check`.
. tests/lib/tap.inc
S=$O/slotslab
[ -x "$S" ] && [ -x "$O/allocbench" ] && [ -x "$O/objbench" ] || skip_all "$O is not fully built (make O=$O)"
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ in the tree
$PY tests/lib/jsoncheck.py --have-module matplotlib || skip_all "no matplotlib for $PY (scripts/install-deps.sh bench)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
plan 15

sh scripts/bench.sh --help >"$tmp/help" 2>&1 && grep -q "BENCH_SMOKE" "$tmp/help"
ok $? "bench.sh --help documents the smoke mode"
BENCH_PARTS="replay nonsense" sh scripts/bench.sh >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "unknown part 'nonsense'" "$tmp/err"
ok $? "an unknown part is refused (exit 2)"

# Peers: only jemalloc is "installed" (when it is on this machine at all);
# a sanitizer build cannot take a preloaded malloc, so it gets none.  PyPy
# is made missing.
mkdir "$tmp/peers"
[ -e /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ] &&
	ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 "$tmp/peers/"
if nm "$S" 2>/dev/null | grep -q '__[at]san_init'; then
	rm -f "$tmp/peers/"*
fi
t0=$(date +%s)
BENCH_SMOKE=1 BENCH_BUILD=$O RESULTS=$tmp/res BENCH_TRACES=$tmp/traces \
	BENCH_PEER_LIBDIR=$tmp/peers BENCH_PYPY=$tmp/no-pypy3 \
	sh scripts/bench.sh >"$tmp/out" 2>"$tmp/log"
rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/log" | sed 's/^/# /'; }
ok $rc "BENCH_SMOKE=1 bench.sh succeeds ($(( $(date +%s) - t0 )) s)"
head -1 "$tmp/out" | grep -q "^# slotslab benchmark results" && grep -q "^## Goals" "$tmp/out"
ok $? "it prints the summary"

r=0
for f in bench.json bench.csv summary.md replay.json python.json cachegrind.json; do
	[ -s "$tmp/res/$f" ] || { echo "# missing: $f"; r=1; }
done
for c in headline footprint sweep throughput cachemisses; do
	for e in png svg; do
		[ -s "$tmp/res/$c.$e" ] || { echo "# missing: $c.$e"; r=1; }
	done
done
ok $r "every output file exists"

check() {	# description, check (tests/cli/bench_suite_checks.py), arguments
	what=$1 name=$2; shift 2
	$PY tests/cli/bench_suite_checks.py "$name" "$tmp/res" "$@" >"$tmp/check" 2>&1
	r=$?
	[ $r -eq 0 ] || sed 's/^/# /' "$tmp/check"
	ok $r "$what"
}

check "the JSON files parse; bench.json has its sections" json
check "every replay has the fields docs/DESIGN.md section 7 pins" replay_fields
check "counters are numbers from perf, or null with source none; never 0 for unmeasured" counters
check "missing peers are unavailable, never measured as 0" peers "$tmp/peers"
check "bench.csv parses: one header, every row complete, nulls written as unavailable" csv
check "the charts are PNG and SVG files" charts
check "CPython is measured; a missing PyPy is unavailable" pythons
check "pyversions: a row per interpreter found, model beside it, a missing PyPy unavailable" pyversions
check "summary.md opens with the seeds' headline for myclass and player, per profile" headline

# The report contract: every RESULTS/sections/*.md a part writes follows the
# summary's own sections, in name order.
mkdir -p "$tmp/res/sections"
printf '## Part B\n\nsecond\n' >"$tmp/res/sections/99-b.md"
printf '## Part A\n\nfirst\n' >"$tmp/res/sections/98-a.md"
PYTHONPATH=scripts $PY -m slotbench.report --results "$tmp/res" --build "$O" --size smoke \
	--parts "replay python cachegrind" --quiet 2>"$tmp/err" &&
	tail -n 7 "$tmp/res/summary.md" | tr '\n' '|' | grep -q "^## Part A||first||## Part B||second|$"
ok $? "the summary ends with the fragments in RESULTS/sections, in name order"
finish
