"""slotbench.report - gather the parts' results into RESULTS/bench.json,
RESULTS/bench.csv and RESULTS/summary.md, and draw the charts.

usage: python3 -m slotbench.report [--results DIR] [--build DIR]
           [--size NAME] [--reps N] [--started EPOCH] [--parts LIST] [--quiet]

Reads what the parts left in DIR (each may be missing: a part that was not
asked for is "not run", one that was asked for and left nothing "failed"):
  replay.json      slotbench.suite: replays, ratios, sweep
  python.json      slotbench.pythons: CPython and PyPy
  cachegrind.json  slotbench.cachegrind
  allocbench.json, allocbench.md    scripts/allocbench.sh
  configcost.json, configcost.md    scripts/configcost.sh
  objbench.txt     build/objbench --quick
  realtrace.json, realtrace.md      scripts/realtrace.sh
  sections/*.md    the fragments other parts write (report/fragments.py)
then writes bench.json (everything, with the provenance), bench.csv (one row
per measurement; a figure that could not be measured is "unavailable"),
the charts (slotbench.report.charts) and summary.md, which opens with the
seeds' headline, ends its own sections with the goals, met or missed, and
the charts, and then includes every fragment in name order.  Prints
summary.md unless --quiet.  Exit status 0, or 1 when bench.json cannot be
written.

One module a section of summary.md; SECTIONS is their order, which is
also the order they add their goals in.  Each section(ctx) returns its
Markdown and may add goals and notes to the Context.
"""
from slotbench.report import (allocbench, cachegrind, configcost, footprint, headline,
                              objbench, pythons, realtrace, throughput)

PARTS = ("replay", "python", "cachegrind", "alloc", "configcost", "objbench", "realtrace")
SECTIONS = (headline, allocbench, configcost, objbench, realtrace, footprint, throughput,
            cachegrind, pythons)
