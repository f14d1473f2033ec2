#!/usr/bin/python3
"""slotbench.suite - generate the seed scenarios and replay every one of them
under every layout, heap and dict profile, with the peer allocators.

usage: python3 -m slotbench.suite --slotslab PATH [--out DIR] [--traces DIR]
                      [--size smoke|default|full] [--reps N]
                      [--scenarios a,b,...] [--profiles a,b,...]

Stages, each one writing into DIR (default results/):
  1. `slotslab gen` writes each scenario's binary trace into --traces (default
     DIR/traces) at the chosen size; the scenarios are those `slotslab gen
     --list` names for the object model, sized by slotbench.scenarios'
     REPLAY_SIZES (`full` is the sizes docs/DESIGN.md section 7 names);
  2. replays: every scenario x layout (declared, slots, dict) x heap (slab;
     libc with glibc and each installed peer through LD_PRELOAD) x profile
     (native, cpython27, cpython311), --reps times.  Within a repetition the
     contenders of a scenario run one after another in an order that rotates
     and reverses from one repetition to the next; medians are reported, and
     slots/dict ratios are taken within one repetition before their median
     is.  `declared` is replayed only where it differs from `dict` (a trace
     whose classes are all dict classes declares exactly the dict layout).
     Every replay also times a decode-only pass (--decode-share).  RSS growth
     is the replay's rss_peak_bytes: peak RSS less the baseline it takes just
     before the measured pass;
  3. sweep: `slotslab gen sweep --attrs K` for each K in SWEEP_POINTS, replayed
     once per layout (slots, dict) x heap (slab, glibc) x profile: byte counts
     are deterministic, so one run each.
Output: DIR/replay.json (every run, the aggregated rows, ratios, sweep, the
peers and the provenance).  Progress goes to stderr.  Exit status 1 when a
replay fails, 2 on bad usage.
"""
import os
import subprocess
import sys

from slotbench import common as bl
from slotbench.scenarios import REPLAY_SIZES, SIZES, SWEEP_POINTS, chosen, gen, listed, options

MISLABELLED = set()


def heap_configs(peers):
    """(heap, peer) pairs: the slab heap, then libc under every available peer."""
    out = [("slab", None)]
    out += [("libc", p) for p in peers if p["available"]]
    return out


def malloc_name(heap, peer):
    return "slotslab" if heap == "slab" else peer["name"]


def replay(slotslab, trace, layout, heap, peer, profile):
    cmd = [slotslab, "replay", trace, "--layout", layout, "--heap", heap,
           "--profile", profile, "--json", "--decode-share"]
    r = bl.run_json(cmd, env=dict(bl.preload_env(peer), SLOTSLAB_PROGRESS="0"))
    # The replayer says which malloc it found; that, not what was preloaded,
    # labels the result (a sanitizer's allocator, a preload that failed).
    want = malloc_name(heap, peer)
    got = r.get("malloc") or want
    if got != want and (want, got) not in MISLABELLED:
        MISLABELLED.add((want, got))
        bl.note("suite: asked for %s, the replayer runs on %s; labelled %s" % (want, got, got))
    r["_malloc"] = got
    return r


def order_of(contenders, rep):
    n = len(contenders)
    o = contenders[rep % n:] + contenders[:rep % n]
    return o[::-1] if rep % 2 else o


def run_matrix(a, scen, peers):
    """Every scenario's contenders, --reps times, alternated.  Returns the runs."""
    runs = []
    hc = heap_configs(peers)
    total = 0
    plan = []
    for name in a.scenarios:
        layouts = [l for l in bl.LAYOUTS
                   if not (l == "declared" and scen[name]["declared_is_dict"])]
        cont = [(l, h, p, prof) for l in layouts for (h, p) in hc for prof in a.profiles]
        plan.append((name, cont))
        total += len(cont) * a.reps
    prog = bl.Progress("replay", total)
    for rep in range(a.reps):
        for name, cont in plan:
            for l, h, p, prof in order_of(cont, rep):
                r = replay(a.slotslab, scen[name]["trace"], l, h, p, prof)
                runs.append(dict(r, _scenario=name, _rep=rep))
                prog.tick("%s %s %s/%s %s" % (name, l, h, malloc_name(h, p), prof))
    return runs


