#!/usr/bin/python3
"""bench_report.py - gather the suite's parts into results/bench.json,
results/bench.csv and results/summary.md, and draw the charts.

usage: /usr/bin/python3 bench_report.py [--results DIR] [--build DIR]
           [--size NAME] [--reps N] [--started EPOCH] [--parts LIST] [--quiet]

Reads what the parts left in DIR (each may be missing: a part that was not
asked for is "not run", one that was asked for and left nothing "failed"):
  replay.json      bench_suite.py: replays, ratios, sweep
  python.json      bench_python.py: CPython and PyPy
  cachegrind.json  bench_cachegrind.py
  allocbench.json, allocbench.md    scripts/allocbench.sh
  configcost.json, configcost.md    scripts/configcost.sh
  objbench.txt     build/objbench --quick
  realtrace.json, realtrace.md      scripts/realtrace.sh
then writes bench.json (everything, with the provenance), bench.csv (one row
per measurement; a figure that could not be measured is "unavailable"),
the charts (bench_charts.py) and summary.md, which opens with the seeds'
headline and ends with the goals, met or missed.  Prints summary.md unless
--quiet.  Exit status 0, or 1 when bench.json cannot be written.
"""
import argparse
import csv
import os
import re
import sys
import time

import benchlib as bl

PARTS = ("replay", "python", "cachegrind", "alloc", "configcost", "objbench", "realtrace")
MAIN_PROFILE = "cpython311"
SEED_N = {"myclass": 262144, "player": 1000000}
HEADLINE_ATTRS = {"myclass": 2, "player": 4}
CSV_FIELDS = ["source", "scenario", "attrs", "layout", "heap", "malloc", "profile", "measure",
              "runs", "events", "objects_peak", "bytes_requested_peak", "bytes_footprint_peak",
              "bytes_per_object", "rss_delta_per_object", "rss_peak_bytes", "seconds",
              "events_per_sec", "counters_source", "cache_misses", "l1d_misses", "ll_misses",
              "instructions", "d1_misses_per_get", "ll_misses_per_get", "errors",
              "revision", "config_hash", "compiler", "cpu"]


def parse_objbench(text):
    """The speed tables of objbench's text output, as rows."""
    rows, head = [], None
    for line in text.splitlines():
        m = re.match(r"Speed, ns per operation, (\d+) instances with (\d+) attributes", line)
        if m:
            head = (int(m.group(1)), int(m.group(2)))
            continue
        f = line.split()
        if head and len(f) >= 6 and f[1] in ("slots", "dict") and f[0] in bl.PROFILES:
            try:
                rows.append({"instances": head[0], "attrs": head[1], "profile": f[0],
                             "layout": f[1], "get_ns": float(f[2]), "set_ns": float(f[3]),
                             "set_new_ns": float(f[4]), "new_free_ns": float(f[5])})
            except ValueError:
                pass
    return rows


