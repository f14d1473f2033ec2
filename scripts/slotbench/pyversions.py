"""slotbench.pyversions - what __slots__ saves in every Python of the machine,
beside the object model's profile of the same generation.

usage: PYTHONPATH=scripts /usr/bin/python3 -m slotbench.pyversions
           --slotslab PATH [--out DIR] [--traces DIR] [--size smoke|default|full]
           [--pypy EXE]

Interpreters: slotbench.interpreters.find() (pyenv's versions, python2.7 and
python3.X on PATH, /usr/bin/python3) and the PyPy of --pypy.  Every generation
the project expects (CPython 2.7, 3.6 ... 3.13, PyPy 3) that is not found is
a row marked unavailable.

The same generated text traces (slotslab gen) replay in each interpreter
(scripts/pyreplay.py) and in `slotslab replay --profile auto`, the trace
carrying the interpreter's '# python: IMPL VERSION' header line, so that the
model picks the profile of that generation (om_profile_for_python):
  headline  seeds 000/001's MyClass(name, identifier), 262,144 objects
            (smoke: 2,000), as slots and as dict: bytes per object and,
            in a run of its own, RSS growth per object;
  sweep     one class with K attributes, K = 0 .. 40 (FULL=1; by default
            12 of them, both sides of every generation's steps; smoke: a
            few), as slots and as dict: bytes per object;
  seed 004  from the sweep: where the dict's size steps (seed 004: "5 entries
            and 21 entries" on CPython 2.x: the last sizes before a step) and
            how many slots an empty instance dict is worth ("35 or 36"): the
            dict instance's bytes over the slot instance's, with one
            attribute each, in 8-byte slots.
Bytes per object: tracemalloc on CPython 3 (requested bytes at the peak);
on CPython 2.7, which has no tracemalloc, sys.getsizeof of every live
object and its dict with pymalloc's 8-byte rounding; on PyPy its GC's own
accounting (gc.get_stats()).  The model's: requested bytes at the peak (the
space's accounting, `bytes_requested_peak`) per object; its RSS: the
replay's peak RSS growth per object.

Output: DIR/pyversions.json (provenance, interpreters, rows, sweep),
DIR/sections/40-pyversions.md (the section "What `__slots__` saves, by
Python version"), DIR/pyversions.png and .svg.  Exit status 1 when a replay
fails, 2 on bad usage.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
sys.path.insert(0, SCRIPTS)

from slotbench import common as bl  # noqa: E402
from slotbench import interpreters  # noqa: E402

PYREPLAY = os.path.join(HERE, "pyreplay.py")
SIZES = {
    "smoke": {"headline": 2000, "sweep": 200, "points": [0, 1, 2, 5, 6, 21, 22, 30]},
    # both sides of the steps of every generation (2.7: 5, 21; 3.6-3.10: 5, 10,
    # 21; 3.11+: 29), 0, 1 and 40; FULL=1 every point (a run of ~10 minutes)
    "default": {"headline": 262144, "sweep": 3000,
                "points": [0, 1, 2, 5, 6, 10, 11, 21, 22, 29, 30, 40]},
    "full": {"headline": 262144, "sweep": 20000, "points": list(range(41))},
}
# What the machine is expected to carry (issue 13): a row each, found or not.
EXPECTED = [("cpython", g) for g in ("2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11",
                                     "3.12", "3.13")] + [("pypy", "3")]
GOAL = 0.03           # every cpython3X profile within 3 % at every sweep point
SEED_34 = {"who": "CPython 3.4 (seeds 000, 001)", "ratio": 9.3008 / 22.6680,
           "how": "RSS growth of 262,144 MyClass(1, 1), ipython_memory_usage"}
SEED_004 = {"who": "CPython 2.x (seed 004)", "steps": [5, 21], "slots_worth": "35 or 36",
            "how": "sys.getsizeof, 32- and 64-bit Linux"}


def measure_of(p):
    if p["implementation"] == "pypy":
        return "gcstats"
    return "getsizeof" if p["version"].startswith("2.") else "tracemalloc"


def measure_words(m):
    return {"tracemalloc": "tracemalloc",
            "getsizeof": "sys.getsizeof + pymalloc rounding (no tracemalloc in 2.7)",
            "gcstats": "PyPy gc.get_stats()"}[m]


def gen(slotslab, scenario, opts, path):
    cmd = [slotslab, "gen", scenario] + opts + ["-o", path]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=dict(os.environ, SLOTSLAB_PROGRESS="0"))
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return path


def with_header(path, impl, version, tdir):
    """@path with '# python: IMPL VERSION' as its first line (one copy per version)."""
    out = os.path.join(tdir, "%s-%s-%s" % (impl, version, os.path.basename(path)))
    if not os.path.exists(out):
        with open(path) as src, open(out + ".tmp", "w") as dst:
            dst.write("# python: %s %s\n" % (impl, version))
            shutil.copyfileobj(src, dst)
        os.replace(out + ".tmp", out)
    return out


def model(slotslab, trace, layout):
    """(profile, bytes per object, RSS per object) of `slotslab replay --profile auto`."""
    r = bl.run_json([slotslab, "replay", trace, "--layout", layout, "--profile", "auto",
                     "--json", "--no-counters"], env=dict(os.environ, SLOTSLAB_PROGRESS="0"))
    n = r.get("objects_peak") or 0
    b = r["bytes_requested_peak"] / n if n else None
    rss = r["rss_peak_bytes"] / n if n and r.get("rss_peak_bytes") is not None else None
    return r["profile"], b, rss


def pyreplay(exe, trace, layout, measure):
    r = bl.run_json([exe, PYREPLAY, trace, "--layout", layout, "--measure", measure])
    return r.get("rss_delta_per_object") if measure == "rss" else r.get("bytes_per_object")


def steps(series):
    """Attribute counts after which the dict's bytes step up (more than one value)."""
    pts = sorted(series)
    return [a for a, b in zip(pts, pts[1:]) if a > 0 and b == a + 1 and series[b] is not None
            and series[a] is not None and series[b] - series[a] > 8.5]


