"""slotbench.configcost - the table and JSON of scripts/configcost.sh.

    python3 -m slotbench.configcost RUNS.jsonl OUT_DIR VARIANT...

Reads every run configcost.sh logged (allocbench's JSON with the build
variant added), takes the median ns/op of each variant's hot pair and
random replacement, and their ratio to the base build's; writes
OUT_DIR/configcost.md (the table, printed as well) and
OUT_DIR/configcost.json.  VARIANT...: the variants, base first, in the
table's order.

Imports slotbench.common only.
"""
import json
import os
import sys

from slotbench import common as bl

# what each variant of configs/bench_defconfig switches
WHAT = {
    "base": "configs/bench_defconfig (SLAB_DEBUG compiled in, switched off)",
    "stats": "+ SLAB_STATS (the debug config's counters)",
    "no-debug": "- SLAB_DEBUG (not compiled in)",
    "failslab": "+ FAILSLAB, disarmed",
    "hardened": "+ SLAB_FREELIST_HARDENED",
    "random": "+ SLAB_FREELIST_RANDOM",
    "valgrind-hooks": "+ VALGRIND client requests, outside Valgrind",
    "no-magazines": "- SLAB_CPU_CACHE (every operation takes the list lock)",
    "no-free-check": "- SLAB_FREE_CHECK (no table of recent frees: the always-on double-free check)",
}


def instructions(path):
    """Callgrind's instructions per hot pair of each variant, from the
    NAME OPS IREFS lines configcost.sh wrote: the difference of a variant's
    two counts over the difference of their operations (start-up cancels
    out).  {} when the file is missing; a variant without two counts is
    left out (unavailable)."""
    counts = {}
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[1].isdigit() and w[2].isdigit():
                counts.setdefault(w[0], []).append((int(w[1]), int(w[2])))
    per = {}
    for v, c in counts.items():
        if len(c) >= 2:
            c.sort()
            (o1, n1), (o2, n2) = c[0], c[-1]
            if o2 > o1:
                per[v] = (n2 - n1) / (o2 - o1)
    return per


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: python3 -m slotbench.configcost RUNS.jsonl OUT_DIR VARIANT...\n")
        return 2
    raw, out, names = argv[0], argv[1], argv[2:]
    with open(raw) as f:
        runs = [json.loads(line) for line in f if line.strip()]

    def med(v, mode):
        return bl.median([r["ns_per_op"] for r in runs if r["variant"] == v and r["mode"] == mode])
    base_hot, base_rnd = med("base", "hot"), med("base", "random")
    ins = instructions(os.path.join(out, "configcost-instr.txt"))
    rev = bl.provenance("build/cost-base")["revision"]
    table, rows = [], []
    for v in names:
        h, r = med(v, "hot"), med(v, "random")
        i = ins.get(v)
        rows.append({"variant": v, "what": WHAT.get(v, v), "hot_ns": h, "random_ns": r,
                     "hot_ratio": bl.ratio(h, base_hot), "random_ratio": bl.ratio(r, base_rnd),
                     "hot_instructions": i, "hot_instructions_ratio": bl.ratio(i, ins.get("base"))})
        table.append([WHAT.get(v, v), bl.fmt(h, "%.2f"), bl.fmt(bl.ratio(h, base_hot), "%.3f"),
                      bl.fmt(r, "%.1f"), bl.fmt(bl.ratio(r, base_rnd), "%.3f"),
                      bl.fmt(i, "%.2f"), bl.fmt(bl.ratio(i, ins.get("base")), "%.3f")])
    md = "\n".join([
        "## Cost of build options (kmem_cache, 40-byte objects)", "",
        bl.mdtable(["build", "hot pair ns/op", "vs base", "random replacement ns/op", "vs base",
                    "hot pair instructions", "vs base"], table), "",
        "Medians of %d alternating runs; revision %s.  Instructions: callgrind's count per "
        "hot pair, the same in every run (times also move with where the linker put the "
        "fast paths).  Goal: SLAB_DEBUG compiled in "
        "but off costs at most 1.03 of the base on the hot pair." %
        (len([r for r in runs if r["variant"] == "base" and r["mode"] == "hot"]), rev)]) + "\n"
    with open(os.path.join(out, "configcost.md"), "w") as f:
        f.write(md)
    bl.write_json(os.path.join(out, "configcost.json"),
                  {"revision": rev, "rows": rows, "runs": runs})
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
