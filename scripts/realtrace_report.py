#!/usr/bin/python3
"""realtrace_report.py - the tables, JSON and chart of scripts/realtrace.sh.

    realtrace_report.py RUNS.jsonl OUT_DIR BUILD_DIR

Reads every run realtrace.sh logged (one JSON object per line: kind
record, replay or live), takes medians per trace and contender, compares
the slab heap with the best peer (glibc, jemalloc, mimalloc, tcmalloc) and
writes OUT_DIR/realtrace.{json,csv,md} and, with matplotlib,
OUT_DIR/realtrace.{png,svg}.  The markdown is printed as well.

RSS figures from a replay are its rss_peak_bytes: the peak RSS less the
baseline taken just before the measured pass (what the replayed
allocations grew the process by); a replay that does not write its blocks
(no --touch) leaves untouched memory out of RSS, which the table says.  Live figures are the programs' own peak
RSS (GNU time, children included) and wall time.
"""
import csv
import json
import os
import platform
import statistics
import subprocess
import sys

PEERS = ["glibc", "jemalloc", "mimalloc", "tcmalloc"]
RSS_GOAL = 1.05
SPEED_GOAL = 0.90


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def run(cmd):
    try:
        return subprocess.check_output(cmd, text=True, stderr=subprocess.DEVNULL).strip()
    except Exception:
        return "unknown"


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def fmt_mb(b):
    return "unavailable" if b is None else "%.1f" % (b / 1e6)


def fmt_rate(r):
    return "unavailable" if r is None else "%.2f" % (r / 1e6)


def ratio(a, b):
    return None if a is None or not b else a / b