def slots_worth(slots, dicts):
    """Slots an empty instance dict is worth: (dict(1) - slots(1)) / 8, the
    bytes a dict instance takes beyond a slot instance, one attribute each."""
    if slots.get(1) is None or dicts.get(1) is None:
        return None
    return (dicts[1] - slots[1]) / 8.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--slotslab", required=True, help="the slotslab CLI")
    ap.add_argument("--out", default="results")
    ap.add_argument("--traces", help="where the traces go (default OUT/traces)")
    ap.add_argument("--size", choices=sorted(SIZES), default="default")
    ap.add_argument("--pypy", default="pypy3",
                    help="the PyPy to measure (default pypy3; '' or a missing one: none)")
    a = ap.parse_args()
    size = SIZES[a.size]
    tdir = os.path.join(a.traces or os.path.join(a.out, "traces"), "pyversions")
    os.makedirs(tdir, exist_ok=True)
    os.makedirs(os.path.join(a.out, "sections"), exist_ok=True)
    found = interpreters.find(pypy=a.pypy)
    rows = []
    try:
        head = gen(a.slotslab, "myclass", ["--objects", str(size["headline"])],
                   os.path.join(tdir, "myclass.txt"))
        sweep_traces = {k: gen(a.slotslab, "sweep", ["--attrs", str(k), "--objects",
                                                       str(size["sweep"])],
                               os.path.join(tdir, "sweep-%02d.txt" % k))
                        for k in size["points"]}
        prog = bl.Progress("pyversions", len(found) * (2 * len(size["points"]) + 4))
        for p in found:
            m = measure_of(p)
            row = {"label": p["label"], "executable": p["executable"],
                   "implementation": p["implementation"], "version": p["version"],
                   "generation": p["generation"], "measure": m, "profile": None,
                   "sweep": {"slots": {}, "dict": {}, "model_slots": {}, "model_dict": {}}}
            impl = "cpython" if p["implementation"] == "cpython" else p["implementation"]
            for layout in ("slots", "dict"):
                row["%s_bytes" % layout] = pyreplay(p["executable"], head, layout, m)
                prog.tick("%s headline %s" % (p["label"], layout))
                row["%s_rss" % layout] = pyreplay(p["executable"], head, layout, "rss")
                prog.tick("%s headline %s rss" % (p["label"], layout))
                try:
                    prof, b, rss = model(a.slotslab, with_header(head, impl, p["version"], tdir),
                                         layout)
                except RuntimeError as e:
                    prof, b, rss = None, None, None
                    row["model_note"] = str(e).split(": ")[-1][:200]
                row["profile"] = prof
                row["model_%s_bytes" % layout] = b
                row["model_%s_rss" % layout] = rss
                for k in size["points"]:
                    row["sweep"][layout][k] = pyreplay(p["executable"], sweep_traces[k], layout, m)
                    if prof:
                        row["sweep"]["model_" + layout][k] = model(
                            a.slotslab, with_header(sweep_traces[k], impl, p["version"], tdir),
                            layout)[1]
                    prog.tick("%s sweep %d %s" % (p["label"], k, layout))
            rows.append(row)
    except RuntimeError as e:
        bl.note("pyversions: %s" % e)
        return 1
    for r in rows:
        sw = r["sweep"]
        r["ratio"] = bl.ratio(r["slots_bytes"], r["dict_bytes"])
        r["model_ratio"] = bl.ratio(r.get("model_slots_bytes"), r.get("model_dict_bytes"))
        r["rss_ratio"] = bl.ratio(r["slots_rss"], r["dict_rss"])
        r["steps"] = steps(sw["dict"])
        r["model_steps"] = steps(sw["model_dict"]) if r["profile"] else None
        r["slots_worth"] = slots_worth(sw["slots"], sw["dict"])
        r["model_slots_worth"] = slots_worth(sw["model_slots"], sw["model_dict"])
        worst = None
        for lay in ("slots", "dict"):
            for k, v in sw[lay].items():
                mv = sw["model_" + lay].get(k)
                if v and mv is not None:
                    d = abs(mv - v) / v
                    worst = d if worst is None or d > worst else worst
        r["worst_sweep_error"] = worst
    missing = [{"implementation": i, "generation": g} for i, g in EXPECTED
               if not any(r["implementation"] == i and (r["generation"] == g or
                                                         r["version"].startswith(g + "."))
                          for r in rows)]
    result = {"provenance": bl.provenance(os.path.dirname(os.path.abspath(a.slotslab))),
              "size": a.size, "config": size, "interpreters": found, "unavailable": missing,
              "seeds": {"3.4": SEED_34, "004": SEED_004}, "rows": rows, "goal": GOAL}
    bl.write_json(os.path.join(a.out, "pyversions.json"), result)
    with open(os.path.join(a.out, "sections", "40-pyversions.md"), "w") as f:
        f.write(section(result))
    chart(result, a.out)
    return 0


