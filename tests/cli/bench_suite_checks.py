#!/usr/bin/python3
"""bench_suite_checks.py - what tests/cli/bench_suite.sh asserts of the results
of a smoke `make bench`, one check a name.

usage: /usr/bin/python3 tests/cli/bench_suite_checks.py CHECK RESULTS_DIR [ARG...]

Exit status 0 when the check holds; an AssertionError's traceback (and exit
1) when it does not; 2 on an unknown check.
"""
import csv
import json
import os
import sys
import xml.etree.ElementTree as ET


def check_json(d):
    """the JSON files parse; bench.json has its sections"""
    for f in ("bench.json", "replay.json", "python.json", "cachegrind.json"):
        json.load(open(os.path.join(d, f)))
    b = json.load(open(os.path.join(d, "bench.json")))
    for k in ("provenance", "settings", "peers", "scenarios", "replays", "ratios", "sweep", "runs",
              "cachegrind", "python", "goals", "charts"):
        assert k in b, "bench.json lacks " + k
    for k in ("revision", "config", "compiler", "cpu"):
        assert b["provenance"].get(k), "provenance lacks " + k
    assert set(b["scenarios"]) == {"myclass", "player", "student", "sweep", "hybrid", "subclass", "churn"}, b["scenarios"].keys()


def check_replay_fields(d):
    """every replay has the fields docs/DESIGN.md section 7 pins"""
    b = json.load(open(os.path.join(d, "bench.json")))
    pinned = ("trace", "layout", "heap", "profile", "malloc", "events", "objects_peak", "errors",
              "bytes_requested_peak", "bytes_footprint_peak", "bytes_per_object", "rss_peak_bytes",
              "seconds", "events_per_sec", "counters")
    assert b["runs"], "no replays"
    for r in b["runs"]:
        for k in pinned:
            assert k in r, "a replay lacks %s: %s" % (k, r.get("trace"))
        assert isinstance(r["errors"], dict), "errors is not an object"
        for k in ("source", "cache_misses", "l1d_misses", "instructions"):
            assert k in r["counters"], "counters lack " + k
        assert r["malloc"] and (r["heap"] != "slab" or r["malloc"] == "slotslab"), r["malloc"]
    layouts = {(r["scenario"], r["layout"]) for r in b["replays"]}
    for s in b["scenarios"]:
        assert (s, "slots") in layouts and (s, "dict") in layouts, s


def check_counters(d):
    """counters are numbers from perf, or null with source none; never 0 for unmeasured"""
    b = json.load(open(os.path.join(d, "bench.json")))
    for r in b["runs"]:
        c = r["counters"]
        vals = [c[k] for k in ("cache_misses", "l1d_misses", "instructions")]
        if c["source"] == "none":
            assert all(v is None for v in vals), c
        else:
            assert c["source"] == "perf", c
    cg = b["cachegrind"]
    hw = any(r["counters"]["source"] == "perf" for r in b["runs"])
    if not hw:
        assert cg.get("unavailable") or cg["rows"], "no cache figures and no reason"
        for r in cg["rows"]:
            assert r["source"] == "cachegrind"
            if r["unavailable"] is None:
                assert isinstance(r["d1_misses"], int) and isinstance(r["ll_misses"], int)
            else:
                assert r["d1_misses"] is None and r["ll_misses_per_get"] is None


def check_peers(d, peerdir):
    """missing peers are unavailable, never measured as 0"""
    b = json.load(open(os.path.join(d, "bench.json")))
    have = set(os.listdir(peerdir))
    missing = [p["name"] for p in b["peers"] if p["library"] and os.path.basename(p["library"]) not in have]
    assert missing, "the test meant to hide a peer"
    for p in b["peers"]:
        assert p["available"] == (p["name"] not in missing), p
    for m in missing:
        assert not [r for r in b["runs"] if r["malloc"] == m], m + " was replayed"
        rows = [r for r in csv.DictReader(open(os.path.join(d, "bench.csv"))) if r["malloc"] == m]
        assert rows and all(r["bytes_per_object"] == "unavailable" for r in rows), m
    s = open(os.path.join(d, "summary.md")).read()
    for m in missing:
        assert "%s is not installed" % m in s, m


