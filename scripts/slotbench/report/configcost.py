"""slotbench.report.configcost - "Cost of build options": the table
scripts/configcost.sh left in configcost.md, and the SLAB_DEBUG goal.
"""


def section(ctx):
    text, found = ctx.shell_table("Cost of build options", "configcost", ctx.cost, "configcost.md")
    if not found:
        return text
    for r in ctx.cost.get("rows", []):
        if r["variant"] == "no-debug":
            # the base has SLAB_DEBUG compiled in: its cost is base / no-debug
            x, i = r.get("hot_ratio"), r.get("hot_instructions_ratio")
            why = ""
            if i:
                why = "instructions per hot pair %.4fx the build without it (callgrind)" % (1 / i)
            if i and abs(1 / i - 1) < 0.005:
                why += ": the same work, so the time difference is where the code lies"
            ctx.goal("SLAB_DEBUG compiled in, switched off: hot pair cost vs a build without it",
                     "configcost", 1 / x if x else None, "%.3f", lambda x: x <= 1.03, "<= 1.03",
                     why)
    return text
