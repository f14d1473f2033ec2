#!/usr/bin/python3
"""slotbench.realtrace - the tables, JSON and chart of scripts/realtrace.sh.

    python3 -m slotbench.realtrace RUNS.jsonl OUT_DIR BUILD_DIR

Reads every run realtrace.sh logged (one JSON object per line: kind
record, replay or live), takes medians per trace and contender, compares
slotslab with the best peer (glibc, jemalloc, mimalloc, tcmalloc) and
writes OUT_DIR/realtrace.{json,csv,md} and, with matplotlib,
OUT_DIR/realtrace.{png,svg}.  The markdown is printed as well.

Replay figures: rss_peak_bytes (the peak RSS less the baseline taken just
before the measured pass), bytes_footprint_peak (what the heap held for
live blocks, by usable sizes), and speed as events per CPU second
(events / cpu_seconds; events_per_sec, by the wall clock, is kept in the
JSON and CSV): on a machine shared with other work the wall-clock rate
swings by 2x from run to run, CPU time far less.  Live figures: peak RSS
(GNU time, children included) and CPU seconds (user + system), wall
seconds in the JSON.  A replay that does not
write the blocks it allocates (--no-touch) leaves memory nobody wrote out
of RSS: then its RSS does not compare allocators, and the RSS goal is
judged on the live runs alone, where the programs write their own memory.
A replay that writes a byte per page of each block (the default) is
judged too: the goal holds only if the replay's RSS and the live
program's are both within it (rss_ratio is the larger).
Page faults of the replayed pass (page_faults) are tabled beside them:
where the replay's CPU time goes when the heaps' instructions are alike.
Beside each RSS goal the slab heap misses: what kmalloc held at the
trace's peak of bytes live (within 1/64), by its own accounting (runs of
kind "accounting": `slotslab slabinfo TRACE --at bytes`, logged once a
trace; `--at peak`, the peak of live blocks, before 2026-12-07: the report
says which), so that the RSS is explained, not only measured.

Goals, per trace: RSS at most 1.05x the best peer's, speed at least the
best peer's (the general-purpose malloc's goal); checked for the slab heap
(replay --heap slab: kmalloc) and for libslotslab-malloc.so (the malloc
replacement over kmalloc).
"""
import csv
import json
import os
import sys

from slotbench import common as bl

PEERS = bl.peer_names()
RSS_GOAL = 1.05
SPEED_GOAL = 1.00


def mb(b, spec="%.1f"):
    """Bytes (or events) in millions, for a table."""
    return bl.fmt(None if b is None else b / 1e6, spec)


mev = mb


def sec(v):
    return bl.fmt(v, "%.2f")


def rel(r, who):
    return bl.fmt(r, "%.2f (" + str(who).replace("%", "%%") + ")")


def best(d, key, lower):
    """(name, value) of the best peer in d by key; (None, None) if none."""
    vals = [(d[p][key], p) for p in PEERS if p in d and d[p].get(key) is not None]
    if not vals:
        return None, None
    v, p = (min if lower else max)(vals)
    return p, v


def parse_slabinfo(text):
    """What `slotslab slabinfo TRACE` printed, in bytes: the memory line
    (chunks, slabs, large, freed and resident, metadata, mapped) and, over
    every cache listed, the objects in use, in magazines and depots
    (sharedavail), and free or never used in their slabs (not resident
    until carved); None if the memory line is missing."""
    acc = None
    live = cached = objs = 0
    when = "peak of live blocks"
    for line in text.splitlines():
        if line.startswith("# slotslab slabinfo ") and ", taken at the " in line:
            taken = line.split(", taken at the ", 1)[1]
            when = {"peak": "peak of live blocks",
                    "peak of bytes (within 1/64)": "peak of bytes live"}.get(taken, taken)
        elif line.startswith("# memory (KiB): "):
            nums = [int(t.strip(",;")) for t in line.split() if t.strip(",;").isdigit()]
            if len(nums) != 6:
                return None
            acc = dict(zip(("chunk", "slabs", "large", "resident_free", "meta", "mapped"),
                           (n * 1024 for n in nums)))
        elif line and not line.startswith("#") and " : slabdata " in line:
            f = line.split()
            size = int(f[3])
            live += int(f[1]) * size
            objs += int(f[2]) * size
            cached += int(f[-1]) * size
    if acc is None:
        return None
    acc.update({"objects_live": live, "objects_cached": cached,
                "objects_free": max(0, objs - live - cached), "when": when})
    return acc


