"""slotbench.report.title - the summary's title and the line of provenance
under it: revision, configuration, compiler, CPU, kernel, sizes,
repetitions and the load average the replays ran under.
"""


def section(ctx):
    p = ctx.prov
    load = p.get("loadavg")
    return "\n".join([
        "# slotslab benchmark results",
        "",
        "revision %s; config %s (`%s`); compiler %s; CPU %s (%s online); kernel %s; "
        "%s; %s sizes%s, %s repetitions; load average %s when the replays ended "
        "(other processes share these CPUs: timings are only as quiet as that)." % (
            p["revision"], p.get("config_hash"), " ".join(
                c.replace("CONFIG_", "") for c in p.get("config", [])) or "defaults",
            p["compiler"], p["cpu"], p["cpus"], p["kernel"], p["date"], ctx.a.size,
            " (FULL=1)" if ctx.a.size == "full" else "", ctx.a.reps,
            "%.2f / %.2f / %.2f" % tuple(load) if load else "unavailable")])