def cell(v, spec="%.1f"):
    return bl.fmt(v, spec)


def section(res):
    rows, out = res["rows"], []
    pts = res["config"]["points"]
    out.append("## What `__slots__` saves, by Python version")
    out.append("")
    out.append("Every interpreter found on the machine replays the same generated traces "
               "(`scripts/pyreplay.py`), beside `slotslab replay --profile auto`, which picks "
               "the profile of the trace's `# python:` line (slots/dict below: bytes of a slot "
               "instance over a dict instance; lower saves more).  Headline: seeds 000/001's "
               "MyClass(name, identifier), %s objects.  Sweep: one class with K attributes, "
               "%s objects per point, K = %s.  Measured by: tracemalloc on CPython 3 "
               "(requested bytes), sys.getsizeof plus pymalloc's 8-byte rounding on CPython 2.7 "
               "(it has no tracemalloc), PyPy's gc.get_stats() on PyPy; the model counts "
               "requested bytes too.  RSS: peak RSS growth per object, a run of its own.  The "
               "seeds' rows (marked *) are their published figures, not measured here."
               % ("{:,}".format(res["config"]["headline"]), "{:,}".format(res["config"]["sweep"]),
                  "0..40" if len(pts) == 41 else ", ".join(map(str, pts))))
    out.append("")
    out.append("| interpreter | measured by | profile | slots B/obj | dict B/obj | slots/dict "
               "(saves) | model slots / dict B | model slots/dict | RSS slots / dict B | "
               "RSS slots/dict | model RSS slots / dict B | dict steps after (real / model) | "
               "slots worth an empty dict (real / model) | sweep: worst model error |")
    out.append("|" + "---|" * 14)
    for r in rows:
        ratio = r["ratio"]
        saves = " (%.0f %%)" % (100 * (1 - ratio)) if ratio is not None else ""
        worst = r["worst_sweep_error"]
        wcell = cell(100 * worst, "%.2f %%") if worst is not None else bl.UNAVAILABLE
        if worst is not None and worst > res["goal"] and r["implementation"] == "cpython":
            wcell += " (goal 3 %% missed: %s)" % ("2.7's profile is judged on its seeds' steps"
                                                  if r["version"].startswith("2.") else
                                                  "see the sweep chart")
        prof = r["profile"] or ("none models %s" % r["implementation"]
                                if r["implementation"] != "cpython" else "none")
        out.append("| %s | %s | %s | %s | %s | %s%s | %s / %s | %s | %s / %s | %s | %s / %s | "
                   "%s / %s | %s / %s | %s |" % (
                       r["label"], r["measure"], prof, cell(r["slots_bytes"]),
                       cell(r["dict_bytes"]), cell(ratio, "%.3f"), saves,
                       cell(r.get("model_slots_bytes")), cell(r.get("model_dict_bytes")),
                       cell(r.get("model_ratio"), "%.3f"), cell(r["slots_rss"]),
                       cell(r["dict_rss"]), cell(r["rss_ratio"], "%.3f"),
                       cell(r.get("model_slots_rss")), cell(r.get("model_dict_rss")),
                       ", ".join(map(str, r["steps"])) or "none",
                       (", ".join(map(str, r["model_steps"])) or "none")
                       if r["model_steps"] is not None else bl.UNAVAILABLE,
                       cell(r["slots_worth"]), cell(r["model_slots_worth"]), wcell))
    for m in res["unavailable"]:
        out.append("| %s %s | %s |" % (m["implementation"], m["generation"], bl.UNAVAILABLE) +
                   " |" * 12)
    s34, s4 = res["seeds"]["3.4"], res["seeds"]["004"]
    out.append("| %s * | %s | | | | %.2f (%.0f %%) | | | | | | | | |" % (
        s34["who"], s34["how"], s34["ratio"], 100 * (1 - s34["ratio"])))
    out.append("| %s * | %s | | | | | | | | | | %s / | %s / | |" % (
        s4["who"], s4["how"], ", ".join(map(str, s4["steps"])), s4["slots_worth"]))
    out.append("")
    out.append("Dict steps: the attribute counts after which a dict instance grows by more than "
               "one value, among the sweep's points (seed 004: 5 and 21 on CPython 2.x).  Slots "
               "worth an empty dict: (dict instance - slot instance) / 8 with one attribute "
               "each (seed 004: 35 or 36).  The sweep's model error includes what the Python "
               "harness adds once per trace and, under 3.11+, the first 29 instances' larger "
               "values arrays, both spread over the objects of a point; "
               "tests/test_object_fidelity.c compares the profiles with exact per-object "
               "figures (tests/data/reference) at every point instead.  The `native` profile is slotslab's own C design and models no "
               "interpreter: see objects/README.md for its trade-off beside these rows.")
    nm = [r for r in rows if r["implementation"] == "cpython" and r["worst_sweep_error"] is not None
          and r["worst_sweep_error"] > res["goal"]]
    out.append("")
    out.append("Goal: every cpython3X profile within 3 %% of its interpreter at every sweep point: "
               "%s." % ("met" if not nm else "missed for " + ", ".join(r["label"] for r in nm)))
    out.append("")
    return "\n".join(out)


