"""slotbench.report.realtrace - "Real programs": what scripts/realtrace.sh left
in realtrace.md, and the RSS and speed goals per trace.
"""
import os

from slotbench.realtrace import RSS_GOAL, SPEED_GOAL


def section(ctx):
    md = os.path.join(ctx.a.results, "realtrace.md")
    if not ctx.real or not os.path.exists(md):
        return "## Real programs\n\n" + ctx.part_status("realtrace", False)
    limits = ctx.real.get("goals") or {}
    rss_goal, speed_goal = limits.get("rss", RSS_GOAL), limits.get("speed", SPEED_GOAL)
    for e in ctx.real.get("traces", []):
        g = (e.get("goals") or {}).get("slab") or {}
        ctx.goal("real trace %s: slab peak RSS at most %.2fx the best peer" % (e["trace"], rss_goal),
                 "realtrace", g.get("rss_ratio", g.get("replay_rss_ratio")), "%.2f",
                 lambda x: x <= rss_goal, "<= %.2f" % rss_goal)
        ctx.goal("real trace %s: slab throughput at least %.2fx the best peer" % (e["trace"], speed_goal),
                 "realtrace", g.get("speed_ratio"), "%.2f", lambda x: x >= speed_goal,
                 ">= %.2f" % speed_goal)
    return open(md).read().strip()