def summarise(runs):
    traces = []
    for r in runs:
        if r["trace"] not in traces:
            traces.append(r["trace"])
    records = {r["trace"]: r for r in runs if r["kind"] == "record"}
    replays = [r for r in runs if r["kind"] == "replay"]
    lives = [r for r in runs if r["kind"] == "live"]
    # whether the replays wrote their blocks: their own JSON says (older logs said beside it)
    touched = bool(replays) and all(r["result"].get("touch", r.get("touch")) for r in replays)
    results = []
    for t in traces:
        e = {"trace": t, "replay": {}, "live": {}, "goals": {}}
        acc = [r for r in runs if r["kind"] == "accounting" and r["trace"] == t]
        if acc:
            e["accounting"] = parse_slabinfo(acc[-1].get("slabinfo", ""))
        rec = records.get(t)
        if rec:
            info = rec["info"]
            e["events"] = info["events"]
            e["threads"] = len(info["threads"])
            e["blocks_peak"] = info["blocks_peak"]
            e["record"] = {k: rec.get(k) for k in ("recorded_seconds", "conversion_seconds", "raw_mb")}
        for c in sorted({r["contender"] for r in replays if r["trace"] == t}):
            rs = [r["result"] for r in replays if r["trace"] == t and r["contender"] == c]
            e["replay"][c] = {
                "runs": len(rs),
                "malloc": rs[0].get("malloc"),
                "rss_growth_bytes": bl.median([x.get("rss_peak_bytes") for x in rs]),
                "bytes_held_peak": bl.median([x.get("bytes_footprint_peak") for x in rs]),
                "bytes_requested_peak": bl.median([x.get("bytes_requested_peak") for x in rs]),
                "events_per_sec": bl.median([x.get("events_per_sec") for x in rs]),
                "events_per_cpu_sec": bl.median([x["events"] / x["cpu_seconds"] for x in rs
                                           if x.get("cpu_seconds")]),
                "seconds": bl.median([x.get("seconds") for x in rs]),
                "cpu_seconds": bl.median([x.get("cpu_seconds") for x in rs]),
                "page_faults": bl.median([x.get("page_faults") for x in rs]),
            }
        # the prepass scans the trace before any allocation: the same work in
        # every run, so its spread is how much the machine's speed moved
        pre = [r["result"].get("prepass_seconds") for r in replays if r["trace"] == t]
        pre = [x for x in pre if x]
        if pre:
            e["prepass_range"] = (min(pre), max(pre))
        for c in sorted({r["contender"] for r in lives if r["trace"] == t}):
            ls = [r for r in lives if r["trace"] == t and r["contender"] == c]
            e["live"][c] = {"runs": len(ls),
                            "maxrss_bytes": bl.median([x["maxrss_kb"] * 1024 for x in ls]),
                            "seconds": bl.median([x["seconds"] for x in ls]),
                            "cpu_seconds": bl.median([x.get("cpu_seconds") for x in ls])}
        rp, lv, g = e["replay"], e["live"], e["goals"]
        p_rss, v_rss = best(rp, "rss_growth_bytes", True)
        p_spd, v_spd = best(rp, "events_per_cpu_sec", False)
        p_held, v_held = best(rp, "bytes_held_peak", True)
        p_lrss, v_lrss = best(lv, "maxrss_bytes", True)
        p_ltime, v_ltime = best(lv, "cpu_seconds", True)
        for who, live_name in (("slab", None), ("slotslab-malloc", "slotslab")):
            if who not in rp:
                continue
            x = {
                "speed_ratio": bl.ratio(rp[who]["events_per_cpu_sec"], v_spd), "speed_peer": p_spd,
                "replay_rss_ratio": bl.ratio(rp[who]["rss_growth_bytes"], v_rss), "replay_rss_peer": p_rss,
                "held_ratio": bl.ratio(rp[who]["bytes_held_peak"], v_held), "held_peer": p_held,
            }
            # kmalloc is what libslotslab-malloc.so serves from: its live run is
            # the footprint of both
            live = bl.ratio(lv["slotslab"]["maxrss_bytes"], v_lrss) if "slotslab" in lv else None
            x["live_rss_ratio"], x["live_rss_peer"] = live, p_lrss
            if live_name and live_name in lv:
                x["live_time_ratio"] = bl.ratio(lv[live_name]["cpu_seconds"], v_ltime)
                x["live_time_peer"] = p_ltime
            if touched:
                # the goal is on both: the replay's RSS and the live program's
                both = [x["replay_rss_ratio"], live]
                rss = None if None in both else max(both)
            else:
                rss = live
            x["rss_judged_on"] = "replay and live" if touched else "live"
            x["rss_ratio"] = rss
            x["rss_met"] = rss is not None and rss <= RSS_GOAL
            x["speed_met"] = x["speed_ratio"] is not None and x["speed_ratio"] >= SPEED_GOAL
            g[who] = x
        if "record" in e and "recording" in lv and "glibc" in lv:
            r = e["record"]
            r["plain_seconds"] = lv["glibc"]["cpu_seconds"]
            r["recording_seconds"] = lv["recording"]["cpu_seconds"]
            r["slowdown"] = bl.ratio(lv["recording"]["cpu_seconds"], lv["glibc"]["cpu_seconds"])
            r["plain_maxrss_bytes"] = lv["glibc"]["maxrss_bytes"]
            r["recording_maxrss_bytes"] = lv["recording"]["maxrss_bytes"]
        results.append(e)
    return results, touched


