#!/usr/bin/python3
"""slotbench.pythons - the same scenarios in real Python: CPython and PyPy.

usage: python3 -m slotbench.pythons --slotslab PATH [--out DIR] [--traces DIR]
                       [--size smoke|default|full] [--python EXE] [--pypy EXE]
                       [--scenarios a,b,...]

Generates the text trace of each scenario `slotslab gen --list` names for
the object model, with `slotslab gen` (same generator, same seed as the C
replays; smaller sizes, slotbench.scenarios' PYTHON_SIZES, except myclass,
which keeps the seeds' 262,144 objects) and replays it with
scripts/slotbench/pyreplay.py under
  - Debian's CPython (/usr/bin/python3, 3.11): bytes per object from
    tracemalloc, and in a separate run RSS growth per object;
  - PyPy (pypy3), when installed: bytes per object from its GC's own
    accounting (gc.get_stats(), after a full collection: PyPy has no
    tracemalloc), and RSS growth per object for myclass and player; a missing
    pypy3 is reported as unavailable (scripts/install-deps.sh optional
    installs it);
for the layouts declared, slots and dict (declared only where it differs
from dict), plus the attribute sweep (classes with K attributes, K as in
<<<<<<<< HEAD:scripts/slotbench/pythons.py
slotbench.scenarios' SWEEP_POINTS) under CPython, with tracemalloc, as the
reference points in tests/data/reference were measured.
========
bench_suite.py's SWEEP_POINTS) under CPython, with tracemalloc, as the
reference points in tests/data/reference were measured.
>>>>>>>> issue-13:scripts/bench_python.py

Output: DIR/python.json: one row per runtime x scenario x layout x measure,
the sweep points, and which interpreters were found.  Exit status 1 when a
replay fails, 2 on bad usage.
"""
import os
import shutil
import subprocess
import sys

from slotbench import common as bl
from slotbench.scenarios import PYTHON_SIZES, SIZES, SWEEP_POINTS, chosen, gen, listed, options

# a standalone file, run by path: it must run in CPython 2.7 to 3.13 and PyPy
PYREPLAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyreplay.py")
# PyPy's RSS growth is measured for these only: against the small traces of
# the others it is mostly its JIT's code and GC arenas.
HEADLINE = ("myclass", "player")


def interpreters(a):
    """[{runtime, executable, measures, available}]"""
    out = []
    py = a.python if os.access(a.python, os.X_OK) else None
    out.append({"runtime": "cpython", "executable": a.python, "available": bool(py),
                "measures": ["tracemalloc", "rss"]})
    pypy = shutil.which(a.pypy) if a.pypy else None
    out.append({"runtime": "pypy", "executable": pypy or a.pypy, "available": bool(pypy),
                "measures": ["gcstats", "rss"]})
    for i in out:
        if i["available"]:
            v = subprocess.run([i["executable"], "-c",
                                "import sys,platform;print(platform.python_implementation(),"
                                "sys.version.split()[0])"],
                               stdout=subprocess.PIPE, universal_newlines=True)
            i["version"] = v.stdout.strip() or None
        else:
            bl.note("pythons: %s (%s) is not installed: reported as unavailable"
                    % (i["runtime"], i["executable"]))
    return out


def pyreplay(exe, trace, layout, measure):
    return bl.run_json([exe, PYREPLAY, trace, "--layout", layout, "--measure", measure])


def main():
    ap = bl.argparser("pythons", __doc__)
    ap.add_argument("--slotslab", required=True, help="the slotslab CLI (for gen)")
    ap.add_argument("--out", default="results")
    ap.add_argument("--traces", help="where the text traces go (default OUT/traces)")
    ap.add_argument("--size", choices=SIZES, default="default")
    ap.add_argument("--python", default="/usr/bin/python3", help="CPython (default /usr/bin/python3)")
    ap.add_argument("--pypy", default="pypy3", help="PyPy (default pypy3; '' for none)")
    ap.add_argument("--scenarios", help="default: every one `slotslab gen --list` names")
    a = ap.parse_args()
    try:
        known = listed(a.slotslab)
        a.scenarios = chosen(a.scenarios, known) if a.scenarios is not None else known
    except ValueError as e:
        ap.error(str(e))
    except RuntimeError as e:
        bl.note("pythons: %s" % e)
        return 1
    tdir = a.traces or os.path.join(a.out, "traces")
    os.makedirs(tdir, exist_ok=True)
    interp = interpreters(a)
    avail = [i for i in interp if i["available"]]
    rows, sweep = [], []
    try:
        scen = {}
        for s in a.scenarios:
            scen[s] = gen(a.slotslab, s, options(PYTHON_SIZES, a.size, s),
                          os.path.join(tdir, "py-%s.txt" % s))
        points, per_class = SWEEP_POINTS[a.size]
        per_class = min(per_class, 2000 if a.size != "full" else per_class)
        cpy = [i for i in avail if i["runtime"] == "cpython"]
        def measures(i, s):
            return [m for m in i["measures"] if m != "rss" or i["runtime"] == "cpython"
                    or s in HEADLINE]
        njobs = sum(len(measures(i, s)) * (2 if scen[s]["declared_is_dict"] else 3)
                    for i in avail for s in a.scenarios)
        njobs += len(points) * 2 * len(cpy)
        prog = bl.Progress("python", njobs)
        for s in a.scenarios:
            layouts = ["slots", "dict"] + ([] if scen[s]["declared_is_dict"] else ["declared"])
            for i in avail:
                for layout in layouts:
                    for m in measures(i, s):
                        r = pyreplay(i["executable"], scen[s]["trace"], layout, m)
                        r.update(scenario=s, gen=scen[s]["gen"])
                        rows.append(r)
                        prog.tick("%s %s %s %s" % (i["runtime"], s, layout, m))
        for k in points:
            path = os.path.join(tdir, "py-sweep-%02d.txt" % k)
            gen(a.slotslab, "sweep", ["--attrs", str(k), "--objects", str(per_class)], path)
            for i in cpy:
                for layout in ("slots", "dict"):
                    r = pyreplay(i["executable"], path, layout, "tracemalloc")
                    sweep.append({"attrs": k, "runtime": r["runtime"],
                                  "implementation": r["implementation"], "layout": layout,
                                  "measure": "tracemalloc", "objects_peak": r["objects_peak"],
                                  "bytes_per_object": r["bytes_per_object"]})
                    prog.tick("%s sweep %d %s" % (i["runtime"], k, layout))
    except RuntimeError as e:
        bl.note("pythons: %s" % e)
        return 1
    bl.write_json(os.path.join(a.out, "python.json"), {
        "size": a.size, "interpreters": interp, "scenarios": scen,
        "rows": rows, "sweep": sweep, "sweep_objects_per_class": per_class,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
