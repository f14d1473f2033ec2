"""slotbench.report.goals - "Goals": every goal the sections set (docs/DESIGN.md,
issue 4), met, missed or unavailable, then the notes.  Built after every
other section, since they add the goals and notes it lists.
"""
from slotbench import common as bl


def section(ctx):
    out = ["## Goals (docs/DESIGN.md, issue 4)", ""]
    out.append(bl.mdtable(["goal", "source", "figure", "criterion", "status", "note"], ctx.goals))
    missed = [g for g in ctx.goals if g[4] != "met"]
    if missed:
        out.append("")
        out.append("%d of %d goals are missed or unavailable; the figures above are what this "
                   "machine measured, not adjusted." % (len(missed), len(ctx.goals)))
    if ctx.rss_understated:
        ctx.notes.append("%d RSS figures in the headline are below the heap's own accounting "
                         "(marked †): reported as measured, and explained there."
                         % ctx.rss_understated)
    if ctx.notes:
        out += ["", "Notes:", ""] + ["- " + n for n in ctx.notes]
    return "\n".join(out)