def chart(res, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        bl.note("pyversions: no matplotlib: no chart")
        return
    rows = res["rows"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 5.5))
    labels = [r["label"].replace(" (", "\n(") for r in rows] + ["3.4\n(seeds, RSS)"]
    x = list(range(len(labels)))
    real = [r["ratio"] or 0 for r in rows] + [0]
    mod = [r.get("model_ratio") or 0 for r in rows] + [0]
    ax1.bar([i - 0.2 for i in x], real, 0.4, label="real interpreter")
    ax1.bar([i + 0.2 for i in x], mod, 0.4, label="model (profile of that version)")
    ax1.bar([x[-1]], [res["seeds"]["3.4"]["ratio"]], 0.4, color="grey", label="seeds 000/001")
    ax1.set_xticks(x)
    ax1.set_xticklabels(labels, fontsize=7, rotation=45, ha="right")
    ax1.set_ylabel("slots / dict bytes per object (MyClass, 2 attributes)")
    ax1.set_title("What __slots__ saves, by Python version")
    ax1.legend(fontsize=8)
    for r in rows:
        sw = r["sweep"]
        ks = sorted(k for k in sw["dict"] if sw["dict"][k] is not None)
        if not ks:
            continue
        line, = ax2.plot(ks, [sw["dict"][k] for k in ks], label=r["label"], linewidth=1.2)
        mk = sorted(k for k in sw["model_dict"] if sw["model_dict"][k] is not None)
        if mk:
            ax2.plot(mk, [sw["model_dict"][k] for k in mk], "o", markersize=2.5,
                     color=line.get_color())
    ax2.set_yscale("log")
    ax2.set_xlabel("attributes")
    ax2.set_ylabel("dict instance bytes per object (lines: real; dots: model)")
    ax2.set_title("The attribute sweep, dict classes")
    ax2.legend(fontsize=6)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, "pyversions." + ext))
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