def mdtable(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


class Report(object):
    def __init__(self, a):
        self.a = a
        d = a.results
        self.replay = bl.read_json(os.path.join(d, "replay.json")) or {}
        self.python = bl.read_json(os.path.join(d, "python.json")) or {}
        self.cg = bl.read_json(os.path.join(d, "cachegrind.json")) or {}
        self.alloc = bl.read_json(os.path.join(d, "allocbench.json"))
        self.cost = bl.read_json(os.path.join(d, "configcost.json"))
        self.real = bl.read_json(os.path.join(d, "realtrace.json"))
        ob = os.path.join(d, "objbench.txt")
        self.objbench_text = open(ob).read() if os.path.exists(ob) else None
        self.prov = self.replay.get("provenance") or bl.provenance(a.build)
        self.peers = self.replay.get("peers") or bl.peers()
        self.rows = self.replay.get("rows", [])
        self.ratios = self.replay.get("ratios", [])
        self.notes = []
        self.goals = []
        self.profiles = self.replay.get("profiles") or list(bl.PROFILES)
        self.rss_understated = 0

    # --- status of the parts ------------------------------------------------
    def part_status(self, part, present):
        if present:
            return None
        if part in self.a.parts:
            return "failed: it left no results (see the log above)"
        return "not run (BENCH_PARTS=%s)" % " ".join(self.a.parts)

    def row(self, scen, layout, mal, prof):
        for r in self.rows:
            if (r["scenario"], r["layout"], r["malloc"], r["profile"]) == (scen, layout, mal, prof):
                return r
        return None

    def ratio(self, scen, mal, prof):
        for r in self.ratios:
            if (r["scenario"], r["malloc"], r["profile"]) == (scen, mal, prof):
                return r
        return None

    def pyrow(self, scen, runtime, layout, measure):
        for r in self.python.get("rows", []):
            if (r["scenario"], r["runtime"], r["layout"], r["measure"]) == (scen, runtime, layout, measure):
                return r
        return None

    def mallocs(self):
        return ["slotslab"] + [p["name"] for p in self.peers]

    def peer_available(self, m):
        return m == "slotslab" or any(p["name"] == m and p["available"] for p in self.peers)

    def rss_cell(self, r):
        """RSS growth per object, marked when it is below what the heap itself
        holds for the objects: the process reused memory it had touched
        before the replayer's baseline, so this RSS figure understates."""
        v = r.get("rss_delta_per_object")
        b = r.get("bytes_per_object")
        if v is not None and b and v < 0.9 * b:
            self.rss_understated += 1
            return bl.fmt(v) + " †"
        return bl.fmt(v)

    def prov_cells(self, compiler=None):
        p = self.prov
        cfg = "bench %s" % p.get("config_hash", "?")
        cc = compiler or p["compiler"].replace("cc (Debian ", "gcc (Debian ")
        return [p["revision"], cfg, cc, p["cpu"]]

    # --- sections -----------------------------------------------------------
    def headline(self):
        out = ["## The seeds' headline, reproduced", ""]
        out.append("Seeds 000 and 001: 262,144 `MyClass(1, 1)` take **9.30 MiB with `__slots__` and "
                   "22.67 MiB without: 0.41**, 'slots save 40-50 %%' (Python 3.4, RSS growth seen by "
                   "ipython_memory_usage).  Seed 002: a million online `Player(uid, name, stat, "
                   "level)` objects; `__slots__` drops `__dict__` and `__weakref__`.  Below, bytes per "
                   "object at the peak with the class as slots and as dict, their ratio within one "
                   "run, and the MiB that makes for the seeds' object counts (262,144 MyClass, "
                   "1,000,000 Player).  slotslab rows: bytes = the heap's accounting at the peak "
                   "(slab object sizes, usable sizes for malloc), RSS = peak RSS growth over the "
                   "baseline the replayer takes just before its measured pass, both medians of %s "
                   "runs; the model replays %s objects."
                   % (self.replay.get("repetitions", "?"), ", ".join(
                       "%s %s" % (s, "{:,}".format(self.replay["scenarios"][s]["objects_peak"]))
                       for s in ("myclass", "player") if s in self.replay.get("scenarios", {}))))
        out.append("")
        head = ["scenario", "who", "heap", "measure", "slots B/obj", "dict B/obj", "slots/dict",
                "RSS slots B/obj", "RSS dict B/obj", "RSS slots/dict", "MiB slots / dict",
                "revision", "config", "compiler", "CPU"]
        rows = []
        for scen in ("myclass", "player"):
            n = SEED_N[scen]

            def mib(v):
                return "unavailable" if v is None else "%.2f" % (v * n / 2 ** 20)
            if scen == "myclass":
                s, d = bl.SEED_MYCLASS["slots_mib"], bl.SEED_MYCLASS["dict_mib"]
                rows.append([scen, "seeds 000/001: Python 3.4.3", "pymalloc", "RSS growth",
                             "%.1f" % (s * 2 ** 20 / n), "%.1f" % (d * 2 ** 20 / n),
                             "**%.2f**" % (s / d), "", "", "", "%.2f / %.2f" % (s, d),
                             "seed", "-", "-", "-"])
            ref = [r for r in bl.reference_points() if r["attrs"] == HEADLINE_ATTRS[scen]]
            if ref:
                r = ref[0]
                rows.append([scen, "reference CSV: CPython 3.11.7 (%d attributes)" % r["attrs"],
                             "pymalloc", "tracemalloc", "%.0f" % r["slots"], "%.0f" % r["dict"],
                             "%.2f" % (r["slots"] / r["dict"]), "", "", "",
                             "%s / %s" % (mib(r["slots"]), mib(r["dict"])),
                             "reference", "-", "-", "-"])
            for rt, meas, heap in (("cpython", "tracemalloc", "pymalloc"), ("cpython", "rss", "pymalloc"),
                                   ("pypy", "gcstats", "PyPy GC"), ("pypy", "rss", "PyPy GC")):
                sr, dr = self.pyrow(scen, rt, "slots", meas), self.pyrow(scen, rt, "dict", meas)
                interp = [i for i in self.python.get("interpreters", []) if i["runtime"] == rt]
                if not sr or not dr:
                    if interp and not interp[0]["available"]:
                        rows.append([scen, rt, heap, meas] + ["unavailable"] * 7 +
                                    ["-", "-", "%s not installed" % interp[0]["executable"], "-"])
                    continue
                key = "rss_delta_per_object" if meas == "rss" else "bytes_per_object"
                sv, dv = sr.get(key), dr.get(key)
                cells = [bl.fmt(sv), bl.fmt(dv), bl.fmt(bl.ratio(sv, dv), "%.2f"), "", "", ""]
                if meas == "rss":
                    cells = ["", "", "", bl.fmt(sv), bl.fmt(dv), bl.fmt(bl.ratio(sv, dv), "%.2f")]
                rows.append([scen, "%s, %s objects" % (sr["implementation"],
                                                       "{:,}".format(sr["objects_peak"])),
                             heap, {"rss": "RSS growth", "gcstats": "GC accounting"}.get(meas, meas)]
                            + cells + ["%s / %s" % (mib(sv), mib(dv))]
                            + self.prov_cells(sr["implementation"])[:2] + [sr["implementation"],
                                                                           self.prov["cpu"]])
            for prof in self.profiles:
                for m in self.mallocs():
                    heap = "slab" if m == "slotslab" else "libc: %s" % m
                    sr, dr = self.row(scen, "slots", m, prof), self.row(scen, "dict", m, prof)
                    if not self.peer_available(m):
                        rows.append([scen, "slotslab, profile %s" % prof, heap, "accounting"] +
                                    ["unavailable"] * 7 + ["%s is not installed" % m, "-", "-", "-"])
                        continue
                    if not sr or not dr:
                        continue
                    rt = self.ratio(scen, m, prof) or {}
                    rows.append([scen, "slotslab, profile %s" % prof, heap, "accounting",
                                 bl.fmt(sr["bytes_per_object"]), bl.fmt(dr["bytes_per_object"]),
                                 "**%s**" % bl.fmt(rt.get("slots_over_dict_bytes"), "%.2f"),
                                 self.rss_cell(sr), self.rss_cell(dr),
                                 bl.fmt(rt.get("slots_over_dict_rss"), "%.2f"),
                                 "%s / %s" % (mib(sr["bytes_per_object"]), mib(dr["bytes_per_object"]))]
                                + self.prov_cells())
        out.append(mdtable(head, rows))
        out.append("")
        if self.rss_understated:
            out.append("†: RSS growth below the heap's own accounting for the same objects, "
                       "which cannot be: the allocator kept memory touched before the replayer "
                       "took its RSS baseline (its first pass frees into it) and reused it.  These "
                       "RSS figures understate; the accounting columns do not.")
            out.append("")
        out.append("The seeds measured RSS growth of a whole interpreter (the list of objects "
                   "included, 8 bytes per object); tracemalloc counts what the objects ask of the "
                   "allocator.  The CPython/PyPy rows replay the same generated traces with "
                   "scripts/pyreplay.py; every attribute holds one shared int, as the reference "
                   "points were measured.")
        return "\n".join(out)

    def goals_headline(self):
        for scen in ("myclass", "player"):
            for prof in self.profiles:
                r = self.ratio(scen, "slotslab", prof)
                v = r.get("slots_over_dict_bytes") if r else None
                why = {"cpython27": "CPython 2.7's dicts hold 8 entries in 280 bytes, so slots "
                                    "save far more (seed 004); 40-60 % is Python 3's figure",
                       "cpython311": "real CPython 3.11 measures the same here (see the CPython "
                                     "rows): key-sharing dicts have narrowed the gap since the "
                                     "seeds' Python 3.4"}.get(prof, "")
                self.goal("%s, profile %s, slab heap: slots save 40-60 %% (slots/dict 0.40-0.60)"
                          % (scen, prof), "replay", v, "%.2f", lambda x: 0.40 <= x <= 0.60,
                          "0.40-0.60", why)
        cp = self.pyrow("myclass", "cpython", "slots", "tracemalloc")
        cd = self.pyrow("myclass", "cpython", "dict", "tracemalloc")
        if cp and cd:
            self.goal("myclass in real CPython here: slots/dict (tracemalloc) against the seeds' 0.41",
                      "CPython", bl.ratio(cp["bytes_per_object"], cd["bytes_per_object"]), "%.2f",
                      lambda x: 0.40 <= x <= 0.60, "0.40-0.60 ('save 40-50 %')")

    def goal(self, what, source, value, spec, ok, criterion="", why=""):
        """A goal's row; @why is shown when it is not met."""
        if value is None:
            status = "unavailable"
        else:
            status = "met" if ok(value) else "**missed**"
        self.goals.append([what, source, bl.fmt(value, spec), criterion, status,
                           why if status != "met" else ""])

    def table_by(self, title, metric, spec, note):
        """Two tables: slab heap across the profiles; allocators at MAIN_PROFILE."""
        if not self.rows:
            return "## %s\n\n%s\n" % (title, self.part_status("replay", False))
        scens = [s for s in self.replay["scenarios"]]
        out = ["## %s" % title, "", note, ""]
        head = ["scenario", "layout"] + ["slab, %s" % p for p in self.profiles]
        rows = []
        for s in scens:
            for l in bl.LAYOUTS:
                cells = [metric(self.row(s, l, "slotslab", p)) for p in self.profiles]
                if all(c is None for c in cells) and l == "declared":
                    continue
                rows.append([s, l] + [bl.fmt(c, spec) for c in cells])
        out += [mdtable(head, rows), ""]
        prof = MAIN_PROFILE if MAIN_PROFILE in self.profiles else self.profiles[0]
        head = ["scenario", "layout"] + ["%s" % m for m in self.mallocs()]
        rows = []
        for s in scens:
            for l in bl.LAYOUTS:
                cells = [metric(self.row(s, l, m, prof)) if self.peer_available(m) else None
                         for m in self.mallocs()]
                if all(c is None for c in cells) and l == "declared":
                    continue
                rows.append([s, l] + [bl.fmt(c, spec) for c in cells])
        out += ["By allocator, profile %s:" % prof, "", mdtable(head, rows), ""]
        dd = [s for s, v in self.replay["scenarios"].items() if v.get("declared_is_dict")]
        if dd:
            out.append("`declared` is the `dict` layout for %s (every class in those traces is a "
                       "dict class), so it is not replayed twice." % ", ".join(dd))
        return "\n".join(out)

    def throughput_goals(self):
        load = self.prov.get("loadavg")
        for prof in self.profiles:
            r = self.row("churn", "slots", "slotslab", prof)
            runs = [x / 1e6 for x in (r or {}).get("events_per_sec_all") or [] if x]
            why = ("median of %d runs; the fastest made %.1f M/s; load average %s: the replays "
                   "share these CPUs with other processes" % (
                       len(runs), max(runs), "%.1f" % load[0] if load else "unavailable")
                   if runs else "")
            self.goal("churn, slots, slab heap, profile %s: at least 30 M events/s on one core" % prof,
                      "replay", r["events_per_sec"] / 1e6 if r and r.get("events_per_sec") else None,
                      "%.1f M/s", lambda x: x >= 30.0, ">= 30", why)
        dec = (self.cg.get("decode") or {}).get("instructions_per_get")
        why = ("decoding is the replayer's (bench/trace_bin_read.c)%s" % (
            ": %.0f instructions per get event under cachegrind" % dec if dec else ""))
        # decode_share: a decode-only pass's time over the replay pass's
        for s in self.replay.get("scenarios", {}):
            r = self.row(s, "slots", "slotslab", "native")
            shares = [x.get("decode_share") for x in self.rows
                      if x["scenario"] == s and x.get("decode_share") is not None]
            worst = max(shares) if shares else None
            self.goal("%s: trace decoding at most 15 %% of replay time (slots, slab, native; "
                      "worst contender %s)" % (s, bl.fmt(worst, "%.2f")), "replay",
                      r.get("decode_share") if r else None, "%.2f", lambda x: x <= 0.15, "<= 0.15",
                      why)

    def cachegrind_section(self):
        out = ["## Cache misses", ""]
        hw = [r for r in self.rows if (r.get("counters") or {}).get("source") == "perf"]
        if hw:
            out.append("Hardware counters (source `perf`), medians:")
            out.append("")
            out.append(mdtable(["scenario", "layout", "malloc", "profile", "cache misses",
                                "L1D misses", "instructions", "source"],
                               [[r["scenario"], r["layout"], r["malloc"], r["profile"],
                                 bl.fmt(r["counters"]["cache_misses"], "%.0f"),
                                 bl.fmt(r["counters"]["l1d_misses"], "%.0f"),
                                 bl.fmt(r["counters"]["instructions"], "%.0f"), "perf"] for r in hw]))
            out.append("")
        else:
            out.append("The replays' hardware counters are null (`counters.source: none`): this "
                       "machine has none (`perf stat -e instructions true` says `<not supported>`).  "
                       "The figures below come from Valgrind's cache simulator instead "
                       "(source `cachegrind`).")
            out.append("")
        if self.cg.get("unavailable"):
            out.append("cachegrind: %s." % self.cg["unavailable"])
            return "\n".join(out)
        if not self.cg:
            out.append("cachegrind: %s." % self.part_status("cachegrind", False))
            return "\n".join(out)
        cfg = self.cg.get("cache_config", {})
        out.append("player at %s players (%s gets of `level`, the read phase), simulated caches %s "
                   "(from %s).  Per attribute read: the run's misses less those of the same trace "
                   "without its gets, divided by the gets.  D1 and LL are data misses, reads and "
                   "writes.  At this size the objects fit the simulated LL, so its misses are mostly "
                   "compulsory and understate a million players'; `FULL=1` simulates 500,000 "
                   "players, past a 32 MiB LL." % (
                       "{:,}".format(self.cg.get("objects", 0)), "{:,}".format(self.cg.get("gets") or 0),
                       ", ".join("%s %d KiB %d-way %d B lines" % (k, cfg[k][0] // 1024, cfg[k][1],
                                                                  cfg[k][2])
                                 for k in ("D1", "LL") if k in cfg) or "Valgrind's defaults",
                       cfg.get("from", "?")))
        out.append("")
        rows = []
        for r in self.cg.get("rows", []):
            rows.append([r["layout"], r["malloc"], r["profile"], bl.fmt(r.get("d1_misses"), "%.0f"),
                         bl.fmt(r.get("ll_misses"), "%.0f"), bl.fmt(r.get("instructions"), "%.0f"),
                         bl.fmt(r.get("d1_misses_per_get"), "%.2f"),
                         bl.fmt(r.get("ll_misses_per_get"), "%.3f"),
                         bl.fmt(r.get("instructions_per_get"), "%.0f"),
                         "cachegrind" if r.get("unavailable") is None else r["unavailable"]])
        dec = self.cg.get("decode") or {}
        if dec:
            rows.append(["(decode only)", "-", "-", bl.fmt(dec.get("d1_misses"), "%.0f"),
                         bl.fmt(dec.get("ll_misses"), "%.0f"), bl.fmt(dec.get("instructions"), "%.0f"),
                         bl.fmt(dec.get("d1_misses_per_get"), "%.2f"),
                         bl.fmt(dec.get("ll_misses_per_get"), "%.3f"),
                         bl.fmt(dec.get("instructions_per_get"), "%.0f"),
                         "cachegrind" if not dec.get("unavailable") else dec["unavailable"]])
        out.append(mdtable(["layout", "malloc", "profile", "D1 misses", "LL misses", "instructions",
                            "D1 misses / get", "LL misses / get", "instructions / get", "source"],
                           rows))
        out.append("")
        out.append("The last row is `slotslab replay --decode-only` of the same two traces: the part "
                   "of each get's figures that is reading the event from the trace.")
        return "\n".join(out)

    def python_section(self):
        out = ["## CPython and PyPy side by side", ""]
        if not self.python:
            out.append(self.part_status("python", False))
            return "\n".join(out)
        interp = self.python.get("interpreters", [])
        out.append("Interpreters: " + "; ".join(
            "%s (%s)" % (i.get("version") or i["runtime"], i["executable"]) if i["available"]
            else "%s: unavailable (%s not installed)" % (i["runtime"], i["executable"])
            for i in interp) + ".  Same generator and seed as the C replays, at the sizes in "
            "`scripts/bench_python.py` (myclass at the seeds' 262,144).  B/obj: CPython "
            "tracemalloc, PyPy its GC's accounting (gc.get_stats() after a collection); RSS: "
            "growth per object in a separate run.  The model column is slotslab's replay, "
            "profile %s, slab heap, at the C replay sizes." % MAIN_PROFILE)
        out.append("")
        head = ["scenario", "layout", "CPython B/obj", "CPython RSS B/obj", "PyPy B/obj",
                "PyPy RSS B/obj", "model B/obj", "model RSS B/obj", "CPython errors/obj",
                "model errors/obj"]
        avail = {i["runtime"]: i["available"] for i in interp}
        rows = []

        def cell(r, key, runtime):
            if r:
                return bl.fmt(r.get(key))
            return "-" if avail.get(runtime) else "unavailable"

        def per_obj(n, r):
            return bl.fmt(bl.ratio(n, r.get("objects_peak")) if n is not None else None, "%.3f")
        for s in self.python.get("scenarios", {}):
            for l in bl.LAYOUTS:
                c, cr = self.pyrow(s, "cpython", l, "tracemalloc"), self.pyrow(s, "cpython", l, "rss")
                p, pr = self.pyrow(s, "pypy", l, "gcstats"), self.pyrow(s, "pypy", l, "rss")
                m = self.row(s, l, "slotslab", MAIN_PROFILE)
                if not any((c, cr, p, pr)):
                    continue
                rows.append([s, l, cell(c, "bytes_per_object", "cpython"),
                             cell(cr, "rss_delta_per_object", "cpython"),
                             cell(p, "bytes_per_object", "pypy"),
                             cell(pr, "rss_delta_per_object", "pypy"),
                             bl.fmt(m and m["bytes_per_object"]),
                             bl.fmt(m and m.get("rss_delta_per_object")),
                             per_obj(sum(c["errors"].values()), c) if c else "unavailable",
                             per_obj(m.get("errors_total"), m) if m else "unavailable"])
        out.append(mdtable(head, rows))
        out.append("")
        out.append("`-`: not measured in this run.  Errors are attribute errors (AttributeError or "
                   "TypeError in Python) per object at the peak, the sizes being different; the "
                   "trace headers predict them for `declared`.  Where they differ, the two "
                   "runtimes differ: CPython refuses weak references to variable-size instances "
                   "(tuple subclasses), PyPy takes weak references to slotted objects that "
                   "CPython refuses.  PyPy's RSS growth (myclass and player only) includes its "
                   "JIT's code and GC arenas.")
        out.append("")
        out.append(self.sweep_table())
        return "\n".join(out)

    def sweep_table(self):
        ref = {r["attrs"]: r for r in bl.reference_points()}
        py = {(r["attrs"], r["layout"]): r["bytes_per_object"]
              for r in self.python.get("sweep", []) if r["runtime"] == "cpython"}
        sw = {(r["attrs"], r["layout"], r["heap"], r["profile"]): r
              for r in self.replay.get("sweep", [])}
        points = set(a for a, _ in py) | set(k[0] for k in sw)
        attrs = sorted(points | set(ref))
        if not points:
            return ""
        out = ["Attribute sweep (seed 004), bytes per object: real CPython 3.11 against the model's "
               "profile cpython311 (requested bytes, as tracemalloc counts them); `-`: not one of "
               "this run's sweep points.", ""]
        rows = []
        dev = []
        for a in attrs:
            cells = [a]
            for lay in ("slots", "dict"):
                real = py.get((a, lay))
                refv = ref.get(a, {}).get(lay)
                m = sw.get((a, lay, "slab", "cpython311"))
                mv = m.get("requested_per_object") if m else None
                for target in (real, refv):
                    if target and mv is not None:
                        dev.append(abs(mv - target) / target)
                here = a in points
                cells += [bl.fmt(real) if here else "-", bl.fmt(refv, "%.0f") if refv else "-",
                          bl.fmt(mv) if here else "-"]
            rows.append(cells)
        out.append(mdtable(["attrs", "slots: CPython here", "slots: reference", "slots: model",
                            "dict: CPython here", "dict: reference", "dict: model"], rows))
        out += ["", self.seed004(sw)]
        self.goal("profile cpython311 tracks real CPython 3.11 (sweep, every point measured "
                  "here and in the reference CSV)", "replay + CPython",
                  max(dev) * 100 if dev else None, "%.1f %% worst",
                  lambda x: x <= 5.0, "within 5 % (tests/test_object_fidelity.c)")
        return "\n".join(out)

    def seed004(self, sw):
        """Seed 004's figures for CPython 2.x, against the cpython27 profile."""
        def curve(layout):
            return sorted((k[0], v.get("requested_per_object")) for k, v in sw.items()
                          if k[1] == layout and k[2] == "slab" and k[3] == "cpython27"
                          and v.get("requested_per_object") is not None)
        d, s = curve("dict"), dict(curve("slots"))
        if not d or not s:
            return ""
        jumps = ["%d -> %d" % (a, b) for (a, x), (b, y) in zip(d, d[1:]) if y > 1.5 * x and a > 0]
        one = dict(d).get(1)
        # a dict instance less a slot instance, both with one attribute: the
        # dict and its pointer, in 8-byte slots
        equal = (one - s[1]) / 8 if one is not None and 1 in s else None
        self.goal("seed 004, CPython 2.x: a dict grows past 5 and past 21 entries (cpython27 "
                  "profile's dict curve jumps at %s)" % (", ".join(jumps) or "no point"),
                  "replay", float(len([j for j in jumps if j.startswith(("5 ", "21 "))])),
                  "%.0f of 2", lambda x: x == 2, "5 -> 6 and 21 -> 22")
        self.goal("seed 004, CPython 2.x: about 35 or 36 slots cost as much as an instance dict "
                  "(cpython27, a 1-attribute instance)", "replay", equal, "%.1f",
                  lambda x: 35 <= x <= 36, "35-36")
        return ("Seed 004 (CPython 2.x) against the cpython27 profile: its dict curve jumps "
                "between %s attributes (seed: 'the breakpoints ... are 5 entries and 21 entries'); "
                "an instance dict with one attribute costs as much as %s slots (seed: 'about 35 "
                "or 36 attributes taking as much memory as an empty instance dictionary')."
                % (", ".join(jumps) or "no sweep points", bl.fmt(equal, "%.1f")))

    def alloc_section(self):
        out = ["## Allocator benchmark", ""]
        md = os.path.join(self.a.results, "allocbench.md")
        if not self.alloc or not os.path.exists(md):
            out.append(self.part_status("alloc", False))
            return "\n".join(out)
        out.append(open(md).read().split("\n", 2)[2].strip())
        for r in self.alloc.get("rows", []):
            g = r.get("goal") or ""
            m = re.search(r"<=\s*([0-9.]+)", g)
            if not m:
                continue
            lim = float(m.group(1))
            if g.startswith("slab"):
                v = r["values"].get("slab")
                try:
                    v = float(v)
                except (TypeError, ValueError):
                    v = None
            else:
                v = r.get("slab_over_best_peer")
            self.goal("allocbench: %s" % r["measurement"], "allocbench", v, "%.2f",
                      lambda x, lim=lim: x <= lim, g)
        return "\n".join(out)

    def cost_section(self):
        out = ["## Cost of build options", ""]
        md = os.path.join(self.a.results, "configcost.md")
        if not self.cost or not os.path.exists(md):
            out.append(self.part_status("configcost", False))
            return "\n".join(out)
        out.append(open(md).read().split("\n", 2)[2].strip())
        for r in self.cost.get("rows", []):
            if r["variant"] == "debug-off":
                self.goal("SLAB_DEBUG compiled in, switched off: hot pair cost vs base", "configcost",
                          r.get("hot_ratio"), "%.3f", lambda x: x <= 1.03, "<= 1.03")
        return "\n".join(out)

    def realtrace_section(self):
        md = os.path.join(self.a.results, "realtrace.md")
        if not self.real or not os.path.exists(md):
            return "## Real programs\n\n" + self.part_status("realtrace", False)
        for e in self.real.get("traces", []):
            g = (e.get("goals") or {}).get("slab") or {}
            self.goal("real trace %s: slab peak RSS at most 1.05x the best peer" % e["trace"],
                      "realtrace", g.get("rss_ratio", g.get("replay_rss_ratio")), "%.2f",
                      lambda x: x <= 1.05, "<= 1.05")
            self.goal("real trace %s: slab throughput at least 0.9x the best peer" % e["trace"],
                      "realtrace", g.get("speed_ratio"), "%.2f", lambda x: x >= 0.9, ">= 0.90")
        return open(md).read().strip()

    def objbench_section(self):
        out = ["## Object model micro-benchmarks (objbench --quick)", ""]
        if not self.objbench_text:
            out.append(self.part_status("objbench", False))
            return "\n".join(out)
        rows = parse_objbench(self.objbench_text)
        out.append("ns per operation, medians (`build/bench/objbench --quick`; the full output, "
                   "bytes per attribute count included, is in objbench.txt):")
        out.append("")
        out.append(mdtable(["attrs", "profile", "layout", "get", "set", "set-new", "new+free"],
                           [[r["attrs"], r["profile"], r["layout"], r["get_ns"], r["set_ns"],
                             r["set_new_ns"], r["new_free_ns"]] for r in rows]))
        return "\n".join(out)

    # --- outputs --------------------------------------------------------------
    def csv_rows(self):
        p = self.prov
        base = {"revision": p["revision"], "config_hash": p.get("config_hash"),
                "compiler": p["compiler"], "cpu": p["cpu"]}
        for r in self.rows:
            c = r.get("counters") or {}
            yield dict(base, source="slotslab-replay", **{k: r.get(k) for k in (
                "scenario", "layout", "heap", "malloc", "profile", "runs", "events", "objects_peak",
                "bytes_requested_peak", "bytes_footprint_peak", "bytes_per_object",
                "rss_delta_per_object", "rss_peak_bytes", "seconds", "events_per_sec")},
                counters_source=c.get("source"), cache_misses=c.get("cache_misses"),
                l1d_misses=c.get("l1d_misses"), instructions=c.get("instructions"),
                errors=r.get("errors_total"))
        for m in self.mallocs():
            if not self.peer_available(m):
                yield dict(base, source="slotslab-replay", malloc=m, heap="libc",
                           bytes_per_object=None, events_per_sec=None)
        for r in self.replay.get("sweep", []):
            yield dict(base, source="slotslab-sweep", scenario="sweep", **{k: r.get(k) for k in (
                "attrs", "layout", "heap", "malloc", "profile", "objects_peak", "bytes_per_object")})
        for r in self.python.get("rows", []):
            yield dict(base, source=r["runtime"], compiler=r["implementation"], **{k: r.get(k) for k in (
                "scenario", "layout", "measure", "events", "objects_peak", "bytes_per_object",
                "rss_delta_per_object", "seconds", "events_per_sec")},
                errors=sum(r["errors"].values()))
        for i in self.python.get("interpreters", []):
            if not i["available"]:
                yield dict(base, source=i["runtime"], compiler=i["executable"],
                           bytes_per_object=None, rss_delta_per_object=None)
        for r in self.python.get("sweep", []):
            yield dict(base, source=r["runtime"], scenario="sweep", compiler=r["implementation"],
                       **{k: r.get(k) for k in ("attrs", "layout", "measure", "objects_peak",
                                                "bytes_per_object")})
        for r in self.cg.get("rows", []):
            yield dict(base, source="cachegrind", counters_source="cachegrind", **{k: r.get(k) for k in (
                "scenario", "layout", "heap", "malloc", "profile", "events", "objects_peak",
                "instructions", "d1_misses_per_get", "ll_misses_per_get")},
                l1d_misses=r.get("d1_misses"), ll_misses=r.get("ll_misses"))

    def write_csv(self, path):
        tmp = path + ".tmp"
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
            w.writeheader()
            for r in self.csv_rows():
                # None: measured but unavailable; a key the source lacks: not applicable
                w.writerow({k: (bl.UNAVAILABLE if k in r and r[k] is None else r.get(k, ""))
                            for k in CSV_FIELDS})
        os.replace(tmp, path)

    def bench_json(self, charts):
        return {
            "schema": "slotslab-bench/1",
            "provenance": self.prov,
            "settings": {"size": self.a.size, "repetitions": self.a.reps, "parts": self.a.parts,
                         "profiles": self.profiles,
                         "scenarios": list(self.replay.get("scenarios", {})),
                         "started": self.a.started, "seconds": time.time() - self.a.started
                         if self.a.started else None},
            "peers": self.peers,
            "scenarios": self.replay.get("scenarios", {}),
            "replays": self.rows, "ratios": self.ratios,
            "sweep": self.replay.get("sweep", []),
            "decode": self.replay.get("decode", []),
            "runs": self.replay.get("runs", []),
            "cachegrind": self.cg, "python": self.python,
            "allocbench": self.alloc, "configcost": self.cost,
            "objbench": {"speed": parse_objbench(self.objbench_text or ""),
                         "text": self.objbench_text},
            "goals": [dict(zip(("goal", "source", "figure", "criterion", "status", "note"), g))
                      for g in self.goals],
            "charts": charts,
        }

    def summary(self, charts):
        p = self.prov
        parts = []
        parts.append("# slotslab benchmark results")
        parts.append("")
        load = p.get("loadavg")
        parts.append("revision %s; config %s (`%s`); compiler %s; CPU %s (%s online); kernel %s; "
                     "%s; %s sizes%s, %s repetitions; load average %s when the replays ended "
                     "(other processes share these CPUs: timings are only as quiet as that)." % (
                         p["revision"], p.get("config_hash"), " ".join(
                             c.replace("CONFIG_", "") for c in p.get("config", [])) or "defaults",
                         p["compiler"], p["cpu"], p["cpus"], p["kernel"], p["date"], self.a.size,
                         " (FULL=1)" if self.a.size == "full" else "", self.a.reps,
                         "%.2f / %.2f / %.2f" % tuple(load) if load else "unavailable"))
        parts.append("")
        for sec in (self.headline_text, self.alloc_text, self.cost_text, self.objbench_text_md,
                    self.real_text, self.fp_text, self.tp_text, self.cg_text, self.py_text):
            parts.append(sec)
            parts.append("")
        # the fragments of the newer parts (RESULTS/sections/NN-part.md), in name order
        sdir = os.path.join(self.a.results, "sections")
        for name in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else []:
            if name.endswith(".md"):
                with open(os.path.join(sdir, name)) as f:
                    parts.append(f.read().rstrip("\n"))
                parts.append("")
        parts.append("## Goals (DESIGN.md, issue 4)")
        parts.append("")
        parts.append(mdtable(["goal", "source", "figure", "criterion", "status", "note"],
                             self.goals))
        missed = [g for g in self.goals if g[4] != "met"]
        if missed:
            parts.append("")
            parts.append("%d of %d goals are missed or unavailable; the figures above are what this "
                         "machine measured, not adjusted." % (len(missed), len(self.goals)))
        if self.rss_understated:
            self.notes.append("%d RSS figures in the headline are below the heap's own accounting "
                              "(marked †): reported as measured, and explained there." % self.rss_understated)
        if self.notes:
            parts += ["", "Notes:", ""] + ["- " + n for n in self.notes]
        parts += ["", "## Charts", ""]
        parts += ["- [%s](%s)" % (os.path.basename(c), os.path.basename(c)) for c in charts
                  if c.endswith(".png")]
        parts.append("")
        parts.append("Every figure is also in bench.csv and bench.json; a figure that could not be "
                     "measured says `unavailable` (null in JSON), never 0.")
        return "\n".join(parts) + "\n"

    def build(self):
        self.headline_text = self.headline()
        self.goals_headline()
        self.alloc_text = self.alloc_section()
        self.cost_text = self.cost_section()
        self.objbench_text_md = self.objbench_section()
        self.real_text = self.realtrace_section()
        self.fp_text = self.table_by(
            "Footprint per scenario: bytes per object at the peak",
            lambda r: r and r.get("bytes_per_object"), "%.1f",
            "The heap's accounting at the peak divided by the live objects (medians).  RSS growth "
            "per object is in bench.csv (`rss_delta_per_object`) and the footprint chart.")
        self.tp_text = self.table_by(
            "Throughput: million replayed events per second",
            lambda r: r and r.get("events_per_sec") and r["events_per_sec"] / 1e6, "%.2f",
            "Medians of the repetitions, one core, trace decoding included.")
        self.throughput_goals()
        self.cg_text = self.cachegrind_section()
        self.py_text = self.python_section()
        for p in self.peers:
            if not p["available"]:
                self.notes.append("%s is not installed (%s): its rows say unavailable "
                                  "(`scripts/install-deps.sh bench` installs it)." % (p["name"], p["library"]))
        if self.a.size != "full":
            self.notes.append("Sizes are reduced (`%s`); `FULL=1 make bench` replays DESIGN.md's "
                              "full sizes." % self.a.size)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--results", default="results")
    ap.add_argument("--build", default="build/bench", help="the build whose .config is reported")
    ap.add_argument("--size", default="default")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--started", type=float, default=None, help="when the suite started (epoch s)")
    ap.add_argument("--parts", default=" ".join(PARTS))
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    a.parts = a.parts.split()
    r = Report(a)
    if a.reps is None:
        a.reps = r.replay.get("repetitions")
    r.build()
    if a.started:
        took = time.time() - a.started
        r.goal("make bench (default sizes) takes at most 5 minutes on 2 cores", "bench.sh",
               took / 60, "%.1f min", lambda x: x <= 5.0 or a.size != "default", "<= 5 min")
    try:
        bl.write_json(os.path.join(a.results, "bench.json"), r.bench_json([]))
        r.write_csv(os.path.join(a.results, "bench.csv"))
    except OSError as e:
        bl.note("bench_report: %s" % e)
        return 1
    import subprocess
    charts = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                          "bench_charts.py"), "--results", a.results],
                            stdout=subprocess.PIPE, universal_newlines=True)
    chart_files = charts.stdout.split()
    if charts.returncode != 0:
        r.notes.append("the charts could not be drawn (bench_charts.py exit %d; see the log)"
                       % charts.returncode)
    bl.write_json(os.path.join(a.results, "bench.json"), r.bench_json(chart_files))
    text = r.summary(chart_files)
    tmp = os.path.join(a.results, "summary.md.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(a.results, "summary.md"))
    if not a.quiet:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