def aggregate(runs, reps):
    """Median rows per contender, and slots/dict ratios within a repetition."""
    groups = {}
    for r in runs:
        key = (r["_scenario"], r["layout"], r["heap"], r["_malloc"], r["profile"])
        groups.setdefault(key, []).append(r)
    rows = []
    for key, rs in groups.items():
        scen, layout, heap, mal, prof = key
        first = rs[0]
        n = first.get("objects_peak")
        med_delta = bl.median([r.get("rss_peak_bytes") for r in rs])
        counters = first.get("counters") or {}
        row = {
            "scenario": scen, "layout": layout, "heap": heap, "malloc": mal,
            "profile": prof, "runs": len(rs),
            "trace": first.get("trace"), "events": first.get("events"),
            "objects_peak": n, "errors": first.get("errors"),
            "errors_total": first.get("errors_total"), "bad_ids": first.get("bad_ids"),
            "bytes_requested_peak": bl.median([r.get("bytes_requested_peak") for r in rs]),
            "bytes_footprint_peak": bl.median([r.get("bytes_footprint_peak") for r in rs]),
            "bytes_per_object": bl.median([r.get("bytes_per_object") for r in rs]),
            "rss_peak_bytes": med_delta,
            "rss_delta_per_object": med_delta / n if med_delta is not None and n else None,
            "seconds": bl.median([r.get("seconds") for r in rs]),
            "decode_share": bl.median([r.get("decode_share") for r in rs]),
            "events_per_sec": bl.median([r.get("events_per_sec") for r in rs]),
            "events_per_sec_all": [r.get("events_per_sec") for r in rs],
            "counters": {
                "source": counters.get("source", "none"),
                "unavailable": counters.get("unavailable"),
                "cache_misses": bl.median([(r.get("counters") or {}).get("cache_misses") for r in rs]),
                "l1d_misses": bl.median([(r.get("counters") or {}).get("l1d_misses") for r in rs]),
                "instructions": bl.median([(r.get("counters") or {}).get("instructions") for r in rs]),
            },
        }
        rows.append(row)

    # slots/dict within each repetition, then the median
    by = {}
    for r in runs:
        by[(r["_scenario"], r["_rep"], r["heap"], r["_malloc"], r["profile"], r["layout"])] = r
    ratios = []
    seen = set()
    for (scen, rep, heap, mal, prof, layout) in by:
        k = (scen, heap, mal, prof)
        if k in seen or layout not in ("slots", "dict"):
            continue
        seen.add(k)
        fp, rss, eps = [], [], []
        for rp in range(reps):
            s, d = by.get((scen, rp, heap, mal, prof, "slots")), by.get((scen, rp, heap, mal, prof, "dict"))
            if not s or not d:
                continue
            fp.append(bl.ratio(s.get("bytes_per_object"), d.get("bytes_per_object")))
            ds, dd = s.get("rss_peak_bytes"), d.get("rss_peak_bytes")
            rss.append(bl.ratio(ds, dd) if ds is not None and dd is not None and dd > 0 else None)
            eps.append(bl.ratio(s.get("events_per_sec"), d.get("events_per_sec")))
        ratios.append({"scenario": scen, "heap": heap, "malloc": mal, "profile": prof,
                       "slots_over_dict_bytes": bl.median(fp),
                       "slots_over_dict_rss": bl.median(rss),
                       "slots_over_dict_events_per_sec": bl.median(eps),
                       "repetitions": len(fp)})
    return rows, ratios