def machine_moved(e, most=1.2):
    """A warning when the machine's speed moved during a trace's runs by
    more than @most (the prepass, the same work in every run, took that much
    longer in one run than in another): the speed ratios are then the
    machine's as much as the allocators'.  The figures stay as measured."""
    lo, hi = e.get("prepass_range", (None, None))
    if not lo or hi / lo <= most:
        return ""
    return (" The machine's speed moved during these runs: the prepass, the same work in "
            "every run, took %.4f to %.4f s (%.2fx); rerun before reading this ratio." % (lo, hi, hi / lo))


def speed_faults(results):
    """Beside each speed goal missed: the replayed pass's page faults
    against the fastest peer's (the table below has them all)."""
    md = []
    for e in results:
        for who in ("slab", "slotslab-malloc"):
            x = e["goals"].get(who)
            if not x or x["speed_met"] or not x.get("speed_peer"):
                continue
            mine = e["replay"].get(who, {}).get("page_faults")
            theirs = e["replay"].get(x["speed_peer"], {}).get("page_faults")
            md.append("- %s, %s: speed %.2fx %s's; page faults in the replayed pass %s, %s's %s.%s" % (
                e["trace"], who, x["speed_ratio"], x["speed_peer"],
                bl.fmt(mine, "%d"), x["speed_peer"], bl.fmt(theirs, "%d"), machine_moved(e)))
    return md + [""] if md else []


