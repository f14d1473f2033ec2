#!/usr/bin/python3
"""slotbench.report.charts - the benchmark suite's charts, PNG and SVG.

usage: python3 -m slotbench.report.charts [--results DIR] [--reference CSV]

Reads DIR/bench.json (written by slotbench.report) and draws, each into
DIR/NAME.png and DIR/NAME.svg:
  headline     slots/dict bytes per object for myclass and player, per
               profile and allocator, beside CPython's, PyPy's and the seeds'
               0.41;
  footprint    bytes per object at the peak for every scenario x layout x
               allocator, one panel per scenario and profile (bars: the
               allocator's accounting; black ticks: RSS growth), with CPython
               and PyPy on the same axes;
  sweep        bytes per object against the number of attributes, per layout
               and profile, with real CPython's points (measured here, and the
               reference CSV) overlaid;
  throughput   replay events per second for every scenario x layout x
               allocator (medians; whiskers: the slowest and fastest run);
  cachemisses  D1 and LL misses per attribute read (cachegrind, or hardware
               counters where the machine has them).
A chart whose data are unavailable still gets its files, saying why.
matplotlib comes from Debian (python3-matplotlib): run with /usr/bin/python3.
Prints the files written, one per line.
"""
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.lines  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

from slotbench import common as bl  # noqa: E402

LAYOUT_COLOR = {"declared": "#7f7f7f", "slots": "#1f77b4", "dict": "#d62728"}
MALLOCS = ("slotslab", "glibc", "jemalloc", "mimalloc", "tcmalloc")


def save(fig, out, name, written):
    for ext in ("png", "svg"):
        path = os.path.join(out, "%s.%s" % (name, ext))
        fig.savefig(path, dpi=110 if ext == "png" else None, bbox_inches="tight")
        written.append(path)
    plt.close(fig)


def unavailable(out, name, title, why, written):
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, "unavailable: " + why, ha="center", va="center", wrap=True)
    save(fig, out, name, written)


def subtitle(b):
    p = b["provenance"]
    return "slotslab %s, %s, %s, %s CPUs; %s sizes" % (
        p["revision"], p["compiler"].split("(")[0].strip() or p["compiler"], p["cpu"],
        p["cpus"], b["settings"]["size"])


def python_rows(b, scenario, runtime, measure):
    py = b.get("python") or {}
    return {r["layout"]: r for r in py.get("rows", [])
            if r["scenario"] == scenario and r["runtime"] == runtime and r["measure"] == measure}


