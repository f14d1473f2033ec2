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
# leaves it out, and the goal is base / no-debug at most 1.03.
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
no-magazines:SLAB_CPU_CACHE=n"

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
names=$(echo "$variants" | cut -d: -f1 | tr '\n' ' ')

raw=$OUT/configcost.jsonl
: > "$raw"
rep=0
while [ "$rep" -lt "$REPS" ]; do
	# rotate the order of the variants every repetition
	order=$(echo $names | tr ' ' '\n' | awk -v r=$rep 'NF {a[n++]=$0} END {for (i=0;i<n;i++) print a[(i+r)%n]}')
	for name in $order; do
		for mode in hot random; do
			line=$(env -u SLOTSLAB_DEBUG build/cost-$name/allocbench $mode slab)
			echo "$line" | sed "s/^{/{\"variant\":\"$name\",/" >> "$raw"
		done
	done
	rep=$((rep + 1))
	printf '.' >&2
done
echo >&2

/usr/bin/python3 - "$raw" "$OUT" "$names" <<'PY'
import json, statistics, sys, subprocess
raw, out, names = sys.argv[1], sys.argv[2], sys.argv[3].split()
runs = [json.loads(l) for l in open(raw) if l.strip()]
def med(v, mode):
    x = [r["ns_per_op"] for r in runs if r["variant"] == v and r["mode"] == mode]
    return statistics.median(x) if x else None
what = {
    "base": "configs/bench_defconfig (SLAB_DEBUG compiled in, switched off)",
    "stats": "+ SLAB_STATS (the default config's counters)",
    "no-debug": "- SLAB_DEBUG (not compiled in)",
    "failslab": "+ FAILSLAB, disarmed",
    "hardened": "+ SLAB_FREELIST_HARDENED",
    "random": "+ SLAB_FREELIST_RANDOM",
    "valgrind-hooks": "+ VALGRIND client requests, outside Valgrind",
    "no-magazines": "- SLAB_CPU_CACHE (every operation takes the list lock)",
}
base_hot, base_rnd = med("base", "hot"), med("base", "random")
rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
lines = ["## Cost of build options (kmem_cache, 40-byte objects)", "",
         "| build | hot pair ns/op | vs base | random replacement ns/op | vs base |",
         "|---|---|---|---|---|"]
rows = []
for v in names:
    h, r = med(v, "hot"), med(v, "random")
    rows.append({"variant": v, "what": what.get(v, v), "hot_ns": h, "random_ns": r,
                 "hot_ratio": h / base_hot if h and base_hot else None,
                 "random_ratio": r / base_rnd if r and base_rnd else None})
    lines.append("| %s | %.2f | %.3f | %.1f | %.3f |" % (what.get(v, v), h, h / base_hot, r, r / base_rnd))
lines.append("")
nd_hot, nd_rnd = med("no-debug", "hot"), med("no-debug", "random")
lines.append("Medians of %d alternating runs; revision %s.  Goal: SLAB_DEBUG compiled in "
             "but off costs at most 1.03 of a build without it on the hot pair: %s." %
             (len([r for r in runs if r["variant"] == "base" and r["mode"] == "hot"]), rev,
              "%.3f hot, %.3f random" % (base_hot / nd_hot, base_rnd / nd_rnd)
              if nd_hot and nd_rnd else "unavailable"))
md = "\n".join(lines) + "\n"
open(out + "/configcost.md", "w").write(md)
json.dump({"revision": rev, "rows": rows, "runs": runs}, open(out + "/configcost.json", "w"), indent=1)
print(md)
PY
