#!/bin/sh
# perf-suite.sh - the benchmark's replays (or the whole suite) under perf.
#
#   scripts/perf-suite.sh [--record] [--events LIST] [--out DIR] [--build DIR]
#                         [--size smoke|default|full] [--scenarios a,b,...]
#   scripts/perf-suite.sh [--record] ... -- TRACE [REPLAY OPTIONS...]
#   scripts/perf-suite.sh --suite [--events LIST] [--out DIR]
#
# Default: generates each scenario's trace (slotslab gen, the suite's sizes;
# default myclass player churn) and runs `perf stat` on `slotslab replay`
# of it with --layout slots and --layout dict (slab heap, profile
# cpython311), one line per replay and counter.  After `--`, one replay of
# your choosing instead.  --suite runs the whole of scripts/bench.sh under
# `perf stat` (children included), for totals.
#
# --record also runs `perf record -g` on every replay: OUT/perf-NAME.data and
# the top of `perf report --stdio` in OUT/perf-NAME.txt.  Without hardware
# counters perf record samples the cpu-clock software event; the report
# says which event it sampled.
#
# Every counter perf cannot count here is reported as unsupported, never as
# 0, and the last line names them.  Events default to cycles, instructions,
# cache-references, cache-misses, L1-dcache-loads, L1-dcache-load-misses,
# LLC-load-misses, task-clock and page-faults.  Writes OUT/perf.json and
# OUT/perf.md (default OUT: results) and prints the table.  BUILD defaults
# to build/bench (built if missing, as bench.sh builds it).
set -u
cd "$(dirname "$0")/.." || exit 1

export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ in the tree
export PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}"
PY=/usr/bin/python3
usage() { sed -n '2,/^set/s/^# \{0,1\}//p' "$0"; }
die() { echo "perf-suite.sh: $*" >&2; exit 2; }

OUT=results
B=build/bench
size=default
scenarios=myclass,player,churn
events=cycles,instructions,cache-references,cache-misses,L1-dcache-loads,L1-dcache-load-misses,LLC-load-misses,task-clock,page-faults
record=0
suite=0
custom=0
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--record) record=1 ;;
	--suite) suite=1 ;;
	--events) [ $# -ge 2 ] || die "--events wants a list"; events=$2; shift ;;
	--out) [ $# -ge 2 ] || die "--out wants a directory"; OUT=$2; shift ;;
	--build) [ $# -ge 2 ] || die "--build wants a directory"; B=$2; shift ;;
	--size) [ $# -ge 2 ] || die "--size wants smoke, default or full"; size=$2; shift ;;
	--scenarios) [ $# -ge 2 ] || die "--scenarios wants a list"; scenarios=$2; shift ;;
	--) shift; custom=1; break ;;
	*) die "unknown argument '$1' (--help)" ;;
	esac
	shift
done
case "$size" in smoke|default|full) ;; *) die "--size wants smoke, default or full, not '$size'" ;; esac
[ $custom = 1 ] && [ $# -eq 0 ] && die "after --, a trace and replay options"

command -v perf >/dev/null 2>&1 || scripts/install-deps.sh bench || exit 1
command -v perf >/dev/null 2>&1 || { echo "perf-suite.sh: perf is not installed" >&2; exit 1; }
if ! [ -x "$B/slotslab" ]; then
	make -s O="$B" bench_defconfig >/dev/null && make -s -j"${J:-2}" O="$B" all || exit 1
fi
mkdir -p "$OUT" "$B/traces" || exit 1
raw=$OUT/perf.raw
: > "$raw"

# stat NAME COMMAND...: perf stat -x, into $raw as "NAME,value,unit,event"
stat() {
	name=$1; shift
	tmp=$OUT/perf-stat.tmp
	if ! perf stat -x, -o "$tmp" -e "$events" "$@" >/dev/null; then
		echo "perf-suite.sh: $name failed: $*" >&2
		rm -f "$tmp"
		return 1
	fi
	grep -v '^#' "$tmp" | grep -v '^$' | awk -F, -v n="$name" '{ print n "," $1 "," $2 "," $3 }' >> "$raw"
	rm -f "$tmp"
	if [ $record = 1 ]; then
		perf record -q -g -o "$OUT/perf-$name.data" "$@" >/dev/null 2>"$OUT/perf-$name.err" ||
			{ echo "perf-suite.sh: perf record $name failed (see $OUT/perf-$name.err)" >&2; return 1; }
		rm -f "$OUT/perf-$name.err"
		{
			echo "# perf record -g $*"
			echo "# sampled event: $(perf evlist -i "$OUT/perf-$name.data" 2>/dev/null | head -1)"
			perf report -i "$OUT/perf-$name.data" --stdio --no-children --percent-limit 2 2>/dev/null |
				grep -v '^$' | head -60
		} > "$OUT/perf-$name.txt"
		echo "perf-suite.sh: profile of $name in $OUT/perf-$name.txt" >&2
	fi
}

failed=0
S=$B/slotslab
if [ $suite = 1 ]; then
	stat suite sh scripts/bench.sh || failed=1
elif [ $custom = 1 ]; then
	stat "$(basename "$1" | sed 's/\.[a-z]*$//')" "$S" replay "$@" || failed=1
else
	for sc in $(echo "$scenarios" | tr ',' ' '); do
		opts=$($PY -m slotbench.scenarios --slotslab "$S" --options "$size" "$sc") || exit 2
		t=$B/traces/perf-$sc.bin
		# shellcheck disable=SC2086
		SLOTSLAB_PROGRESS=0 "$S" gen "$sc" $opts -o "$t" >/dev/null || exit 1
		for layout in slots dict; do
			echo "perf-suite.sh: $sc $layout" >&2
			stat "$sc-$layout" "$S" replay "$t" --layout "$layout" --heap slab \
				--profile cpython311 || failed=1
		done
	done
fi

$PY -m slotbench.perfstat "$raw" "$OUT" "$events" || failed=1
rm -f "$raw"
exit $failed
