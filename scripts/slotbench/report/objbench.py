"""slotbench.report.objbench - "Object model micro-benchmarks": the speed
tables of `objbench --quick`'s text output.
"""
import re

from slotbench import common as bl


def parse_objbench(text):
    """The speed tables of objbench's text output, as rows."""
    rows, head = [], None
    for line in text.splitlines():
        m = re.match(r"Speed, ns per operation, (\d+) instances with (\d+) attributes", line)
        if m:
            head = (int(m.group(1)), int(m.group(2)))
            continue
        f = line.split()
        if head and len(f) >= 6 and f[1] in ("slots", "dict") and f[0] in bl.PROFILES:
            try:
                rows.append({"instances": head[0], "attrs": head[1], "profile": f[0],
                             "layout": f[1], "get_ns": float(f[2]), "set_ns": float(f[3]),
                             "set_new_ns": float(f[4]), "new_free_ns": float(f[5])})
            except ValueError:
                pass
    return rows


def section(ctx):
    out = ["## Object model micro-benchmarks (objbench --quick)", ""]
    if not ctx.objbench_text:
        out.append(ctx.part_status("objbench", False))
        return "\n".join(out)
    rows = parse_objbench(ctx.objbench_text)
    out.append("ns per operation, medians (`build/bench/objbench --quick`; the full output, "
               "bytes per attribute count included, is in objbench.txt):")
    out.append("")
    out.append(bl.mdtable(["attrs", "profile", "layout", "get", "set", "set-new", "new+free"],
                       [[r["attrs"], r["profile"], r["layout"], r["get_ns"], r["set_ns"],
                         r["set_new_ns"], r["new_free_ns"]] for r in rows]))
    return "\n".join(out)
