"""slotbench.report.realtrace - "Real programs": what scripts/realtrace.sh left
in realtrace.md, and the RSS and speed goals per trace.
"""
import os


def section(ctx):
    md = os.path.join(ctx.a.results, "realtrace.md")
    if not ctx.real or not os.path.exists(md):
        return "## Real programs\n\n" + ctx.part_status("realtrace", False)
    for e in ctx.real.get("traces", []):
        g = (e.get("goals") or {}).get("slab") or {}
        ctx.goal("real trace %s: slab peak RSS at most 1.05x the best peer" % e["trace"],
                 "realtrace", g.get("rss_ratio", g.get("replay_rss_ratio")), "%.2f",
                 lambda x: x <= 1.05, "<= 1.05")
        ctx.goal("real trace %s: slab throughput at least 0.9x the best peer" % e["trace"],
                 "realtrace", g.get("speed_ratio"), "%.2f", lambda x: x >= 0.9, ">= 0.90")
    return open(md).read().strip()
