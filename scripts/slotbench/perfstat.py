"""slotbench.perfstat - the table and JSON of scripts/perf-suite.sh.

    python3 -m slotbench.perfstat RAW OUT_DIR EVENTS

RAW holds perf-suite.sh's lines "RUN,value,unit,event" (perf stat -x,
output, the run's name first); EVENTS is the comma-separated list asked
of perf.  Writes OUT_DIR/perf.md (the table, printed as well) and
OUT_DIR/perf.json.  A counter perf could not count is reported as what
perf said (`not supported`, `not counted`), never as 0.

Imports slotbench.common only.
"""
import os
import sys

from slotbench import common as bl


def parse(lines):
    """{run: {event: {value, unit, why}}} and the runs in order."""
    rows, order = {}, []
    for line in lines:
        name, value, unit, event = (line.rstrip("\n").split(",") + ["", "", "", ""])[:4]
        if name not in rows:
            rows[name] = {}
            order.append(name)
        if value.startswith("<"):
            v, why = None, value.strip("<>")
        else:
            try:
                v, why = float(value), None
            except ValueError:
                v, why = None, value
        rows[name][event] = {"value": v, "unit": unit or None, "why": why}
    return rows, order


def cell(c):
    if c is None:
        return bl.UNAVAILABLE
    if c["value"] is None:
        return c["why"] or bl.UNAVAILABLE
    unit = " " + c["unit"] if c["unit"] else ""
    return ("%.0f" if c["value"] >= 100 else "%.2f") % c["value"] + unit


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: python3 -m slotbench.perfstat RAW OUT_DIR EVENTS\n")
        return 2
    raw, out, events = argv[0], argv[1], argv[2].split(",")
    with open(raw) as f:
        rows, order = parse(f)
    unsupported = sorted({e for r in rows.values() for e, c in r.items() if c["value"] is None})
    table = bl.mdtable(["run"] + events, [[n] + [cell(rows[n].get(e)) for e in events]
                                          for n in order])
    md = "## perf stat\n\n" + table + "\n\n"
    if unsupported:
        md += ("Not supported on this machine (perf says so; shown as such, never as 0): %s.  "
               "slotbench.cachegrind measures cache misses by simulation instead.\n"
               % ", ".join(unsupported))
    else:
        md += "Every requested counter was counted.\n"
    with open(os.path.join(out, "perf.md"), "w") as f:
        f.write(md)
    bl.write_json(os.path.join(out, "perf.json"), {
        "events": events, "runs": [{"run": n, "counters": rows[n]} for n in order],
        "unsupported": unsupported})
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