def check_csv(d):
    """bench.csv parses: one header, every row complete, nulls written as unavailable"""
    rows = list(csv.reader(open(os.path.join(d, "bench.csv"))))
    head = rows[0]
    for k in ("source", "scenario", "layout", "heap", "malloc", "profile", "bytes_per_object",
              "rss_delta_per_object", "events_per_sec", "counters_source", "cache_misses",
              "revision", "compiler", "cpu"):
        assert k in head, k
    assert len(rows) > 10
    for r in rows[1:]:
        assert len(r) == len(head), r
    sources = {r[head.index("source")] for r in rows[1:]}
    assert {"slotslab-replay", "slotslab-sweep", "cpython", "cachegrind"} <= sources, sources
    cm = head.index("cache_misses")
    for r in rows[1:]:
        if r[0] == "slotslab-replay" and r[head.index("counters_source")] == "none":
            assert r[cm] == "unavailable", r


def check_charts(d):
    """the charts are PNG and SVG files"""
    for c in ("headline", "footprint", "sweep", "throughput", "cachemisses"):
        assert open(os.path.join(d, c + ".png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n", c
        assert ET.parse(os.path.join(d, c + ".svg")).getroot().tag.endswith("svg"), c


def check_pythons(d):
    """CPython is measured; a missing PyPy is unavailable"""
    p = json.load(open(os.path.join(d, "python.json")))
    i = {x["runtime"]: x for x in p["interpreters"]}
    assert i["cpython"]["available"] and not i["pypy"]["available"]
    rows = [r for r in p["rows"] if r["runtime"] == "cpython"]
    assert {(r["scenario"], r["layout"]) for r in rows} >= {("myclass", "slots"), ("myclass", "dict")}
    for r in rows:
        if r["measure"] == "tracemalloc":
            assert r["bytes_per_object"] and r["bytes_per_object"] > 0, r
    assert not [r for r in p["rows"] if r["runtime"] == "pypy"]
    s = open(os.path.join(d, "summary.md")).read()
    assert "pypy: unavailable" in s


def check_headline(d):
    """summary.md opens with the seeds' headline for myclass and player, per profile"""
    s = open(os.path.join(d, "summary.md")).read()
    first = s.split("\n## ")[1]
    assert first.startswith("The seeds' headline"), first[:60]
    assert "0.41" in first and "9.30 / 22.67" in first
    for scen in ("myclass", "player"):
        for prof in ("native", "cpython27", "cpython311"):
            assert "| %s | slotslab, profile %s | slab |" % (scen, prof) in first, (scen, prof)
        assert "| %s | CPython 3." % scen in first, scen
    for sec in ("## Allocator benchmark", "## Cost of build options", "## Object model micro",
                "## Throughput", "## Cache misses", "## CPython and PyPy", "## Goals"):
        assert sec in s, sec
    assert "not run (BENCH_PARTS=" in s


def check_pyversions(d):
    """pyversions: a row per interpreter found, model beside it, a missing PyPy unavailable"""
    p = json.load(open(os.path.join(d, "pyversions.json")))
    assert p["provenance"]["revision"] and p["rows"], p.keys()
    for r in p["rows"]:
        assert r["implementation"] == "cpython", r["label"]
        assert r["profile"] and r["profile"].startswith("cpython"), r
        assert r["slots_bytes"] > 0 and r["dict_bytes"] > 0, r
        assert r["model_slots_bytes"] > 0 and r["model_dict_bytes"] > 0, r
        assert set(r["sweep"]["dict"]) == set(r["sweep"]["model_dict"]), r["label"]
    assert {"implementation": "pypy", "generation": "3"} in p["unavailable"]
    md = open(os.path.join(d, "sections", "40-pyversions.md")).read()
    assert md.startswith("## What `__slots__` saves, by Python version"), md[:80]
    assert "| pypy 3 | unavailable |" in md and "0.41" in md and "seed 004" in md
    for r in p["rows"]:
        assert "| %s | %s |" % (r["label"], r["measure"]) in md, r["label"]
    assert open(os.path.join(d, "pyversions.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert ET.parse(os.path.join(d, "pyversions.svg")).getroot().tag.endswith("svg")


def main(argv):
    if len(argv) < 2 or "check_" + argv[0] not in globals():
        sys.stderr.write(__doc__)
        return 2
    globals()["check_" + argv[0]](*argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