def rss_accounting(results):
    """Beside each RSS goal the slab heap missed: what kmalloc held when
    the slabinfo report was taken (parse_slabinfo: its "when"), in MB."""
    def mb2(b):
        return mb(b, "%.2f")
    md = []
    for e in results:
        x, a = e["goals"].get("slab"), e.get("accounting")
        if not x or x["rss_met"] or x["rss_ratio"] is None:
            continue
        head = "- %s, slab: RSS %.2fx the best peer's; " % (e["trace"], x["rss_ratio"])
        if not a:
            md.append(head + "kmalloc's accounting at the peak: unavailable.")
            continue
        md.append(head + "kmalloc at the %s held slabs %s MB (objects in use "
                  "%s, in magazines and depots %s, free or never used %s), large blocks %s MB, "
                  "freed pages kept resident %s MB, metadata %s MB mapped; the replay's blocks "
                  "held %s MB at their own peak." % (
                      a["when"], mb2(a["slabs"]), mb2(a["objects_live"]),
                      mb2(a["objects_cached"]), mb2(a["objects_free"]), mb2(a["large"]),
                      mb2(a["resident_free"]), mb2(a["meta"]), mb2(e["replay"].get("slab", {}).get("bytes_held_peak"))))
    return md + [""] if md else []


def faults_table(results, cols):
    """The replayed pass's minor page faults: where its CPU time goes when
    the contenders' instructions are alike (a fault costs microseconds on
    these VMs, an allocator's fast path nanoseconds)."""
    md = ["### Page faults of the replayed pass\n",
          "Minor page faults during the measured pass (`page_faults` of the replay's JSON), "
          "medians: pages the heap mapped or got back from the kernel rather than reused.  "
          "`slab` starts the pass with an empty heap of its own, while a peer's heap (and "
          "`slotslab-malloc`'s) reuses what the first pass freed.\n",
          "| trace | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for e in results:
        cells = []
        for c in cols:
            v = e["replay"].get(c, {}).get("page_faults")
            cells.append("unavailable" if v is None else "%d" % v)
        md.append("| %s | %s |" % (e["trace"], " | ".join(cells)))
    md.append("")
    return md


def markdown(results, touched, meta):
    replay_cols = ["slab"] + [p for p in PEERS if any(p in e["replay"] for e in results)] + \
        [c for c in ("slotslab-malloc",) if any(c in e["replay"] for e in results)]
    live_cols = [c for c in ["slotslab"] + PEERS if any(c in e["live"] for e in results)]
    md = ["## Real programs: recorded traces replayed on every heap\n",
          "Traces recorded on this machine with `slotslab record` (`results/realtrace/*.bin`), "
          "replayed with `slotslab replay`: `slab` is `--heap slab` (kmalloc), the peers "
          "`--heap libc` under `LD_PRELOAD`, `slotslab-malloc` `--heap libc` under "
          "`LD_PRELOAD=libslotslab-malloc.so` (the malloc replacement over kmalloc).  Each cell: "
          "RSS growth at the peak, MB / bytes held for live blocks at the peak, MB / million "
          "events per CPU second.  Medians of %d runs, contenders rotated; %s.\n"
          % (meta["repetitions"], PINNED_SAYS[meta.get("replays_pinned", "none")])]
    if not touched:
        md.append("The replayer does not write the blocks it allocates, so its RSS leaves out "
                  "memory nobody wrote and does not compare allocators (an allocator that keeps "
                  "no header in the block looks smaller than it is).  The RSS goal is therefore "
                  "judged on the live runs below, where the programs write their own memory.\n")
    md.append("| trace | events | " + " | ".join(replay_cols) + " |")
    md.append("|---|---:|" + "---:|" * len(replay_cols))
    for e in results:
        cells = []
        for c in replay_cols:
            v = e["replay"].get(c)
            cells.append("unavailable" if not v else "%s / %s / %s" % (
                mb(v["rss_growth_bytes"]), mb(v["bytes_held_peak"]), mev(v["events_per_cpu_sec"])))
        md.append("| %s | %s | %s |" % (e["trace"], e.get("events", "?"), " | ".join(cells)))
    md.append("")
    md.append("### The programs themselves under each allocator\n")
    md.append("Peak RSS in MB (GNU time, children included) / CPU time in s (user + system), "
              "medians; "
              "`slotslab` is `LD_PRELOAD=libslotslab-malloc.so`.\n")
    md.append("| trace | " + " | ".join(live_cols) + " |")
    md.append("|---|" + "---:|" * len(live_cols))
    for e in results:
        cells = ["unavailable" if c not in e["live"] else "%s / %s" % (
            mb(e["live"][c]["maxrss_bytes"]), sec(e["live"][c]["cpu_seconds"])) for c in live_cols]
        md.append("| %s | %s |" % (e["trace"], " | ".join(cells)))
    md.append("")
    md.append("### Goals: RSS <= %.2fx and speed >= %.2fx the best peer\n" % (RSS_GOAL, SPEED_GOAL))
    md.append("Ratios to the best peer of each trace (in brackets).  Speed: replay events per "
              "CPU second.  "
              "RSS: %s.  Held: bytes held for live blocks in the replay (usable sizes).\n" % (
                  "the replay's RSS growth (it writes a byte per page of each block), and the "
                  "live program's peak RSS (slab: libslotslab-malloc.so, which serves from it); "
                  "the goal holds if both do" if touched else
                  "the live program's peak RSS (slab: libslotslab-malloc.so, which serves from it)"))
    md.append("| trace | slab speed | slotslab-malloc speed | replay RSS (slab) | live RSS | held "
              "| slab | slotslab-malloc |")
    md.append("|---|---:|---:|---:|---:|---:|---|---|")
    verdicts = []
    for e in results:
        g = e["goals"]
        s, m = g.get("slab", {}), g.get("slotslab-malloc", {})

        def verdict(x):
            if not x:
                return "unavailable"
            return "RSS %s, speed %s" % ("met" if x["rss_met"] else "**missed**",
                                         "met" if x["speed_met"] else "**missed**")
        md.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            e["trace"], rel(s.get("speed_ratio"), s.get("speed_peer")),
            rel(m.get("speed_ratio"), m.get("speed_peer")),
            rel(s.get("replay_rss_ratio"), s.get("replay_rss_peer")) if touched else "not judged",
            rel(s.get("live_rss_ratio"), s.get("live_rss_peer")),
            rel(s.get("held_ratio"), s.get("held_peer")), verdict(s), verdict(m)))
        verdicts.append((e["trace"], s, m))
    md.append("")
    for who in ("slab", "slotslab-malloc"):
        missed = [t for t, s, m in verdicts if (s if who == "slab" else m)
                  and not ((s if who == "slab" else m)["rss_met"] and (s if who == "slab" else m)["speed_met"])]
        md.append("- %s: %s." % (who, "goals met on every trace" if not missed else
                                  "goals missed on " + ", ".join(missed)))
    md.append("")
    md += speed_faults(results)
    md += rss_accounting(results)
    md += faults_table(results, replay_cols)
    md.append("### Recording cost\n")
    md.append("Each program live under glibc and under the recording library "
              "(`libslotslab-record.so`, which passes every call on to glibc), medians; "
              "`slotslab record`'s conversion to a trace, once.\n")
    md.append("| trace | events | threads | glibc CPU s | recording CPU s | slowdown | "
              "peak RSS glibc / recording MB | conversion s | raw MB |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in results:
        r = e.get("record")
        if not r or r.get("slowdown") is None:
            continue
        md.append("| %s | %s | %s | %s | %s | %.2fx | %s / %s | %s | %s |" % (
            e["trace"], e.get("events"), e.get("threads"), sec(r["plain_seconds"]),
            sec(r["recording_seconds"]), r["slowdown"], mb(r["plain_maxrss_bytes"]),
            mb(r["recording_maxrss_bytes"]), r["conversion_seconds"], r["raw_mb"]))
    md.append("")
    md.append("revision %s; compiler: %s; CPU: %s (%s CPUs); kernel %s; config: %s" % (
        meta["revision"], meta["compiler"], meta["cpu"], meta["cpus"], meta["kernel"],
        " ".join(meta["config"]) or "defaults"))
    return "\n".join(md) + "\n", replay_cols, live_cols


def chart(results, replay_cols, live_cols, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:
        print("realtrace: matplotlib is not available: no chart", file=sys.stderr)
        return
    names = [e["trace"] for e in results]
    panels = [("replay events per CPU second / best peer (higher is better)", "replay",
               replay_cols, "events_per_cpu_sec", False),
              ("replay bytes held / best peer (lower is better)", "replay", replay_cols,
               "bytes_held_peak", True),
              ("live peak RSS / best peer (lower is better)", "live", live_cols,
               "maxrss_bytes", True)]
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.6))
    for ax, (title, kind, who, key, lower) in zip(axes, panels):
        width = 0.8 / max(1, len(who))
        for i, c in enumerate(who):
            ys = []
            for e in results:
                _, ref = best(e[kind], key, lower)
                v = e[kind].get(c, {}).get(key)
                ys.append(v / ref if v and ref else 0)
            ax.bar([x + i * width for x in range(len(names))], ys, width, label=c)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks([x + width * (len(who) - 1) / 2 for x in range(len(names))])
        ax.set_xticklabels(names, rotation=20)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, "realtrace." + ext))


