"""slotbench.report.allocbench - "Allocator benchmark": the table
scripts/allocbench.sh left in allocbench.md, and a goal per row that has one.
"""
import re


def section(ctx):
    text, found = ctx.shell_table("Allocator benchmark", "alloc", ctx.alloc, "allocbench.md")
    if not found:
        return text
    for r in ctx.alloc.get("rows", []):
        g = r.get("goal") or ""
        m = re.search(r"<=\s*([0-9.]+)", g)
        if not m:
            continue
        lim = float(m.group(1))
        if g.startswith("slab"):
            v = r["values"].get("slab")
            try:
                v = float(v)
            except (TypeError, ValueError):
                v = None
            ctx.goal("allocbench: %s" % r["measurement"], "allocbench", v, "%.2f",
                     lambda x, lim=lim: x <= lim, g)
            continue
        ctx.goal("allocbench: %s" % r["measurement"], "allocbench",
                 r.get("slab_over_best_peer"), "%.2f", lambda x, lim=lim: x <= lim, g)
        # the same goal as users get it: the installed shared library, the malloc preloaded
        for who, ratio in sorted((r.get("over_best_peer") or {}).items()):
            if who in ("slab-shared", "slotslab-malloc") and ratio is not None:
                ctx.goal("allocbench, %s: %s" % (who, r["measurement"]), "allocbench", ratio,
                         "%.2f", lambda x, lim=lim: x <= lim, g)
    return text
