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
Times on a shared VM swing by more than that from run to run, so each
workload that goes through the small-block paths also runs once more
under callgrind at a tenth of its work (valgrind's instruction count,
the same in every run): the instructions with the check over those
without it, as the steady part of the cost; the goal is met when both
are within it.  Without valgrind that column says unavailable, and the
time decides alone.

Writes RESULTS/checkcost.json and RESULTS/sections/45-checkcost.md; a run
that fails its own check fails the part.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

from slotbench import common as bl
from slotbench import workloads as wl

GOAL = 1.03
# the workloads counted under callgrind: the ones whose blocks are small
# (large, mleak and the interpreter go by other paths, and slowly there)
COUNTED = ("larson", "xmalloc", "mstress", "randsize-1", "randsize-N", "batch", "reallocs",
           "regrow", "cache-scratch", "cache-thrash")


def tenth(argv):
    """@argv with its -n (the work) a tenth as large, at least 1."""
    out = list(argv)
    if "-n" in out:
        i = out.index("-n") + 1
        out[i] = str(max(1, int(out[i]) // 10))
    return out


def instructions(lib, argv, timeout):
    """valgrind's instruction count of @argv with @lib preloaded, or None."""
    vg = shutil.which("valgrind")
    if not vg:
        return None
    cmd = [vg, "--tool=callgrind", "--callgrind-out-file=/dev/null", "--trace-children=yes",
           "env", "LD_PRELOAD=" + lib] + argv
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    counts = re.findall(r"I\s+refs:\s+([\d,]+)", p.stderr)
    if p.returncode != 0 or not counts:
        return None
    return int(counts[-1].replace(",", ""))


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


def count_all(work, pair, timeout, res):
    """Each counted workload's instructions under both builds, into @res."""
    counted = [(w, a) for w, a in work if w in COUNTED]
    prog = bl.Progress("checkcost: callgrind", 2 * len(counted))
    for w, argv_w in counted:
        for p in pair:
            res[w][p["name"]]["instructions"] = instructions(p["library"], tenth(argv_w), timeout)
            prog.tick("%s %s" % (w, p["name"]))
        res[w]["instructions_ratio"] = bl.ratio(res[w]["with"]["instructions"],
                                                res[w]["without"]["instructions"])


def section(res, work, reps, gm):
    rows = []
    for w, _ in work:
        m = res[w]
        rows.append([w, bl.fmt(m["without"]["wall_s"], "%.4f"), bl.fmt(m["with"]["wall_s"], "%.4f"),
                     bl.fmt(m["wall_ratio"], "%.3f"), bl.fmt(m["without"]["cpu_s"], "%.4f"),
                     bl.fmt(m["with"]["cpu_s"], "%.4f"), bl.fmt(m["cpu_ratio"], "%.3f"),
                     bl.fmt(m.get("instructions_ratio"), "%.3f") if w in COUNTED
                     else "not counted"])
    rows.append(["**geometric mean**", "", "", bl.fmt(gm["wall"], "%.3f"), "", "",
                 bl.fmt(gm["cpu"], "%.3f"), bl.fmt(gm["instructions"], "%.3f")])
    met = "unavailable" if gm["wall"] is None else ("yes" if is_met(gm) else "**no**")
    return "\n".join([
        "## The always-on double-free check on the workload suite", "",
        "The workload suite under `libslotslab-malloc.so` of the default configuration, and of "
        "it with `CONFIG_SLAB_FREE_CHECK=n` (no table of recent frees: a small block freed "
        "twice may then be handed out twice); medians of %d alternated runs, ratio with the "
        "check to without it.  Instructions: callgrind's count of one run at a tenth of the "
        "work, with over without, the same in every run where times swing by more than the "
        "goal on a shared machine; its mean is over the workloads counted." % reps, "",
        bl.mdtable(["workload", "wall s, without", "wall s, with", "with / without",
                    "CPU s, without", "CPU s, with", "with / without",
                    "instructions with / without"], rows), "",
        "| goal | value | met |", "|---|---|---|",
        "| the check's cost: wall time with / without, geometric mean <= %.2f, and its "
        "instructions too (times alone cannot tell 3 %% here) | %s (instructions %s) | %s |" %
        (GOAL, bl.fmt(gm["wall"], "%.3f"), bl.fmt(gm["instructions"], "%.3f"), met), ""])


def is_met(gm):
    """The goal: the time ratio, and the instruction ratio where counted."""
    return gm["wall"] <= GOAL and (gm["instructions"] is None or gm["instructions"] <= GOAL)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--with", dest="with_build", required=True,
                    help="the default build (its programs run the workloads)")
    ap.add_argument("--without", required=True, help="the build with CONFIG_SLAB_FREE_CHECK=n")
    ap.add_argument("--out", default="results")
    ap.add_argument("--reps", type=int, default=int(os.environ.get("REPS", "5")))
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--no-count", action="store_true",
                    help="leave out the instruction counts (callgrind)")
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
    if not a.no_count:
        count_all(work, pair, a.timeout, res)
    gm = {k: wl.gmean([res[w].get(k + "_ratio") for w, _ in work])
          for k in ("wall", "cpu", "instructions")}
    os.makedirs(os.path.join(a.out, "sections"), exist_ok=True)
    bl.write_json(os.path.join(a.out, "checkcost.json"), {
        "provenance": bl.provenance(a.with_build), "without": pair[1]["library"],
        "reps": a.reps, "results": res, "runs": runs, "goal": GOAL,
        "geomean_wall_ratio": gm["wall"], "geomean_cpu_ratio": gm["cpu"],
        "geomean_instructions_ratio": gm["instructions"],
        "met": None if gm["wall"] is None else is_met(gm), "failures": failed})
    text = section(res, work, a.reps, gm)
    if failed:
        text += "\n**Failed runs:** " + "; ".join(failed) + "\n"
    with open(os.path.join(a.out, "sections", "45-checkcost.md"), "w") as f:
        f.write(text)
    for f in failed:
        bl.note("checkcost: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
