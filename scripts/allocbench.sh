#!/bin/sh
# allocbench.sh - slotslab's slab allocator against glibc, jemalloc,
# mimalloc and tcmalloc, as ratios from one run.
#
#   scripts/allocbench.sh [BUILD_DIR] [OUT_DIR]
#
# Every measurement runs REPS times (default 5); within a repetition the
# contenders run one after another in a rotating order, so that a slow
# moment of the machine spreads over all of them.  Reported: medians, and
# ratios against the best peer of the same run.  Peers come in through
# LD_PRELOAD where their Debian packages are installed; a missing peer is
# reported as unavailable.  FULL=1 uses 3x the operations.
#
# Writes OUT_DIR/allocbench.json (every run), OUT_DIR/allocbench.md (the
# table) and prints the table.
set -eu
O=${1:-build}
OUT=${2:-results}
REPS=${REPS:-5}
BIN=$O/allocbench
LIBDIR=/usr/lib/x86_64-linux-gnu
[ -x "$BIN" ] || { echo "allocbench.sh: $BIN is not built (make O=$O)" >&2; exit 1; }
mkdir -p "$OUT"
scale=1
[ "${FULL:-0}" = 1 ] && scale=3

# name:preload-library (empty for the process's own)
peers="glibc:"
for p in jemalloc:libjemalloc.so.2 mimalloc:libmimalloc.so.2 tcmalloc:libtcmalloc_minimal.so.4; do
	lib=${p#*:}
	if [ -e "$LIBDIR/$lib" ]; then
		peers="$peers $p"
	else
		echo "allocbench.sh: ${p%%:*} not installed ($LIBDIR/$lib); reported as unavailable" >&2
	fi
done
contenders="slab:slab kmalloc:kmalloc $(for p in $peers; do printf '%s ' "${p%%:*}:malloc"; done)"

raw=$OUT/allocbench.jsonl
: > "$raw"

run_one() {	# label contender mode args...
	label=$1; c=$2; shift 2
	pre=""
	for p in $peers; do
		[ "${p%%:*}" = "$label" ] && [ -n "${p#*:}" ] && pre="$LIBDIR/${p#*:}"
	done
	line=$(LD_PRELOAD=$pre "$BIN" "$@" "$c") || { echo "allocbench.sh: $label $* failed" >&2; return 1; }
	# allocbench takes MODE CONTENDER; options come first here.
	printf '%s\n' "$line" | sed "s/\"contender\":\"[a-z]*\"/\"contender\":\"$label\"/" >> "$raw"
}

measure() {	# mode, options...
	mode=$1; shift
	rep=0
	while [ $rep -lt "$REPS" ]; do
		# rotate the order each repetition
		set -- "$@"
		order=$(echo $contenders | tr ' ' '\n' | awk -v r=$rep '{a[NR]=$0} END {for (i=0;i<NR;i++) print a[(i+r)%NR+1]}')
		for lc in $order; do
			run_one "${lc%%:*}" "${lc#*:}" "$@" "$mode"
		done
		rep=$((rep + 1))
		printf '.' >&2
	done
}

echo "allocbench: $REPS repetitions per measurement, contenders: $(echo $contenders | sed 's/:[a-z]*//g')" >&2
measure hot --size 40 --ops $((20000000 * scale))
measure random --size 40 --live 1000000 --ops $((5000000 * scale))
measure prodcons --size 40 --ops $((10000000 * scale))
for sz in 24 40 72; do
	measure footprint --size $sz --live 1000000
done
echo >&2

# the table and JSON: scripts/slotbench/allocbench.py
PYTHONPATH="$(cd "$(dirname "$0")" && pwd)${PYTHONPATH:+:$PYTHONPATH}" \
	/usr/bin/python3 -m slotbench.allocbench "$raw" "$OUT" "$O"