def chart_headline(b, out, written):
    rat = b.get("ratios") or []
    scen = [s for s in ("myclass", "player") if any(r["scenario"] == s for r in rat)]
    title = "The seeds' claim: bytes per object with slots / without (lower saves more)"
    if not scen:
        unavailable(out, "headline", title, "no myclass or player replays", written)
        return
    profiles = b["settings"]["profiles"]
    fig, axes = plt.subplots(1, len(scen), figsize=(7 * len(scen), 5), squeeze=False, sharey=True)
    for ax, s in zip(axes[0], scen):
        labels, vals, colors = [], [], []
        for prof in profiles:
            for m in MALLOCS:
                r = [x for x in rat if x["scenario"] == s and x["profile"] == prof and x["malloc"] == m]
                if r and r[0]["slots_over_dict_bytes"] is not None:
                    labels.append("%s\n%s" % (prof, "slab" if m == "slotslab" else m))
                    vals.append(r[0]["slots_over_dict_bytes"])
                    colors.append({"native": "#2ca02c", "cpython27": "#9467bd",
                                   "cpython311": "#1f77b4"}[prof])
        for rt, meas, col, lab in (("cpython", "tracemalloc", "#ff7f0e", "CPython\ntracemalloc"),
                                   ("cpython", "rss", "#ffbb78", "CPython\nRSS"),
                                   ("pypy", "gcstats", "#8c564b", "PyPy\nGC")):
            rows = python_rows(b, s, rt, meas)
            key = "rss_delta_per_object" if meas == "rss" else "bytes_per_object"
            if "slots" in rows and "dict" in rows:
                rr = bl.ratio(rows["slots"].get(key), rows["dict"].get(key))
                if rr is not None:
                    labels.append(lab)
                    vals.append(rr)
                    colors.append(col)
        x = range(len(vals))
        ax.bar(x, vals, color=colors)
        ax.axhline(0.41, color="k", linestyle="--", linewidth=1)
        ax.text(len(vals) - 0.5, 0.415, "seeds 000/001: 9.30 / 22.67 MiB = 0.41", ha="right",
                va="bottom", fontsize=8)
        ax.axhspan(0.40, 0.60, color="#dddddd", alpha=0.4, zorder=0)
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, rotation=90, fontsize=7)
        ax.set_title("%s (%s objects in the replays)" % (
            s, "{:,}".format(b["scenarios"].get(s, {}).get("objects_peak") or 0)))
        ax.set_ylabel("slots / dict, bytes per object (ratio)")
        ax.set_ylim(0, 1.05)
    fig.suptitle(title + "\nshaded: 'slots save 40-60 %%'; %s" % subtitle(b), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    save(fig, out, "headline", written)


def chart_grid(b, out, name, title, ylabel, value, spread=None, with_python=False, written=None):
    rows = b.get("replays") or []
    if not rows:
        unavailable(out, name, title, "no replays", written)
        return
    scen = [s for s in b["settings"]["scenarios"] if any(r["scenario"] == s for r in rows)]
    profiles = b["settings"]["profiles"]
    fig, axes = plt.subplots(len(scen), len(profiles), figsize=(5.2 * len(profiles), 3.2 * len(scen)),
                             squeeze=False)
    for i, s in enumerate(scen):
        for j, prof in enumerate(profiles):
            ax = axes[i][j]
            sel = [r for r in rows if r["scenario"] == s and r["profile"] == prof]
            groups = [m for m in MALLOCS if any(r["malloc"] == m for r in sel)]
            if with_python:
                groups += [g for g in ("CPython", "PyPy")
                           if python_rows(b, s, "cpython" if g == "CPython" else "pypy",
                                          "tracemalloc" if g == "CPython" else "gcstats")]
            layouts = [l for l in bl.LAYOUTS if any(r["layout"] == l for r in sel)] or ["slots", "dict"]
            w = 0.8 / len(layouts)
            for k, lay in enumerate(layouts):
                xs, ys, lo, hi, ticks = [], [], [], [], []
                for g, m in enumerate(groups):
                    if m in ("CPython", "PyPy"):
                        meas = "tracemalloc" if m == "CPython" else "gcstats"
                        pr = python_rows(b, s, m.lower(), meas).get(lay)
                        rr = python_rows(b, s, m.lower(), "rss").get(lay)
                        v = pr.get("bytes_per_object") if pr else None
                        t = rr.get("rss_delta_per_object") if rr else None
                        vals = None
                    else:
                        r = [x for x in sel if x["malloc"] == m and x["layout"] == lay]
                        if not r:
                            continue
                        v = value(r[0])
                        t = r[0].get("rss_delta_per_object") if with_python else None
                        vals = spread(r[0]) if spread else None
                    if v is None:
                        continue
                    x = g - 0.4 + w * (k + 0.5)
                    xs.append(x)
                    ys.append(v)
                    if vals:
                        lo.append(v - min(vals))
                        hi.append(max(vals) - v)
                    if t is not None:
                        ticks.append((x, t))
                bars = ax.bar(xs, ys, w, color=LAYOUT_COLOR[lay], label=lay)
                if spread and lo:
                    ax.errorbar(xs, ys, yerr=[lo, hi], fmt="none", ecolor="k", linewidth=0.8)
                for x, t in ticks:
                    ax.plot([x - w / 2, x + w / 2], [t, t], color="k", linewidth=1.5)
                del bars
            ax.set_xticks(range(len(groups)))
            ax.set_xticklabels(["slab" if g == "slotslab" else g for g in groups], fontsize=7,
                               rotation=30)
            ax.set_title("%s, profile %s" % (s, prof), fontsize=9)
            if j == 0:
                ax.set_ylabel(ylabel, fontsize=8)
    handles = [matplotlib.patches.Patch(color=LAYOUT_COLOR[l], label="layout " + l) for l in bl.LAYOUTS]
    if with_python:
        handles.append(matplotlib.lines.Line2D([], [], color="k", label="RSS growth per object"))
    fig.legend(handles=handles, loc="upper right", fontsize=8, ncol=len(handles))
    fig.suptitle("%s\n%s" % (title, subtitle(b)), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.965))
    save(fig, out, name, written)


def chart_sweep(b, out, reference, written):
    sw = b.get("sweep") or []
    title = "Bytes per object against attribute count (sweep, seed 004)"
    if not sw:
        unavailable(out, "sweep", title, "no sweep replays", written)
        return
    profiles = b["settings"]["profiles"]
    py = [r for r in (b.get("python") or {}).get("sweep", []) if r["runtime"] == "cpython"]
    fig, axes = plt.subplots(1, len(profiles), figsize=(6 * len(profiles), 6.5), squeeze=False,
                             sharey=True)
    for ax, prof in zip(axes[0], profiles):
        for lay in ("slots", "dict"):
            for heap, style, lab in (("slab", "-", "slotslab model, slab heap (held)"),
                                     ("libc", "--", "slotslab model, glibc (usable size)")):
                pts = sorted((r["attrs"], r["bytes_per_object"]) for r in sw
                             if r["profile"] == prof and r["layout"] == lay and r["heap"] == heap
                             and r["bytes_per_object"] is not None)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], style,
                            color=LAYOUT_COLOR[lay], label="%s: %s" % (lay, lab))
            pts = sorted((r["attrs"], r["requested_per_object"]) for r in sw
                         if r["profile"] == prof and r["layout"] == lay and r["heap"] == "slab"
                         and r.get("requested_per_object") is not None)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], ":", color=LAYOUT_COLOR[lay],
                        label="%s: slotslab model, requested" % lay)
            pts = sorted((r["attrs"], r["bytes_per_object"]) for r in py
                         if r["layout"] == lay and r["bytes_per_object"] is not None)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", markersize=4,
                        markerfacecolor="none", color=LAYOUT_COLOR[lay],
                        label="%s: %s here (tracemalloc)" % (lay, py[0]["implementation"]))
            if reference:
                ax.plot([r["attrs"] for r in reference], [r[lay] for r in reference], "x",
                        color="k" if lay == "dict" else "#555555",
                        label="%s: CPython 3.11.7 reference CSV" % lay)
        ax.set_title("profile %s" % prof)
        ax.set_xlabel("attributes per object")
        ax.set_ylabel("bytes per object (log scale)")
        ax.set_yscale("log", base=2)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: "%g" % v))
        ax.grid(alpha=0.3, which="both")
    h, l = axes[0][0].get_legend_handles_labels()
    fig.legend(h, l, loc="lower center", ncol=4, fontsize=8)
    fig.suptitle("%s\n%s" % (title, subtitle(b)), fontsize=11)
    fig.tight_layout(rect=(0, 0.16, 1, 0.93))
    save(fig, out, "sweep", written)


