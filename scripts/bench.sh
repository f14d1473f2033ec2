#!/bin/sh
# bench.sh - the benchmark suite, as `make bench` runs it.
#
#   scripts/bench.sh [-h|--help]
#
# Builds configs/bench_defconfig in build/bench (what users get: the default
# configuration, statistics counters off), installs what is missing
# (scripts/install-deps.sh build bench), and runs these parts, in order:
#   replay      every scenario (`slotslab gen --list`: myclass, player, student,
#               sweep, hybrid, subclass, churn) x layout x heap x dict profile, the
#               peer allocators through LD_PRELOAD, alternated, REPS times;
#               the attribute sweep                    (slotbench.suite)
#   python      the same scenarios in CPython and PyPy (slotbench.pythons)
#   pyversions  every Python of the machine (pyenv, python3.X, Debian's, pypy3)
#               beside the profile of its version: bytes and RSS per object,
#               the attribute sweep 0..40, seed 004's points
#                                                       (slotbench.pyversions)
#   cachegrind  cache misses per attribute read, where the machine has no
#               hardware counters, beside python (slotbench.cachegrind)
#   alloc       the allocator benchmark                 (scripts/allocbench.sh)
#   configcost  what each build option costs           (scripts/configcost.sh)
#   objbench    object-model micro-benchmarks           (build/bench/objbench)
#   realtrace   real programs (python3, gcc, sqlite3) recorded with
#               `slotslab record` here and replayed on slab and the peers
#                                                       (scripts/realtrace.sh)
#   workloads   classic allocator patterns (bench/workloads/) and memcached,
#               under every allocator       (scripts/slotbench/workloads.py)
#   advise      the slots advisor: seeds' MyClass and Player and a shop, recorded
#               with pyrecord and advised, predicted vs tracemalloc's saving in
#               CPython 3.8, 3.11, 3.13 (scripts/slotbench/advise.py)
# then writes RESULTS/bench.json, bench.csv, summary.md and the charts (PNG
# and SVG; slotbench.report, slotbench.report.charts) and prints the
# summary.  The Python modules are scripts/slotbench/ (scripts/README.md).
# A part added later writes RESULTS/<part>.json and one Markdown section,
# RESULTS/sections/<NN>-<part>.md, which the summary includes after its own
# sections, in name order.  The default run takes about four minutes on two
# cores.
#
# Environment:
#   FULL=1             docs/DESIGN.md's full sizes (much longer)
#   BENCH_SMOKE=1      tiny sizes, one repetition, parts replay python pyversions
#                      cachegrind
#                      (what tests/cli/bench_suite.sh runs)
#   REPS=N             repetitions of every replay (default 3)
#   ALLOC_REPS=N       allocbench repetitions (default 3)
#   CONFIGCOST_REPS=N  configcost repetitions (default 5: 2 could not resolve the 3 % goal)
#   REALTRACE_REPS=N   realtrace repetitions (default 3; 5 with FULL=1)
#   WORKLOAD_REPS=N    workload suite repetitions (default 5, or REPS if larger:
#                      the small programs' peak RSS varies by 150-250 KB from
#                      run to run under every allocator, libc's pages that the
#                      kernel maps around each fault, a sixth of cache-thrash's)
#   BENCH_PARTS="..."  the parts to run (default all of the above)
#   RESULTS=dir        where results go (default results/)
#   BENCH_BUILD=dir    use the binaries already built in dir; build and install
#                      nothing
#   BENCH_TRACES=dir   where the generated traces go (default BUILD/traces)
#   BENCH_PEER_LIBDIR=dir  where the peers' libraries are looked for (default
#                      /usr/lib/x86_64-linux-gnu; a peer not found there is
#                      reported as unavailable)
#   BENCH_PYPY=exe     PyPy for the Python side (default pypy3; installed with
#                      scripts/install-deps.sh bench; a missing one is unavailable)
#   J=N                make -j (default: the number of CPUs)
# A part that fails is reported in the summary and makes the exit status 1;
# the other parts still run.  Results from earlier runs are removed first.
set -u
cd "$(dirname "$0")/.." || exit 1

case "${1:-}" in
-h|--help) sed -n '2,/^set/s/^# \{0,1\}//p' "$0"; exit 0 ;;
"") ;;
*) echo "bench.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
esac

start=$(date +%s)
OUT=${RESULTS:-results}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ in the tree
export PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}"	# slotbench
J=${J:-$(nproc 2>/dev/null || echo 2)}
size=default
[ "${FULL:-0}" = 1 ] && size=full
parts="replay python pyversions cachegrind alloc configcost objbench realtrace workloads advise"
reps=${REPS:-3}
if [ "${BENCH_SMOKE:-0}" = 1 ]; then
	size=smoke
	parts="replay python pyversions cachegrind"
	reps=${REPS:-1}
fi
parts=${BENCH_PARTS:-$parts}
for p in $parts; do
	case "$p" in
	replay|python|pyversions|cachegrind|alloc|configcost|objbench|realtrace|workloads|advise) ;;
	*) echo "bench.sh: unknown part '$p' in BENCH_PARTS" >&2; exit 2 ;;
	esac
done
want() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }

