"""slotbench.report.chart_links - "Charts": links to the charts
slotbench.report.charts drew (its PNGs; the SVGs lie beside them).
"""
import os


def section(ctx, charts):
    out = ["## Charts", ""]
    out += ["- [%s](%s)" % (os.path.basename(c), os.path.basename(c)) for c in charts
            if c.endswith(".png")]
    out.append("")
    out.append("Every figure is also in bench.csv and bench.json; a figure that could not be "
               "measured says `unavailable` (null in JSON), never 0.")
    return "\n".join(out)
