"""slotbench.report.cachegrind - "Cache misses": hardware counters where the
replays had them, else what slotbench.cachegrind simulated.
"""
from slotbench import common as bl


def section(ctx):
    out = ["## Cache misses", ""]
    hw = [r for r in ctx.rows if (r.get("counters") or {}).get("source") == "perf"]
    if hw:
        out.append("Hardware counters (source `perf`), medians:")
        out.append("")
        out.append(bl.mdtable(["scenario", "layout", "malloc", "profile", "cache misses",
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
    if ctx.cg.get("unavailable"):
        out.append("cachegrind: %s." % ctx.cg["unavailable"])
        return "\n".join(out)
    if not ctx.cg:
        out.append("cachegrind: %s." % ctx.part_status("cachegrind", False))
        return "\n".join(out)
    cfg = ctx.cg.get("cache_config", {})
    out.append("player at %s players (%s gets of `level`, the read phase), simulated caches %s "
               "(from %s).  Per attribute read: the run's misses less those of the same trace "
               "without its gets, divided by the gets.  D1 and LL are data misses, reads and "
               "writes.  At this size the objects fit the simulated LL, so its misses are mostly "
               "compulsory and understate a million players'; `FULL=1` simulates 500,000 "
               "players, past a 32 MiB LL." % (
                   "{:,}".format(ctx.cg.get("objects", 0)), "{:,}".format(ctx.cg.get("gets") or 0),
                   ", ".join("%s %d KiB %d-way %d B lines" % (k, cfg[k][0] // 1024, cfg[k][1],
                                                              cfg[k][2])
                             for k in ("D1", "LL") if k in cfg) or "Valgrind's defaults",
                   cfg.get("from", "?")))
    out.append("")
    rows = []
    for r in ctx.cg.get("rows", []):
        rows.append([r["layout"], r["malloc"], r["profile"], bl.fmt(r.get("d1_misses"), "%.0f"),
                     bl.fmt(r.get("ll_misses"), "%.0f"), bl.fmt(r.get("instructions"), "%.0f"),
                     bl.fmt(r.get("d1_misses_per_get"), "%.2f"),
                     bl.fmt(r.get("ll_misses_per_get"), "%.3f"),
                     bl.fmt(r.get("instructions_per_get"), "%.0f"),
                     "cachegrind" if r.get("unavailable") is None else r["unavailable"]])
    dec = ctx.cg.get("decode") or {}
    if dec:
        rows.append(["(decode only)", "-", "-", bl.fmt(dec.get("d1_misses"), "%.0f"),
                     bl.fmt(dec.get("ll_misses"), "%.0f"), bl.fmt(dec.get("instructions"), "%.0f"),
                     bl.fmt(dec.get("d1_misses_per_get"), "%.2f"),
                     bl.fmt(dec.get("ll_misses_per_get"), "%.3f"),
                     bl.fmt(dec.get("instructions_per_get"), "%.0f"),
                     "cachegrind" if not dec.get("unavailable") else dec["unavailable"]])
    out.append(bl.mdtable(["layout", "malloc", "profile", "D1 misses", "LL misses", "instructions",
                        "D1 misses / get", "LL misses / get", "instructions / get", "source"],
                       rows))
    out.append("")
    out.append("The last row is `slotslab replay --decode-only` of the same two traces: the part "
               "of each get's figures that is reading the event from the trace.")
    return "\n".join(out)
