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
# slotslab's contenders: `slab` and `kmalloc`, allocbench as the build links
# it (static); and as users get it, on the hot pair and random replacement:
# `slab-shared` and `kmalloc-shared`, allocbench compiled against the
# library installed into a scratch prefix (make install) with
# `pkg-config --cflags --libs slotslab` (the shared library, this build's
# configuration), and `slotslab-malloc`, the malloc contender under
# LD_PRELOAD=libslotslab-malloc.so.
#
# The single-threaded measurements (hot, random, footprint) run pinned to
# one CPU (scripts/pin.inc says why).
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
peer_contenders=$(for p in $peers; do printf '%s ' "${p%%:*}:malloc"; done)

# As users get it: the installed library through pkg-config; the malloc preloaded.
MALLOC_SO=$(cd "$O" && pwd)/libslotslab-malloc.so
inst=$(mktemp -d); trap 'rm -rf "$inst"' EXIT
users="slotslab-malloc:malloc"
if command -v pkg-config >/dev/null 2>&1 &&
	make -s O="$O" install PREFIX="$inst/usr" >"$inst/log" 2>&1 &&
	${CC:-cc} -O2 $(PKG_CONFIG_PATH="$inst/usr/lib/pkgconfig" pkg-config --cflags slotslab) \
		-Iinclude -o "$inst/allocbench" bench/tools/allocbench.c \
		$(PKG_CONFIG_PATH="$inst/usr/lib/pkgconfig" pkg-config --libs slotslab) -lpthread \
		>>"$inst/log" 2>&1; then
	users="slab-shared:slab kmalloc-shared:kmalloc $users"
else
	echo "allocbench.sh: no build against the installed library (pkg-config, make install):" \
	     "slab-shared and kmalloc-shared are unavailable" >&2
	sed 's/^/  /' "$inst/log" >&2
fi
contenders="slab:slab kmalloc:kmalloc $users $peer_contenders"
base_contenders="slab:slab kmalloc:kmalloc $peer_contenders"

. "$(dirname "$0")/pin.inc"

raw=$OUT/allocbench.jsonl
: > "$raw"

run_one() {	# label contender pin mode args...
	label=$1; c=$2; pin=$3; shift 3
	pre="" bin=$BIN libpath=${LD_LIBRARY_PATH:-}
	for p in $peers; do
		[ "${p%%:*}" = "$label" ] && [ -n "${p#*:}" ] && pre="$LIBDIR/${p#*:}"
	done
	case $label in
	slotslab-malloc) pre=$MALLOC_SO ;;
	*-shared) bin=$inst/allocbench libpath=$inst/usr/lib ;;
	esac
	line=$(LD_PRELOAD=$pre LD_LIBRARY_PATH=$libpath $pin "$bin" "$@" "$c") ||
		{ echo "allocbench.sh: $label $* failed" >&2; return 1; }
	# allocbench takes MODE CONTENDER; options come first here.
	printf '%s\n' "$line" | sed "s/\"contender\":\"[a-z]*\"/\"contender\":\"$label\"/" >> "$raw"
}

measure() {	# "contenders" pin mode, options...
	who=$1 pin=$2 mode=$3; shift 3
	rep=0
	while [ $rep -lt "$REPS" ]; do
		# rotate the order each repetition
		order=$(echo $who | tr ' ' '\n' | awk -v r=$rep '{a[NR]=$0} END {for (i=0;i<NR;i++) print a[(i+r)%NR+1]}')
		for lc in $order; do
			run_one "${lc%%:*}" "${lc#*:}" "$pin" "$@" "$mode"
		done
		rep=$((rep + 1))
		printf '.' >&2
	done
}

echo "allocbench: $REPS repetitions per measurement, contenders: $(echo $contenders | sed 's/:[a-z]*//g')${PIN:+; single-threaded ones under $PIN}" >&2
measure "$contenders" "$PIN" hot --size 40 --ops $((20000000 * scale))
measure "$contenders" "$PIN" random --size 40 --live 1000000 --ops $((5000000 * scale))
measure "$base_contenders" "" prodcons --size 40 --ops $((10000000 * scale))
for sz in 24 40 72; do
	measure "$base_contenders" "$PIN" footprint --size $sz --live 1000000
done
echo >&2

# the table and JSON: scripts/slotbench/allocbench.py
PYTHONPATH="$(cd "$(dirname "$0")" && pwd)${PYTHONPATH:+:$PYTHONPATH}" \
	/usr/bin/python3 -m slotbench.allocbench "$raw" "$OUT" "$O"
