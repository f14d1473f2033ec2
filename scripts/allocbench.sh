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

/usr/bin/python3 - "$raw" "$OUT" "$O" <<'PY'
import json, statistics, sys, os, subprocess, platform
raw, out, build = sys.argv[1:4]
runs = [json.loads(l) for l in open(raw) if l.strip()]
def med(mode, who, key, size=None):
    v = [r[key] for r in runs if r["mode"] == mode and r["contender"] == who
         and (size is None or r["size"] == size) and r.get(key) is not None]
    return statistics.median(v) if v else None
names = []
for r in runs:
    if r["contender"] not in names:
        names.append(r["contender"])
peers = [n for n in names if n not in ("slab", "kmalloc")]

def rev():
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], text=True).strip()
    except Exception:
        return "unknown"
def cpu():
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            return l.split(":", 1)[1].strip()
    return platform.machine()
def compiler():
    try:
        return subprocess.check_output(["cc", "--version"], text=True).splitlines()[0]
    except Exception:
        return "unknown"
cfg = os.path.join(build, ".config") if build != "build" else ".config"
config = [l.strip() for l in open(cfg)] if os.path.exists(cfg) else []
config = [l for l in config if l.startswith("CONFIG_")]

rows = []
def row(title, mode, key, lower_better, size=None, goal=None, fmt="%.2f"):
    vals = {n: med(mode, n, key, size) for n in names}
    best_peer = None
    pv = [(vals[p], p) for p in peers if vals[p] is not None]
    if pv:
        best_peer = (min if lower_better else max)(pv)
    cells = []
    for n in names:
        v = vals[n]
        cells.append("unavailable" if v is None else fmt % v)
    ratio = None
    if best_peer and vals["slab"] is not None:
        ratio = vals["slab"] / best_peer[0]
    rows.append((title, cells, best_peer[1] if best_peer else None, ratio, goal))

row("hot pair, 40 B (ns/op)", "hot", "ns_per_op", True, goal="<= 0.80")
row("random replacement, 1M live 40 B (ns/op)", "random", "ns_per_op", True, goal="<= 0.80 (>= 1.25x throughput)")
row("producer/consumer, 2 threads (ns/op)", "prodcons", "ns_per_op", True, goal="<= 1.00")
for sz in (24, 40, 72):
    row("footprint, 1M x %d B (RSS / payload)" % sz, "footprint", "rss_ratio", True, size=sz,
        goal="slab <= 1.03", fmt="%.3f")
for sz in (24, 40, 72):
    row("after freeing oldest 90%%, %d B (RSS / live payload)" % sz, "footprint",
        "rss_after_free90_ratio", True, size=sz, goal="slab <= 1.20", fmt="%.3f")

lines = []
lines.append("| measurement | " + " | ".join(names) + " | best peer | slab / best peer | goal |")
lines.append("|---|" + "---|" * (len(names) + 3))
for title, cells, bp, ratio, goal in rows:
    r = "unavailable" if ratio is None else "%.2f" % ratio
    lines.append("| %s | %s | %s | %s | %s |" % (title, " | ".join(cells), bp or "unavailable", r, goal or ""))
reps = os.environ.get("REPS", "5")
meta = ("Medians of %s runs per contender, contenders alternated within each repetition. "
        "revision %s; compiler: %s; CPU: %s; config: %s" %
        (reps, rev(), compiler(), cpu(), " ".join(config) or "defaults"))
table = "\n".join(lines)
md = "## Allocator benchmark\n\n" + table + "\n\n" + meta + "\n"
open(os.path.join(out, "allocbench.md"), "w").write(md)
json.dump({"revision": rev(), "compiler": compiler(), "cpu": cpu(), "config": config,
           "repetitions": int(reps), "runs": runs,
           "rows": [{"measurement": t, "values": dict(zip(names, c)), "best_peer": bp,
                     "slab_over_best_peer": ratio, "goal": g} for t, c, bp, ratio, g in rows]},
          open(os.path.join(out, "allocbench.json"), "w"), indent=1)
print(md)
PY