PINNED_SAYS = {
    "all": "every replay ran pinned to one CPU (scripts/pin.inc)",
    "some": "the replays of one-thread traces ran pinned to one CPU, the others not",
    "none": "the replays ran unpinned",
}


def pinned_replays(runs):
    """all, some or none: the replays realtrace.sh ran pinned to one CPU."""
    flags = [bool(r.get("pinned")) for r in runs if r.get("kind") == "replay"]
    if flags and all(flags):
        return "all"
    return "some" if any(flags) else "none"


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: python3 -m slotbench.realtrace RUNS.jsonl OUT_DIR BUILD_DIR\n")
        return 2
    raw, out, build = sys.argv[1:4]
    runs = [json.loads(line) for line in open(raw) if line.strip()]
    results, touched = summarise(runs)
    prov = bl.provenance(build)
    meta = {
        "revision": prov["revision"], "compiler": prov["compiler"], "cpu": prov["cpu"],
        "cpus": prov["cpus"], "kernel": prov["kernel"], "build": build, "config": prov["config"],
        "repetitions": max([r.get("rep", 0) for r in runs] + [0]) + 1,
        "replay_touches_blocks": touched,
        "replays_pinned": pinned_replays(runs),
        "goals": {"rss": RSS_GOAL, "speed": SPEED_GOAL},
    }
    json.dump({"meta": meta, "traces": results, "runs": runs},
              open(os.path.join(out, "realtrace.json"), "w"), indent=1)
    with open(os.path.join(out, "realtrace.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace", "kind", "contender", "rss_growth_bytes", "bytes_held_peak",
                    "events_per_sec", "maxrss_bytes", "seconds", "page_faults"])
        for e in results:
            for c, v in e["replay"].items():
                w.writerow([e["trace"], "replay", c, v["rss_growth_bytes"], v["bytes_held_peak"],
                            v["events_per_sec"], "", v["seconds"],
                            "" if v["page_faults"] is None else v["page_faults"]])
            for c, v in e["live"].items():
                w.writerow([e["trace"], "live", c, "", "", "", v["maxrss_bytes"], v["seconds"], ""])
    text, replay_cols, live_cols = markdown(results, touched, meta)
    open(os.path.join(out, "realtrace.md"), "w").write(text)
    print(text)
    chart(results, replay_cols, live_cols, out)


if __name__ == "__main__":
    sys.exit(main())