def main():
    raw, out, build = sys.argv[1:4]
    runs = [json.loads(line) for line in open(raw) if line.strip()]
    traces = []
    for r in runs:
        if r["trace"] not in traces:
            traces.append(r["trace"])
    records = {r["trace"]: r for r in runs if r["kind"] == "record"}
    replays = [r for r in runs if r["kind"] == "replay"]
    lives = [r for r in runs if r["kind"] == "live"]
    contenders = []
    for r in replays:
        if r["contender"] not in contenders:
            contenders.append(r["contender"])
    live_names = []
    for r in lives:
        if r["contender"] not in live_names:
            live_names.append(r["contender"])
    touched = all(r.get("touch") for r in replays)

    results = []
    for t in traces:
        entry = {"trace": t, "replay": {}, "live": {}}
        rec = records.get(t)
        if rec:
            info = rec["info"]
            entry["events"] = info["events"]
            entry["threads"] = len(info["threads"])
            entry["blocks_peak"] = info["blocks_peak"]
            entry["header"] = info["header"].splitlines()[:2]
            entry["record"] = {
                "plain_seconds": rec["plain_seconds"],
                "recorded_seconds": rec.get("recorded_seconds"),
                "conversion_seconds": rec.get("conversion_seconds"),
                "raw_mb": rec.get("raw_mb"),
                "slowdown": ratio(rec.get("recorded_seconds"), rec["plain_seconds"]),
            }
        for c in contenders:
            rs = [r["result"] for r in replays if r["trace"] == t and r["contender"] == c]
            if not rs:
                continue
            entry["replay"][c] = {
                "runs": len(rs),
                "malloc": rs[0].get("malloc"),
                "rss_growth_bytes": med([x["rss_peak_bytes"] for x in rs]),
                "bytes_held_peak": med([x["bytes_footprint_peak"] for x in rs]),
                "bytes_requested_peak": med([x["bytes_requested_peak"] for x in rs]),
                "events_per_sec": med([x["events_per_sec"] for x in rs]),
                "seconds": med([x["seconds"] for x in rs]),
            }
        for c in live_names:
            ls = [r for r in lives if r["trace"] == t and r["contender"] == c]
            if ls:
                entry["live"][c] = {
                    "runs": len(ls),
                    "maxrss_bytes": med([x["maxrss_kb"] * 1024 for x in ls]),
                    "seconds": med([x["seconds"] for x in ls]),
                }
        # Goals: slab against the best peer of this trace.
        rp = entry["replay"]
        peers = [p for p in PEERS if p in rp]
        goal = {}
        if "slab" in rp and peers:
            best_rss = min(peers, key=lambda p: rp[p]["rss_growth_bytes"])
            best_rate = max(peers, key=lambda p: rp[p]["events_per_sec"])
            rss_r = ratio(rp["slab"]["rss_growth_bytes"], rp[best_rss]["rss_growth_bytes"])
            rate_r = ratio(rp["slab"]["events_per_sec"], rp[best_rate]["events_per_sec"])
            held_best = min(peers, key=lambda p: rp[p]["bytes_held_peak"])
            goal = {
                "rss_best_peer": best_rss, "rss_ratio": rss_r,
                "rss_met": rss_r is not None and rss_r <= RSS_GOAL,
                "speed_best_peer": best_rate, "speed_ratio": rate_r,
                "speed_met": rate_r is not None and rate_r >= SPEED_GOAL,
                "held_best_peer": held_best,
                "held_ratio": ratio(rp["slab"]["bytes_held_peak"], rp[held_best]["bytes_held_peak"]),
            }
        lv = entry["live"]
        lpeers = [p for p in PEERS if p in lv]
        if "slotslab" in lv and lpeers:
            b = min(lpeers, key=lambda p: lv[p]["maxrss_bytes"])
            f = min(lpeers, key=lambda p: lv[p]["seconds"])
            goal["live_rss_best_peer"] = b
            goal["live_rss_ratio"] = ratio(lv["slotslab"]["maxrss_bytes"], lv[b]["maxrss_bytes"])
            goal["live_time_best_peer"] = f
            goal["live_time_ratio"] = ratio(lv["slotslab"]["seconds"], lv[f]["seconds"])
        entry["goals"] = goal
        results.append(entry)

    meta = {
        "revision": run(["git", "rev-parse", "--short", "HEAD"]),
        "compiler": run(["cc", "--version"]).splitlines()[0],
        "cpu": cpu(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "build": build,
        "config": [l.strip() for l in open(os.path.join(build, ".config"))
                   if l.startswith("CONFIG_")] if os.path.exists(os.path.join(build, ".config")) else [],
        "repetitions": max([r.get("rep", 0) for r in runs] + [0]) + 1,
        "replay_touches_blocks": touched,
        "goals": {"rss": "slab RSS growth <= %.2fx best peer" % RSS_GOAL,
                  "speed": "slab events/s >= %.2fx best peer" % SPEED_GOAL},
    }
    json.dump({"meta": meta, "traces": results, "runs": runs},
              open(os.path.join(out, "realtrace.json"), "w"), indent=1)

    with open(os.path.join(out, "realtrace.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["trace", "kind", "contender", "rss_growth_bytes", "bytes_held_peak",
                    "events_per_sec", "maxrss_bytes", "seconds"])
        for e in results:
            for c, v in e["replay"].items():
                w.writerow([e["trace"], "replay", c, v["rss_growth_bytes"], v["bytes_held_peak"],
                            v["events_per_sec"], "", v["seconds"]])
            for c, v in e["live"].items():
                w.writerow([e["trace"], "live", c, "", "", "", v["maxrss_bytes"], v["seconds"]])

    md = []
    md.append("## Real programs: recorded traces replayed on each heap\n")
    md.append("Traces recorded on this machine with `slotslab record` (`results/realtrace/*.bin`); "
              "each replayed on the slab heap (`replay --heap slab`) and on glibc, jemalloc, "
              "mimalloc and tcmalloc (`--heap libc` under `LD_PRELOAD`).  RSS: peak growth of the "
              "replaying process, MB; held: bytes the heap held for live blocks at the peak "
              "(usable sizes), MB; speed: million events per second.  Medians of %d runs, "
              "contenders rotated.\n" % meta["repetitions"])
    if not touched:
        md.append("**Caveat:** this `slotslab replay` does not write the blocks it allocates, so "
                  "its RSS leaves out memory no allocator wrote: it flatters allocators that keep "
                  "no header in the block (slab).  The live table below, where the programs "
                  "write their own memory, is the fair footprint comparison.\n")
    cols = [c for c in contenders]
    md.append("| trace | events | " + " | ".join("%s RSS / held / speed" % c for c in cols) +
              " | slab RSS / best peer | slab speed / best peer | goals |")
    md.append("|---|---:|" + "---:|" * len(cols) + "---:|---:|---|")
    for e in results:
        cells = []
        for c in cols:
            v = e["replay"].get(c)
            cells.append("unavailable" if not v else "%s / %s / %s" % (
                fmt_mb(v["rss_growth_bytes"]), fmt_mb(v["bytes_held_peak"]),
                fmt_rate(v["events_per_sec"])))
        g = e["goals"]
        if g.get("rss_ratio") is not None:
            rr = "%.2f (%s)" % (g["rss_ratio"], g["rss_best_peer"])
            sr = "%.2f (%s)" % (g["speed_ratio"], g["speed_best_peer"])
            verdict = "RSS %s, speed %s" % ("met" if g["rss_met"] else "**missed**",
                                           "met" if g["speed_met"] else "**missed**")
        else:
            rr = sr = verdict = "unavailable"
        md.append("| %s | %s | %s | %s | %s | %s |" % (e["trace"], e.get("events", "?"),
                                                   " | ".join(cells), rr, sr, verdict))
    md.append("")
    md.append("### The programs themselves under each allocator (LD_PRELOAD)\n")
    md.append("Peak RSS (MB, GNU time, children included) and wall time (s) of each program, "
              "slotslab being `libslotslab-malloc.so`.\n")
    md.append("| trace | " + " | ".join("%s RSS / s" % c for c in live_names) +
              " | slotslab RSS / best peer | slotslab time / best peer |")
    md.append("|---|" + "---:|" * len(live_names) + "---:|---:|")
    for e in results:
        cells = []
        for c in live_names:
            v = e["live"].get(c)
            cells.append("unavailable" if not v else "%s / %.2f" % (fmt_mb(v["maxrss_bytes"]), v["seconds"]))
        g = e["goals"]
        lr = ("%.2f (%s)" % (g["live_rss_ratio"], g["live_rss_best_peer"])
              if g.get("live_rss_ratio") is not None else "unavailable")
        lt = ("%.2f (%s)" % (g["live_time_ratio"], g["live_time_best_peer"])
              if g.get("live_time_ratio") is not None else "unavailable")
        md.append("| %s | %s | %s | %s |" % (e["trace"], " | ".join(cells), lr, lt))
    md.append("")
    md.append("### Recording cost\n")
    md.append("| trace | events | threads | plain s | under `slotslab record` s | slowdown | "
              "conversion s | raw MB |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for e in results:
        r = e.get("record")
        if not r:
            continue
        md.append("| %s | %s | %s | %.2f | %s | %s | %s | %s |" % (
            e["trace"], e.get("events"), e.get("threads"), r["plain_seconds"],
            r["recorded_seconds"], "%.2fx" % r["slowdown"] if r["slowdown"] else "?",
            r["conversion_seconds"], r["raw_mb"]))
    md.append("")
    missed = [e["trace"] for e in results
              if e["goals"] and not (e["goals"].get("rss_met") and e["goals"].get("speed_met"))]
    md.append("Goals: slab RSS growth <= %.2fx and events/s >= %.2fx the best peer, per trace: %s." % (
        RSS_GOAL, SPEED_GOAL, "met on every trace" if not missed else
        "missed on " + ", ".join(missed) + " (see the note in malloc/README.md)"))
    md.append("")
    md.append("revision %s; compiler: %s; CPU: %s (%s CPUs); kernel %s; config: %s" % (
        meta["revision"], meta["compiler"], meta["cpu"], meta["cpus"], meta["kernel"],
        " ".join(meta["config"]) or "defaults"))
    text = "\n".join(md) + "\n"
    open(os.path.join(out, "realtrace.md"), "w").write(text)
    print(text)
    chart(results, contenders, live_names, out)


def chart(results, contenders, live_names, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:
        print("realtrace: matplotlib not available, no chart", file=sys.stderr)
        return
    names = [e["trace"] for e in results]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    panels = [
        ("replay: RSS growth / best peer (lower is better)", "replay", contenders,
         lambda v: v["rss_growth_bytes"], min),
        ("replay: events/s / best peer (higher is better)", "replay", contenders,
         lambda v: v["events_per_sec"], max),
        ("live: peak RSS / best peer (lower is better)", "live", live_names,
         lambda v: v["maxrss_bytes"], min),
    ]
    width = 0.8 / max(1, len(contenders))
    for ax, (title, kind, who, get, best) in zip(axes, panels):
        for i, c in enumerate(who):
            ys = []
            for e in results:
                vals = {p: get(v) for p, v in e[kind].items() if p in PEERS and get(v)}
                ref = best(vals.values()) if vals else None
                v = e[kind].get(c)
                ys.append(get(v) / ref if v and ref and get(v) is not None else 0)
            ax.bar([x + i * width for x in range(len(names))], ys, width, label=c)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks([x + width * (len(who) - 1) / 2 for x in range(len(names))])
        ax.set_xticklabels(names, rotation=20)
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=8)
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, "realtrace." + ext))


if __name__ == "__main__":
    main()
