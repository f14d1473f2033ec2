"""slotbench.scenarios - the scenarios the benchmark replays, and their sizes.

The list of scenarios is the generator's own: `slotslab gen --list` prints
one a line, NAME <tab> objects|malloc <tab> summary.  The harness replays
the "objects" ones (the object model's traces; "malloc" traces hold
malloc events only, for the allocator comparison); a scenario the tables
below do not size runs at the generator's defaults.  The tables hold how
big each part makes a scenario at each size: `smoke` for
tests/cli/bench_suite.sh, `default` keeps `make bench` under five minutes on
two cores, `full` is docs/DESIGN.md's.  myclass keeps the seeds' 262,144
objects (the headline compares MiB with the seeds') except in smoke mode.

    python3 -m slotbench.scenarios --slotslab PATH [--part replay|python]
                                   [--options SIZE SCENARIO]

prints the scenarios, or with --options the gen options of one scenario
at SIZE (exit 2 for an unknown scenario or size).

Imports slotbench.common only.
"""
import os
import subprocess
import sys

from slotbench import common as bl

# scenario -> gen options, per size, for the C replays (slotbench.suite)
REPLAY_SIZES = {
    "smoke": {"myclass": ["--objects", "2000"], "player": ["--objects", "2000"],
              "student": ["--objects", "400"], "sweep": ["--objects", "20"],
              "hybrid": ["--objects", "400"], "subclass": ["--objects", "300"],
              "churn": ["--objects", "1000", "--ops", "3000"]},
    "default": {"myclass": ["--objects", "262144"], "player": ["--objects", "100000"],
                "student": ["--objects", "20000"], "sweep": ["--objects", "1000"],
                "hybrid": ["--objects", "50000"], "subclass": ["--objects", "30000"],
                "churn": ["--objects", "100000", "--ops", "300000"]},
    "full": {"myclass": ["--objects", "262144"], "player": ["--objects", "1000000"],
             "student": ["--objects", "100000"], "sweep": ["--objects", "10000"],
             "hybrid": ["--objects", "200000"], "subclass": ["--objects", "120000"],
             "churn": ["--objects", "100000"]},
}
# the same for the Python side (slotbench.pythons): smaller, the
# interpreters being slower than the replayer
PYTHON_SIZES = {
    "smoke": {"myclass": ["--objects", "2000"], "player": ["--objects", "1000"],
              "student": ["--objects", "400"], "sweep": ["--objects", "20"],
              "hybrid": ["--objects", "400"], "subclass": ["--objects", "300"],
              "churn": ["--objects", "500", "--ops", "1000"]},
    "default": {"myclass": ["--objects", "262144"], "player": ["--objects", "20000"],
                "student": ["--objects", "10000"], "sweep": ["--objects", "100"],
                "hybrid": ["--objects", "10000"], "subclass": ["--objects", "12000"],
                "churn": ["--objects", "10000", "--ops", "20000"]},
    "full": {"myclass": ["--objects", "262144"], "player": ["--objects", "1000000"],
             "student": ["--objects", "100000"], "sweep": ["--objects", "10000"],
             "hybrid": ["--objects", "200000"], "subclass": ["--objects", "120000"],
             "churn": ["--objects", "100000"]},
}
SIZES = ("smoke", "default", "full")
# Attribute counts replayed one class at a time.  The default set holds the
# breakpoints: CPython 2.7's dict grows past 5 and past 21 entries (seed 004),
# CPython 3.11 stops sharing keys past 30.
SWEEP_POINTS = {
    "smoke": ([0, 2, 8], 100),
    "default": ([0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 21, 22, 24, 28, 30, 31, 32, 36, 40], 5000),
    "full": (list(range(41)), 10000),
}


def listed(slotslab, models="objects"):
    """The scenarios `slotslab gen --list` prints whose events model @models,
    in its order.  Raises RuntimeError when the command fails."""
    try:
        p = subprocess.run([slotslab, "gen", "--list"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
    except OSError as e:
        raise RuntimeError("%s gen --list: %s" % (slotslab, e))
    if p.returncode != 0:
        raise RuntimeError("%s gen --list: exit %d: %s" % (slotslab, p.returncode,
                                                           p.stderr.strip()))
    out = []
    for line in p.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 2:
            raise RuntimeError("%s gen --list: not NAME<tab>KIND: %r" % (slotslab, line))
        if f[1] == models:
            out.append(f[0])
    return out


def options(table, size, scenario):
    """The gen options of @scenario at @size in @table (REPLAY_SIZES or
    PYTHON_SIZES); none, the generator's defaults, for one it does not size."""
    return list(table[size].get(scenario, []))


def chosen(arg, known, what="scenario"):
    """The comma-separated names of @arg, each one of @known; ValueError
    naming the first that is not."""
    names = [s for s in arg.split(",") if s]
    for s in names:
        if s not in known:
            raise ValueError("unknown %s '%s' (%s)" % (what, s, ", ".join(known)))
    return names


def gen(slotslab, scenario, opts, path):
    """Write @scenario's trace to @path; what `slotslab info` says of it."""
    if os.path.exists(path):
        os.unlink(path)
    cmd = [slotslab, "gen", scenario] + opts + ["-o", path]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=dict(os.environ, SLOTSLAB_PROGRESS="0"))
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    info = bl.run_json([slotslab, "info", "--json", path])
    return {"trace": path, "gen": " ".join(["slotslab", "gen", scenario] + opts),
            "events": info.get("events"), "objects_peak": info.get("objects_peak"),
            "kinds": info.get("kinds"), "classes": info.get("classes"),
            "declared_is_dict": all(c.get("slots") is None for c in info.get("classes", []))}


def main():
    ap = bl.argparser("scenarios", __doc__)
    ap.add_argument("--slotslab", required=True, help="the slotslab CLI (for gen --list)")
    ap.add_argument("--part", choices=("replay", "python"), default="replay",
                    help="whose sizes --options prints (default replay)")
    ap.add_argument("--options", nargs=2, metavar=("SIZE", "SCENARIO"),
                    help="print SCENARIO's gen options at SIZE")
    a = ap.parse_args()
    try:
        names = listed(a.slotslab)
    except RuntimeError as e:
        bl.note("scenarios: %s" % e)
        return 1
    if not a.options:
        print("\n".join(names))
        return 0
    size, scenario = a.options
    if size not in SIZES:
        ap.error("unknown size '%s' (%s)" % (size, ", ".join(SIZES)))
    if scenario not in names:
        ap.error("unknown scenario '%s' (%s)" % (scenario, ", ".join(names)))
    table = REPLAY_SIZES if a.part == "replay" else PYTHON_SIZES
    print(" ".join(options(table, size, scenario)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
