"""python3 -m slotbench.report: see slotbench/report/__init__.py."""
import os
import subprocess
import sys
import time

from slotbench import common as bl
from slotbench import report
from slotbench.report import chart_links, fragments, goals, outputs, title
from slotbench.report.context import Context


def notes(ctx):
    """The notes every run may carry: missing peers, reduced sizes."""
    for p in ctx.peers:
        if not p["available"]:
            ctx.notes.append("%s is not installed (%s): its rows say unavailable "
                             "(`scripts/install-deps.sh bench` installs it)."
                             % (p["name"], p["library"]))
    if ctx.a.size != "full":
        ctx.notes.append("Sizes are reduced (`%s`); `FULL=1 make bench` replays docs/DESIGN.md's "
                         "full sizes." % ctx.a.size)


def draw_charts(ctx):
    """The charts' files; drawn in a child, so that a plotting failure
    leaves the report whole (with a note)."""
    env = dict(os.environ)
    pkg_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if env.get("PYTHONPATH"):
        pkg_parent += os.pathsep + env["PYTHONPATH"]
    env["PYTHONPATH"] = pkg_parent
    charts = subprocess.run([sys.executable, "-m", "slotbench.report.charts",
                             "--results", ctx.a.results],
                            stdout=subprocess.PIPE, universal_newlines=True, env=env)
    if charts.returncode != 0:
        ctx.notes.append("the charts could not be drawn (slotbench.report.charts exit %d; "
                         "see the log)" % charts.returncode)
    return charts.stdout.split()


def summary(ctx, texts, charts):
    """summary.md: the title, the sections, the goals, the charts, then the
    fragments, a blank line between any two."""
    parts = [title.section(ctx)] + texts + [goals.section(ctx), chart_links.section(ctx, charts)]
    parts += fragments.sections(ctx)
    return "\n\n".join(parts) + "\n"


def main():
    ap = bl.argparser("report", report.__doc__)
    ap.add_argument("--results", default="results")
    ap.add_argument("--build", default="build/bench", help="the build whose .config is reported")
    ap.add_argument("--size", default="default")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--started", type=float, default=None, help="when the suite started (epoch s)")
    ap.add_argument("--parts", default=" ".join(report.PARTS))
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    a.parts = a.parts.split()
    ctx = Context(a)
    if a.reps is None:
        a.reps = ctx.replay.get("repetitions")
    texts = [s.section(ctx) for s in report.SECTIONS]
    notes(ctx)
    if a.started:
        took = time.time() - a.started
        ctx.goal("make bench (default sizes) takes at most 5 minutes on 2 cores", "bench.sh",
                 took / 60, "%.1f min", lambda x: x <= 5.0 or a.size != "default", "<= 5 min")
    try:
        bl.write_json(os.path.join(a.results, "bench.json"), outputs.bench_json(ctx, []))
        outputs.write_csv(ctx, os.path.join(a.results, "bench.csv"))
    except OSError as e:
        bl.note("report: %s" % e)
        return 1
    chart_files = draw_charts(ctx)
    bl.write_json(os.path.join(a.results, "bench.json"), outputs.bench_json(ctx, chart_files))
    text = summary(ctx, texts, chart_files)
    tmp = os.path.join(a.results, "summary.md.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(a.results, "summary.md"))
    if not a.quiet:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