def run_sweep(a, peers, tdir):
    points, objects = SWEEP_POINTS[a.size]
    glibc = [p for p in peers if p["name"] == "glibc"][0]
    hc = [("slab", None), ("libc", glibc)]
    out = []
    prog = bl.Progress("sweep", len(points) * 2 * len(hc) * len(a.profiles))
    for k in points:
        path = os.path.join(tdir, "sweep-%02d.bin" % k)
        gen(a.slotslab, "sweep", ["--attrs", str(k), "--objects", str(objects)], path)
        for layout in ("slots", "dict"):
            for h, p in hc:
                for prof in a.profiles:
                    r = replay(a.slotslab, path, layout, h, p, prof)
                    n = r.get("objects_peak")
                    req = r.get("bytes_requested_peak")
                    out.append({"attrs": k, "layout": layout, "heap": h,
                                "malloc": malloc_name(h, p), "profile": prof,
                                "objects_peak": n,
                                "bytes_per_object": r.get("bytes_per_object"),
                                "requested_per_object": req / n if req is not None and n else None})
                    prog.tick("attrs %d %s %s %s" % (k, layout, h, prof))
    return out


def main():
    ap = bl.argparser("suite", __doc__)
    ap.add_argument("--slotslab", required=True, help="the slotslab CLI to run")
    ap.add_argument("--out", default="results", help="results directory (default results)")
    ap.add_argument("--traces", help="where the traces go (default OUT/traces)")
    ap.add_argument("--size", choices=SIZES, default="default")
    ap.add_argument("--reps", type=int, default=3, help="repetitions per contender (default 3)")
    ap.add_argument("--scenarios", help="default: every one `slotslab gen --list` names")
    ap.add_argument("--profiles", default=",".join(bl.PROFILES))
    ap.add_argument("--no-sweep", action="store_true", help="skip the attribute sweep")
    a = ap.parse_args()
    if a.reps < 1:
        ap.error("--reps wants a number from 1")
    if not os.access(a.slotslab, os.X_OK):
        ap.error("%s is not an executable (make O=DIR?)" % a.slotslab)
    try:
        known = listed(a.slotslab)
        a.scenarios = chosen(a.scenarios, known) if a.scenarios is not None else known
        a.profiles = chosen(a.profiles, bl.PROFILES, "profile")
    except ValueError as e:
        ap.error(str(e))
    except RuntimeError as e:
        bl.note("suite: %s" % e)
        return 1
    if subprocess.run([a.slotslab, "replay", "--help"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        bl.note("suite: %s has no replay command" % a.slotslab)
        return 1
    tdir = a.traces or os.path.join(a.out, "traces")
    os.makedirs(tdir, exist_ok=True)
    peers = bl.peers()
    for p in peers:
        if not p["available"]:
            bl.note("suite: %s is not installed (%s): reported as unavailable"
                    % (p["name"], p["library"]))
    try:
        scen = {}
        prog = bl.Progress("gen", len(a.scenarios))
        for s in a.scenarios:
            scen[s] = gen(a.slotslab, s, options(REPLAY_SIZES, a.size, s),
                          os.path.join(tdir, s + ".bin"))
            prog.tick(scen[s]["gen"])
        runs = run_matrix(a, scen, peers)
        rows, ratios = aggregate(runs, a.reps)
        sweep = [] if a.no_sweep else run_sweep(a, peers, tdir)
    except RuntimeError as e:
        bl.note("suite: %s" % e)
        return 1
    prov = bl.provenance(os.path.dirname(os.path.abspath(a.slotslab)))
    # what the binary says of itself: the revision and compiler that built it
    for k in ("revision", "config", "config_hash", "compiler", "cflags", "cpu", "kernel"):
        if runs and runs[0].get(k) not in (None, ""):
            prov[k] = runs[0][k].split() if k == "config" else runs[0][k]
    bl.write_json(os.path.join(a.out, "replay.json"), {
        "provenance": prov,
        "size": a.size, "repetitions": a.reps, "profiles": a.profiles,
        "peers": peers, "scenarios": scen, "rows": rows, "ratios": ratios,
        "sweep": sweep, "sweep_points": SWEEP_POINTS[a.size][0],
        "runs": [{k: v for k, v in r.items()} for r in runs],
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
