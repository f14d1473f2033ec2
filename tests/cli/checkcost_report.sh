#!/bin/sh
# checkcost_report - scripts/slotbench/checkcost.py (the end of make bench's
# configcost part, which make check does not run) on two workloads, with
# the build under test on both sides: every run is checked and tabled, the
# ratio and its geometric mean are there with the 3 % goal, the
# instructions under callgrind beside them, and a build without the malloc
# replacement is refused with a message.
. tests/lib/tap.inc
PY=/usr/bin/python3
[ -x $PY ] || skip_all "no $PY"
[ -f "$O/libslotslab-malloc.so" ] && [ -x "$O/workloads/batch" ] || skip_all "$O has no malloc replacement or workloads"
nm -D "$O/libslotslab-malloc.so" | grep -q ' U __[at]san_' &&
	skip_all "sanitizer build: the library needs the sanitizer's runtime"
export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ in the tree
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
plan 6

PYTHONPATH=scripts $PY -m slotbench.checkcost --with "$O" --without "$O" --out "$tmp" \
	--reps 1 --only batch,cache-scratch >"$tmp/out" 2>"$tmp/err"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$tmp/err"
ok $r "checkcost runs two workloads under both builds"
s=$tmp/sections/45-checkcost.md
grep -q '^## The always-on double-free check on the workload suite$' "$s" &&
	[ "$(grep -c '^| \(batch\|cache-scratch\) | [0-9.]* | [0-9.]* | [0-9.]* |' "$s")" = 2 ]
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$s"
ok $r "the section tables each workload's medians and their ratio"
grep -q '^| the check.s cost: wall time with / without, geometric mean <= 1.03, and its instructions too (times alone cannot tell 3 % here) | [0-9.]* (instructions \([0-9.]*\|unavailable\)) | \(yes\|\*\*no\*\*\) |$' "$s"
r=$?
[ $r -eq 0 ] || grep '^| the check' "$s" | sed 's/^/# /'
ok $r "the goal row has both geometric means, met or not"
# the instructions column: a count where valgrind is, else unavailable (never 0)
if command -v valgrind >/dev/null 2>&1; then
	grep -q '^| batch | .* | [0-9]\.[0-9]* |$' "$s"
else
	grep -q '^| batch | .* | unavailable |$' "$s"
fi
r=$?
[ $r -eq 0 ] || grep '^| batch' "$s" | sed 's/^/# /'
ok $r "batch's instructions with over without the check (callgrind)"
$PY -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not (d["geomean_wall_ratio"] > 0 and d["failures"] == [] and len(d["runs"]["batch"]["with"]) == 1))' \
	"$tmp/checkcost.json"
ok $? "checkcost.json has the geometric mean, the runs and no failure"
mkdir "$tmp/empty"
PYTHONPATH=scripts $PY -m slotbench.checkcost --with "$O" --without "$tmp/empty" --out "$tmp" \
	--reps 1 --only batch >"$tmp/out" 2>"$tmp/err"
r=$?
[ $r -ne 0 ] && grep -q 'checkcost: .*empty/libslotslab-malloc.so is not built' "$tmp/err"
ok $? "a build without the malloc replacement is refused: exit $r, $(head -c 80 "$tmp/err")"
finish
