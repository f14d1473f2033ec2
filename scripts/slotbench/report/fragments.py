"""slotbench.report.fragments - the sections other parts of `make bench`
write themselves.

The contract for a new part: it writes RESULTS/<part>.json (with
slotbench.common.provenance()) and one Markdown fragment
RESULTS/sections/<NN>-<part>.md, a single `## Heading` section; the
summary includes every fragment after its own sections, in name order
(NN orders them).  A fragment is included as it is, but for the white
space around it.
"""
import os

DIR = "sections"


def paths(results):
    """The fragments in @results/sections, in name order."""
    d = os.path.join(results, DIR)
    if not os.path.isdir(d):
        return []
    return [os.path.join(d, n) for n in sorted(os.listdir(d))
            if n.endswith(".md") and os.path.isfile(os.path.join(d, n))]


def sections(ctx):
    """The text of every fragment, in name order."""
    out = []
    for p in paths(ctx.a.results):
        with open(p) as f:
            text = f.read().strip()
        if text:
            out.append(text)
    return out
