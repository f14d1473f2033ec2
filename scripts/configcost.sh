#!/bin/sh
# configcost.sh - what each build-time option costs the allocator's fast
# paths, as ratios from one run.
#
#   scripts/configcost.sh [OUT_DIR]
#
# Builds configs/bench_defconfig and variants of it that each switch one
# option on, in build/cost-NAME, then times allocbench's hot alloc/free
# pair and random replacement (1M live objects) for a dedicated cache in
# every variant, alternating the variants, REPS times (default 5).  Reports
# medians and the ratio to the base build.  SLAB_DEBUG is compiled in by
# default, switched off (SLOTSLAB_DEBUG unset): the variant "no-debug"
# leaves it out, and the goal is base / no-debug at most 1.03.  Then
# counts each variant's instructions per hot pair under callgrind.  Every run
# is pinned to one CPU (scripts/pin.inc), as allocbench.sh's: the CPUs of
# a shared VM can differ by more than the costs measured here.  Last, the
# always-on double-free check (SLAB_FREE_CHECK) on the workload suite, as
# users get it: the malloc replacement of the base and of "no-free-check"
# preloaded, alternated (scripts/slotbench/checkcost.py).
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-results}
REPS=${REPS:-5}
J=${J:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$OUT"

# name:options (space-separated Kconfig NAME=VALUE, empty for the base)
variants="base:
stats:SLAB_STATS=y
no-debug:SLAB_DEBUG=n
failslab:FAILSLAB=y
hardened:SLAB_FREELIST_HARDENED=y
random:SLAB_FREELIST_RANDOM=y
valgrind-hooks:VALGRIND=y
no-magazines:SLAB_CPU_CACHE=n
no-free-check:SLAB_FREE_CHECK=n"

names=""
echo "$variants" | while IFS=: read -r name opts; do
	o=build/cost-$name
	mkdir -p "$o"
	# Write the variant's .config aside; replace it only when it changed,
	# so that an unchanged variant does not rebuild.
	KCONFIG_CONFIG=$o/.config.new /usr/bin/python3 -m defconfig --kconfig Kconfig \
		configs/bench_defconfig >/dev/null
	if [ -n "$opts" ]; then
		# shellcheck disable=SC2086
		KCONFIG_CONFIG=$o/.config.new /usr/bin/python3 -m setconfig --kconfig Kconfig $opts >/dev/null
	fi
	if cmp -s "$o/.config.new" "$o/.config"; then
		rm -f "$o/.config.new"
	else
		mv "$o/.config.new" "$o/.config"
	fi
	make -s -j"$J" O="$o" "$o/allocbench" >/dev/null
done
# the double-free check on the workload suite: both malloc replacements,
# and the suite's programs once
make -s -j"$J" O=build/cost-base all >/dev/null
make -s -j"$J" O=build/cost-no-free-check build/cost-no-free-check/libslotslab-malloc.so >/dev/null
names=$(echo "$variants" | cut -d: -f1 | tr '\n' ' ')

. scripts/pin.inc

raw=$OUT/configcost.jsonl
: > "$raw"
rep=0
while [ "$rep" -lt "$REPS" ]; do
	# rotate the order of the variants every repetition
	order=$(echo $names | tr ' ' '\n' | awk -v r=$rep 'NF {a[n++]=$0} END {for (i=0;i<n;i++) print a[(i+r)%n]}')
	for name in $order; do
		for mode in hot random; do
			line=$(env -u SLOTSLAB_DEBUG $PIN build/cost-$name/allocbench $mode slab)
			echo "$line" | sed "s/^{/{\"variant\":\"$name\",/" >> "$raw"
		done
	done
	rep=$((rep + 1))
	printf '.' >&2
done
echo >&2

# Instructions per hot pair, from callgrind: the same in every run, where
# the times also move with where the linker put the fast paths (a build
# whose machine code is the same can time 5-10 % apart).  Two runs per
# variant; their difference over the difference of their operations leaves
# the start-up out.  Without valgrind the column says unavailable.
ins=$OUT/configcost-instr.txt
: > "$ins"
if command -v valgrind >/dev/null 2>&1; then
	for name in $names; do
		for ops in 1000000 2000000; do
			n=$(env -u SLOTSLAB_DEBUG valgrind --tool=callgrind --callgrind-out-file=/dev/null \
				build/cost-$name/allocbench hot slab --ops $ops 2>&1 >/dev/null |
				sed -n 's/.*I *refs: *//p' | tr -d ,)
			echo "$name $ops ${n:-}" >> "$ins"
		done
		printf '.' >&2
	done
	echo >&2
fi

# the table and JSON: scripts/slotbench/configcost.py
# shellcheck disable=SC2086
PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}" \
	/usr/bin/python3 -m slotbench.configcost "$raw" "$OUT" $names

# The always-on double-free check (CONFIG_SLAB_FREE_CHECK) on the workload
# suite, through the malloc replacement: scripts/slotbench/checkcost.py
PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}" \
	/usr/bin/python3 -m slotbench.checkcost --with build/cost-base \
	--without build/cost-no-free-check --out "$OUT" --reps "$REPS"
