#!/bin/sh
# bench.sh - the benchmark suite, as `make bench` runs it.
#
# Builds the benchmark configuration (configs/bench_defconfig: what users
# get, minus the statistics counters on the fast path) in build/bench,
# installs the peer allocators and tools that are missing, and runs:
#   - the allocator benchmark: slab vs glibc, jemalloc, mimalloc, tcmalloc
# Results go to results/ (RESULTS=dir elsewhere); the summary is printed.
# FULL=1 uses full sizes; REPS=N repetitions per measurement (default 5).
set -eu
cd "$(dirname "$0")/.."
OUT=${RESULTS:-results}
B=build/bench
J=${J:-$(nproc 2>/dev/null || echo 2)}

scripts/install-deps.sh build bench
make -s O=$B bench_defconfig >/dev/null
make -s -j"$J" O=$B all
mkdir -p "$OUT"
start=$(date +%s)
scripts/allocbench.sh $B "$OUT"
echo "bench: $(( $(date +%s) - start )) s; results in $OUT/"