if [ -n "${BENCH_BUILD:-}" ]; then
	B=$BENCH_BUILD
	for f in slotslab allocbench objbench; do
		[ -x "$B/$f" ] || { echo "bench.sh: $B/$f is not built (make O=$B)" >&2; exit 1; }
	done
else
	B=build/bench
	scripts/install-deps.sh build bench || exit 1
	make -s O=$B bench_defconfig >/dev/null && make -s -j"$J" O=$B all || exit 1
fi
[ -x $PY ] || { echo "bench.sh: $PY is missing (scripts/install-deps.sh build)" >&2; exit 1; }
$PY -c 'import matplotlib' 2>/dev/null ||
	{ echo "bench.sh: $PY cannot import matplotlib (scripts/install-deps.sh bench)" >&2; exit 1; }
TRACES=${BENCH_TRACES:-$B/traces}
mkdir -p "$OUT" "$TRACES" || exit 1
for f in replay.json python.json cachegrind.json allocbench.json allocbench.jsonl allocbench.md \
	 configcost.json configcost.jsonl configcost.md checkcost.json objbench.txt bench.json bench.csv summary.md \
	 headline.png headline.svg footprint.png footprint.svg sweep.png sweep.svg \
	 throughput.png throughput.svg cachemisses.png cachemisses.svg \
	 realtrace.json realtrace.csv realtrace.md realtrace.png realtrace.svg \
	 workloads.json workloads.png workloads.svg sections/50-workloads.md \
	 pyversions.json pyversions.png pyversions.svg sections/40-pyversions.md; do
	rm -f "$OUT/$f"
done
rm -f "$OUT"/sections/*.md

failed=""
part() {	# name, command...
	name=$1; shift
	want "$name" || return 0
	t0=$(date +%s)
	echo "== $name" >&2
	if "$@"; then
		echo "== $name: $(( $(date +%s) - t0 )) s" >&2
	else
		echo "== $name FAILED ($(( $(date +%s) - t0 )) s)" >&2
		failed="$failed $name"
	fi
}
objbench() { "$B/objbench" --quick > "$OUT/objbench.txt"; }

S=$B/slotslab
part replay $PY -m slotbench.suite --slotslab "$S" --out "$OUT" --traces "$TRACES" \
	--size $size --reps "$reps"
# The Python side and cachegrind measure bytes and simulated misses, which
# the other's load cannot change: they share the two cores.  Nothing timed
# runs beside them.
cachegrind() {
	$PY -m slotbench.cachegrind --slotslab "$S" --out "$OUT" --traces "$TRACES" \
		--size $size --when-needed "$OUT/replay.json"
}
( part cachegrind cachegrind; [ -z "$failed" ] ) 2>"$OUT/cachegrind.log" &
cg=$!
part python $PY -m slotbench.pythons --slotslab "$S" --out "$OUT" --traces "$TRACES" --size $size \
	--pypy "${BENCH_PYPY:-pypy3}"
part pyversions env PYTHONPATH=scripts $PY -m slotbench.pyversions --slotslab "$S" --out "$OUT" \
	--traces "$TRACES" --size $size --pypy "${BENCH_PYPY:-pypy3}"
wait $cg || failed="$failed cachegrind"
cat "$OUT/cachegrind.log" >&2
rm -f "$OUT/cachegrind.log"
# Their tables go into the summary; stdout is for the summary alone.
allocbench() { REPS="${ALLOC_REPS:-3}" FULL="${FULL:-0}" scripts/allocbench.sh "$B" "$OUT" >/dev/null; }
configcost() { REPS="${CONFIGCOST_REPS:-5}" J="$J" scripts/configcost.sh "$OUT" >/dev/null; }
realtrace() {
	rreps=${REALTRACE_REPS:-3}
	[ "${FULL:-0}" = 1 ] && rreps=${REALTRACE_REPS:-5}
	REPS="$rreps" FULL="${FULL:-0}" scripts/realtrace.sh "$B" "$OUT" >/dev/null
}
part alloc allocbench
part configcost configcost
part objbench objbench
part realtrace realtrace
# The workload suite (bench/workloads/, scripts/slotbench/workloads.py):
# classic allocator patterns and an interpreter, every allocator preloaded.
# slotslab as users get it: the default configuration's build (make all), when there.
wlb=$B; [ -z "${BENCH_BUILD:-}" ] && [ -f build/libslotslab-malloc.so ] && [ -x build/workloads/larson ] && wlb=build
part workloads env PYTHONPATH=scripts $PY -m slotbench.workloads --build "$wlb" --out "$OUT" \
	--reps "${WORKLOAD_REPS:-$([ "$reps" -gt 5 ] && echo "$reps" || echo 5)}" $([ "${FULL:-0}" = 1 ] && echo --full)
advise() { PYTHONPATH=scripts $PY -m slotbench.advise --slotslab "$S" --out "$OUT" --reps "$reps" >/dev/null; }
part advise advise

$PY -m slotbench.report --results "$OUT" --build "$B" --size $size --reps "$reps" \
	--started "$start" --parts "$parts" || failed="$failed report"
echo "bench: $(( $(date +%s) - start )) s; results in $OUT/"
if [ -n "$failed" ]; then
	echo "bench: FAILED:$failed" >&2
	exit 1
fi
