"""slotbench.checkcost - what the always-on double-free check costs the
workload suite, as users get it (the malloc replacement, preloaded).

usage: PYTHONPATH=scripts /usr/bin/python3 -m slotbench.checkcost
       --with BUILD --without BUILD --out RESULTS [--reps N] [--only NAMES]

BUILD/libslotslab-malloc.so of two builds that differ in
CONFIG_SLAB_FREE_CHECK alone (scripts/configcost.sh builds both: the
default configuration, and it with the option off).  Each workload of
slotbench.workloads (the --with build's programs) runs under the one and
the other, alternated, the order flipped from one repetition to the next;
medians of wall time and CPU time, and their ratio with the check to
without it.  The goal (issue 12): the check costs at most 3 % of the
suite's time, the geometric mean of the wall-time ratios at most 1.03.

Writes RESULTS/checkcost.json and RESULTS/sections/45-checkcost.md; a run
that fails its own check fails the part.
"""
import argparse
import os
import sys

from slotbench import common as bl
from slotbench import workloads as wl

GOAL = 1.03


def contender(name, build):
    lib = os.path.abspath(os.path.join(build, "libslotslab-malloc.so"))
    if not os.path.exists(lib):
        raise SystemExit("checkcost: %s is not built (make O=%s %s)" % (lib, build, lib))
    return {"name": name, "library": lib}


def summarise(runs, work):
    res = {}
    for w, _ in work:
        m = {}
        for c in ("with", "without"):
            ok = [r for r in runs[w][c] if r["ok"]]
            m[c] = {"wall_s": bl.median([r["wall_s"] for r in ok]),
                    "cpu_s": bl.median([r["cpu_s"] for r in ok])}
        m["wall_ratio"] = bl.ratio(m["with"]["wall_s"], m["without"]["wall_s"])
        m["cpu_ratio"] = bl.ratio(m["with"]["cpu_s"], m["without"]["cpu_s"])
        res[w] = m
    return res


def section(res, work, reps, gm_wall, gm_cpu):
    rows = []
    for w, _ in work:
        m = res[w]
        rows.append([w, bl.fmt(m["without"]["wall_s"], "%.4f"), bl.fmt(m["with"]["wall_s"], "%.4f"),
                     bl.fmt(m["wall_ratio"], "%.3f"), bl.fmt(m["without"]["cpu_s"], "%.4f"),
                     bl.fmt(m["with"]["cpu_s"], "%.4f"), bl.fmt(m["cpu_ratio"], "%.3f")])
    rows.append(["**geometric mean**", "", "", bl.fmt(gm_wall, "%.3f"), "", "",
                 bl.fmt(gm_cpu, "%.3f")])
    met = "unavailable" if gm_wall is None else ("yes" if gm_wall <= GOAL else "**no**")
    return "\n".join([
        "## The always-on double-free check on the workload suite", "",
        "The workload suite under `libslotslab-malloc.so` of the default configuration, and of "
        "it with `CONFIG_SLAB_FREE_CHECK=n` (no table of recent frees: a small block freed "
        "twice may then be handed out twice); medians of %d alternated runs, ratio with the "
        "check to without it." % reps, "",
        bl.mdtable(["workload", "wall s, without", "wall s, with", "with / without",
                    "CPU s, without", "CPU s, with", "with / without"], rows), "",
        "| goal | value | met |", "|---|---|---|",
        "| the check's cost: wall time with / without, geometric mean <= %.2f | %s | %s |" %
        (GOAL, bl.fmt(gm_wall, "%.3f"), met), ""])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--with", dest="with_build", required=True,
                    help="the default build (its programs run the workloads)")
    ap.add_argument("--without", required=True, help="the build with CONFIG_SLAB_FREE_CHECK=n")
    ap.add_argument("--out", default="results")
    ap.add_argument("--reps", type=int, default=int(os.environ.get("REPS", "5")))
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--timeout", type=int, default=300)
    a = ap.parse_args(argv)
    if a.reps < 1:
        ap.error("--reps must be at least 1")
    work = wl.workloads(a.with_build, False)
    if a.only:
        work = [w for w in work if w[0] in a.only.split(",")]
        if not work:
            ap.error("--only names no workload")
    for _, argv_w in work:
        if not argv_w[0].endswith("python3") and not os.path.exists(argv_w[0]):
            raise SystemExit("checkcost: %s is not built (make O=%s all)" % (argv_w[0], a.with_build))
    pair = [contender("with", a.with_build), contender("without", a.without)]
    runs = {w: {"with": [], "without": []} for w, _ in work}
    pin = wl.pin_prefix()
    prog = bl.Progress("checkcost", a.reps * len(work) * 2)
    failed = []
    for rep in range(a.reps):
        for wi, (w, argv_w) in enumerate(work):
            order = pair if (rep + wi) % 2 == 0 else pair[::-1]
            for p in order:
                r = wl.run_once(a.with_build, (pin if w in wl.SINGLE else []) + argv_w, p,
                                a.timeout)
                runs[w][p["name"]].append(r)
                if not r["ok"]:
                    failed.append("%s %s the check: %s" % (w, p["name"], r["error"]))
                prog.tick("%s %s" % (w, p["name"]))
    res = summarise(runs, work)
    gm_wall = wl.gmean([res[w]["wall_ratio"] for w, _ in work])
    gm_cpu = wl.gmean([res[w]["cpu_ratio"] for w, _ in work])
    os.makedirs(os.path.join(a.out, "sections"), exist_ok=True)
    bl.write_json(os.path.join(a.out, "checkcost.json"), {
        "provenance": bl.provenance(a.with_build), "without": pair[1]["library"],
        "reps": a.reps, "results": res, "runs": runs, "goal": GOAL,
        "geomean_wall_ratio": gm_wall, "geomean_cpu_ratio": gm_cpu,
        "met": None if gm_wall is None else gm_wall <= GOAL, "failures": failed})
    text = section(res, work, a.reps, gm_wall, gm_cpu)
    if failed:
        text += "\n**Failed runs:** " + "; ".join(failed) + "\n"
    with open(os.path.join(a.out, "sections", "45-checkcost.md"), "w") as f:
        f.write(text)
    for f in failed:
        bl.note("checkcost: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
