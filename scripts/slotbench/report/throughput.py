"""slotbench.report.throughput - "Throughput": million replayed events per
second, and the goals on churn's speed and on the share of trace decoding.
"""
from slotbench import common as bl


def section(ctx):
    text = ctx.table_by(
        "Throughput: million replayed events per second",
        lambda r: r and r.get("events_per_sec") and r["events_per_sec"] / 1e6, "%.2f",
        "Medians of the repetitions, one core, trace decoding included.")
    _goals(ctx)
    return text


def _goals(ctx):
    load = ctx.prov.get("loadavg")
    for prof in ctx.profiles:
        r = ctx.row("churn", "slots", "slotslab", prof)
        runs = [x / 1e6 for x in (r or {}).get("events_per_sec_all") or [] if x]
        why = ("median of %d runs; the fastest made %.1f M/s; load average %s: the replays "
               "share these CPUs with other processes" % (
                   len(runs), max(runs), "%.1f" % load[0] if load else "unavailable")
               if runs else "")
        ctx.goal("churn, slots, slab heap, profile %s: at least 30 M events/s on one core" % prof,
                 "replay", r["events_per_sec"] / 1e6 if r and r.get("events_per_sec") else None,
                 "%.1f M/s", lambda x: x >= 30.0, ">= 30", why)
    dec = (ctx.cg.get("decode") or {}).get("instructions_per_get")
    why = ("decoding is the replayer's (trace/bin_read.c)%s" % (
        ": %.0f instructions per get event under cachegrind" % dec if dec else ""))
    # decode_share: a decode-only pass's time over the replay pass's
    for s in ctx.replay.get("scenarios", {}):
        r = ctx.row(s, "slots", "slotslab", "native")
        shares = [x.get("decode_share") for x in ctx.rows
                  if x["scenario"] == s and x.get("decode_share") is not None]
        worst = max(shares) if shares else None
        ctx.goal("%s: trace decoding at most 15 %% of replay time (slots, slab, native; "
                 "worst contender %s)" % (s, bl.fmt(worst, "%.2f")), "replay",
                 r.get("decode_share") if r else None, "%.2f", lambda x: x <= 0.15, "<= 0.15",
                 why)
