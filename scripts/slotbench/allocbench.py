"""slotbench.allocbench - the table and JSON of scripts/allocbench.sh.

    python3 -m slotbench.allocbench RUNS.jsonl OUT_DIR BUILD_DIR

Reads every run allocbench.sh logged (one allocbench JSON object per line,
"contender" relabelled with the peer it ran under), takes medians per
measurement and contender, compares slab with the best peer of the same
run, and writes OUT_DIR/allocbench.md (the table, printed as well) and
OUT_DIR/allocbench.json (every run, the rows, the provenance).  REPS in
the environment is the repetitions the shell ran (default 5).

Imports slotbench.common only.
"""
import json
import os
import sys

from slotbench import common as bl

# slotslab's contenders (the rest are peers); USERS: as users get it
USERS = ("slab-shared", "kmalloc-shared", "slotslab-malloc")
OURS = ("slab", "kmalloc") + USERS


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: python3 -m slotbench.allocbench RUNS.jsonl OUT_DIR BUILD_DIR\n")
        return 2
    raw, out, build = argv
    with open(raw) as f:
        runs = [json.loads(line) for line in f if line.strip()]

    def med(mode, who, key, size=None):
        return bl.median([r[key] for r in runs if r["mode"] == mode and r["contender"] == who
                          and (size is None or r["size"] == size) and r.get(key) is not None])
    names = []
    for r in runs:
        if r["contender"] not in names:
            names.append(r["contender"])
    peers = [n for n in names if n not in OURS]
    users = [n for n in USERS if n in names]
    prov = bl.provenance(build)

    rows = []

    def row(title, mode, key, lower_better, size=None, goal=None, spec="%.2f"):
        vals = {n: med(mode, n, key, size) for n in names}
        pv = [(vals[p], p) for p in peers if vals[p] is not None]
        best_peer = (min if lower_better else max)(pv) if pv else None
        cells = [bl.fmt(vals[n], spec) for n in names]
        ratios = {n: bl.ratio(vals[n], best_peer[0]) if best_peer else None
                  for n in ["slab"] + users}
        rows.append((title, cells, best_peer[1] if best_peer else None, ratios, goal))

    row("hot pair, 40 B (ns/op)", "hot", "ns_per_op", True, goal="<= 0.80")
    row("random replacement, 1M live 40 B (ns/op)", "random", "ns_per_op", True,
        goal="<= 0.80 (>= 1.25x throughput)")
    row("producer/consumer, 2 threads (ns/op)", "prodcons", "ns_per_op", True, goal="<= 1.00")
    for sz in (24, 40, 72):
        row("footprint, 1M x %d B (RSS / payload)" % sz, "footprint", "rss_ratio", True, size=sz,
            goal="slab <= 1.03", spec="%.3f")
    for sz in (24, 40, 72):
        row("after freeing oldest 90%%, %d B (RSS / live payload)" % sz, "footprint",
            "rss_after_free90_ratio", True, size=sz, goal="slab <= 1.20", spec="%.3f")

    mine = ["slab"] + users
    table = bl.mdtable(["measurement"] + names + ["best peer"] +
                       ["%s / best peer" % n for n in mine] + ["goal"],
                       [[title] + cells + [bp or bl.UNAVAILABLE] +
                        [bl.fmt(ratios[n], "%.2f") for n in mine] + [goal or ""]
                        for title, cells, bp, ratios, goal in rows])
    reps = os.environ.get("REPS", "5")
    meta = ("Medians of %s runs per contender, contenders alternated within each repetition; "
            "the single-threaded measurements pinned to one CPU.  `slab` and `kmalloc`: allocbench "
            "as the build links it; `slab-shared` and `kmalloc-shared`: built against the "
            "installed library with pkg-config (shared); `slotslab-malloc`: the malloc contender "
            "under LD_PRELOAD=libslotslab-malloc.so (measured on the hot pair and random "
            "replacement only). "
            "revision %s; compiler: %s; CPU: %s; config: %s" %
            (reps, prov["revision"], prov["compiler"], prov["cpu"],
             " ".join(prov["config"]) or "defaults"))
    md = "## Allocator benchmark\n\n" + table + "\n\n" + meta + "\n"
    with open(os.path.join(out, "allocbench.md"), "w") as f:
        f.write(md)
    bl.write_json(os.path.join(out, "allocbench.json"), {
        "revision": prov["revision"], "compiler": prov["compiler"], "cpu": prov["cpu"],
        "config": prov["config"], "provenance": prov, "repetitions": int(reps), "runs": runs,
        "rows": [{"measurement": t, "values": dict(zip(names, c)), "best_peer": bp,
                  "slab_over_best_peer": ratios["slab"],
                  "over_best_peer": ratios, "goal": g} for t, c, bp, ratios, g in rows]})
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
