"""slotbench.report.outputs - bench.json (everything, with the provenance)
and bench.csv (one row per measurement; a figure that could not be measured
is "unavailable").
"""
import csv
import os
import time

from slotbench import common as bl
from slotbench.report.objbench import parse_objbench

CSV_FIELDS = ["source", "scenario", "attrs", "layout", "heap", "malloc", "profile", "measure",
              "runs", "events", "objects_peak", "bytes_requested_peak", "bytes_footprint_peak",
              "bytes_per_object", "rss_delta_per_object", "rss_peak_bytes", "seconds",
              "events_per_sec", "counters_source", "cache_misses", "l1d_misses", "ll_misses",
              "instructions", "d1_misses_per_get", "ll_misses_per_get", "errors",
              "revision", "config_hash", "compiler", "cpu"]


def csv_rows(ctx):
    p = ctx.prov
    base = {"revision": p["revision"], "config_hash": p.get("config_hash"),
            "compiler": p["compiler"], "cpu": p["cpu"]}
    for r in ctx.rows:
        c = r.get("counters") or {}
        yield dict(base, source="slotslab-replay", **{k: r.get(k) for k in (
            "scenario", "layout", "heap", "malloc", "profile", "runs", "events", "objects_peak",
            "bytes_requested_peak", "bytes_footprint_peak", "bytes_per_object",
            "rss_delta_per_object", "rss_peak_bytes", "seconds", "events_per_sec")},
            counters_source=c.get("source"), cache_misses=c.get("cache_misses"),
            l1d_misses=c.get("l1d_misses"), instructions=c.get("instructions"),
            errors=r.get("errors_total"))
    for m in ctx.mallocs():
        if not ctx.peer_available(m):
            yield dict(base, source="slotslab-replay", malloc=m, heap="libc",
                       bytes_per_object=None, events_per_sec=None)
    for r in ctx.replay.get("sweep", []):
        yield dict(base, source="slotslab-sweep", scenario="sweep", **{k: r.get(k) for k in (
            "attrs", "layout", "heap", "malloc", "profile", "objects_peak", "bytes_per_object")})
    for r in ctx.python.get("rows", []):
        yield dict(base, source=r["runtime"], compiler=r["implementation"], **{k: r.get(k) for k in (
            "scenario", "layout", "measure", "events", "objects_peak", "bytes_per_object",
            "rss_delta_per_object", "seconds", "events_per_sec")},
            errors=sum(r["errors"].values()))
    for i in ctx.python.get("interpreters", []):
        if not i["available"]:
            yield dict(base, source=i["runtime"], compiler=i["executable"],
                       bytes_per_object=None, rss_delta_per_object=None)
    for r in ctx.python.get("sweep", []):
        yield dict(base, source=r["runtime"], scenario="sweep", compiler=r["implementation"],
                   **{k: r.get(k) for k in ("attrs", "layout", "measure", "objects_peak",
                                            "bytes_per_object")})
    for r in ctx.cg.get("rows", []):
        yield dict(base, source="cachegrind", counters_source="cachegrind", **{k: r.get(k) for k in (
            "scenario", "layout", "heap", "malloc", "profile", "events", "objects_peak",
            "instructions", "d1_misses_per_get", "ll_misses_per_get")},
            l1d_misses=r.get("d1_misses"), ll_misses=r.get("ll_misses"))


def write_csv(ctx, path):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in csv_rows(ctx):
            # None: measured but unavailable; a key the source lacks: not applicable
            w.writerow({k: (bl.UNAVAILABLE if k in r and r[k] is None else r.get(k, ""))
                        for k in CSV_FIELDS})
    os.replace(tmp, path)


def bench_json(ctx, charts):
    return {
        "schema": "slotslab-bench/1",
        "provenance": ctx.prov,
        "settings": {"size": ctx.a.size, "repetitions": ctx.a.reps, "parts": ctx.a.parts,
                     "profiles": ctx.profiles,
                     "scenarios": list(ctx.replay.get("scenarios", {})),
                     "started": ctx.a.started, "seconds": time.time() - ctx.a.started
                     if ctx.a.started else None},
        "peers": ctx.peers,
        "scenarios": ctx.replay.get("scenarios", {}),
        "replays": ctx.rows, "ratios": ctx.ratios,
        "sweep": ctx.replay.get("sweep", []),
        "decode": ctx.replay.get("decode", []),
        "runs": ctx.replay.get("runs", []),
        "cachegrind": ctx.cg, "python": ctx.python,
        "allocbench": ctx.alloc, "configcost": ctx.cost,
        "objbench": {"speed": parse_objbench(ctx.objbench_text or ""),
                     "text": ctx.objbench_text},
        "goals": [dict(zip(("goal", "source", "figure", "criterion", "status", "note"), g))
                  for g in ctx.goals],
        "charts": charts,
    }