def chart_cachemisses(b, out, written):
    cg = b.get("cachegrind") or {}
    rows = [r for r in cg.get("rows", []) if r.get("unavailable") is None]
    hw = [r for r in (b.get("replays") or []) if (r.get("counters") or {}).get("source") == "perf"
          and r["counters"].get("cache_misses") is not None]
    title = "Cache misses per attribute read (player, seed 002: the read phase)"
    if hw:
        title = "Cache misses per event (hardware counters, perf_event_open)"
        labels = ["%s %s\n%s %s" % (r["scenario"], r["layout"], r["malloc"], r["profile"]) for r in hw]
        fig, ax = plt.subplots(figsize=(max(8, 0.25 * len(hw)), 5))
        ax.bar(range(len(hw)), [r["counters"]["cache_misses"] / r["events"] for r in hw])
        ax.set_xticks(range(len(hw)))
        ax.set_xticklabels(labels, rotation=90, fontsize=6)
        ax.set_ylabel("last-level cache misses per event (source: perf)")
        fig.suptitle("%s\n%s" % (title, subtitle(b)), fontsize=10)
        save(fig, out, "cachemisses", written)
        return
    if not rows:
        why = cg.get("unavailable") or "no cachegrind runs succeeded"
        unavailable(out, "cachemisses", title, why, written)
        return
    cfg = cg.get("cache_config", {})
    cdesc = ", ".join("%s %d KiB %d-way" % (k, cfg[k][0] // 1024, cfg[k][1])
                      for k in ("D1", "LL") if k in cfg)
    labels = ["%s\n%s\n%s" % (r["layout"], r["malloc"], r["profile"]) for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    for ax, key, yl in ((axes[0], "d1_misses_per_get", "D1 read misses per attribute read"),
                        (axes[1], "ll_misses_per_get", "LL read misses per attribute read"),
                        (axes[2], "instructions_per_get", "instructions per attribute read")):
        vals = [r[key] if r.get(key) is not None else 0 for r in rows]
        ax.bar(range(len(rows)), vals,
               color=[LAYOUT_COLOR.get(r["layout"], "#999999") for r in rows])
        for x, r in enumerate(rows):
            if r.get(key) is None:
                ax.text(x, 0, "unavailable", rotation=90, fontsize=6, ha="center", va="bottom")
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_ylabel(yl + " (source: cachegrind)")
    fig.suptitle("%s\nsource: cachegrind, simulated %s; %s players; %s" % (
        title, cdesc or "caches", "{:,}".format(cg.get("objects", 0)), subtitle(b)), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    save(fig, out, "cachemisses", written)


def main():
    ap = bl.argparser("report.charts", __doc__)
    ap.add_argument("--results", default="results")
    ap.add_argument("--reference", default=bl.REFERENCE_CSV,
                    help="real CPython's points (default tests/data/reference/cpython-3.11.7.csv; "
                         "an embedded copy when missing)")
    a = ap.parse_args()
    b = bl.read_json(os.path.join(a.results, "bench.json"))
    if b is None:
        ap.error("%s/bench.json does not exist (run python3 -m slotbench.report first)" % a.results)
    written = []
    chart_headline(b, a.results, written)
    chart_grid(b, a.results, "footprint",
               "Footprint per object at the peak (bars: allocator accounting; black ticks: RSS growth"
               " per object); CPython: tracemalloc, PyPy: GC accounting, at their own sizes",
               "bytes per object", lambda r: r.get("bytes_per_object"), with_python=True,
               written=written)
    chart_grid(b, a.results, "throughput",
               "Replay throughput (median of the repetitions; whiskers: slowest and fastest run)",
               "million events per second",
               lambda r: r["events_per_sec"] / 1e6 if r.get("events_per_sec") else None,
               spread=lambda r: [x / 1e6 for x in r.get("events_per_sec_all") or [] if x],
               written=written)
    chart_sweep(b, a.results, bl.reference_points(a.reference), written)
    chart_cachemisses(b, a.results, written)
    print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
