"""slotbench.report.pythons - "CPython and PyPy side by side": the same
scenarios in real interpreters beside the model, the attribute sweep
against real CPython 3.11, and seed 004's figures for CPython 2.x.
"""
from slotbench import common as bl
from slotbench.report.context import MAIN_PROFILE


def section(ctx):
    out = ["## CPython and PyPy side by side", ""]
    if not ctx.python:
        out.append(ctx.part_status("python", False))
        return "\n".join(out)
    interp = ctx.python.get("interpreters", [])
    out.append("Interpreters: " + "; ".join(
        "%s (%s)" % (i.get("version") or i["runtime"], i["executable"]) if i["available"]
        else "%s: unavailable (%s not installed)" % (i["runtime"], i["executable"])
        for i in interp) + ".  Same generator and seed as the C replays, at the sizes in "
        "`scripts/slotbench/scenarios.py` (myclass at the seeds' 262,144).  B/obj: CPython "
        "tracemalloc, PyPy its GC's accounting (gc.get_stats() after a collection); RSS: "
        "growth per object in a separate run.  The model column is slotslab's replay, "
        "profile %s, slab heap, at the C replay sizes." % MAIN_PROFILE)
    out.append("")
    head = ["scenario", "layout", "CPython B/obj", "CPython RSS B/obj", "PyPy B/obj",
            "PyPy RSS B/obj", "model B/obj", "model RSS B/obj", "CPython errors/obj",
            "model errors/obj"]
    avail = {i["runtime"]: i["available"] for i in interp}
    rows = []

    def cell(r, key, runtime):
        if r:
            return bl.fmt(r.get(key))
        return "-" if avail.get(runtime) else "unavailable"

    def per_obj(n, r):
        return bl.fmt(bl.ratio(n, r.get("objects_peak")) if n is not None else None, "%.3f")
    for s in ctx.python.get("scenarios", {}):
        for l in bl.LAYOUTS:
            c, cr = ctx.pyrow(s, "cpython", l, "tracemalloc"), ctx.pyrow(s, "cpython", l, "rss")
            p, pr = ctx.pyrow(s, "pypy", l, "gcstats"), ctx.pyrow(s, "pypy", l, "rss")
            m = ctx.row(s, l, "slotslab", MAIN_PROFILE)
            if not any((c, cr, p, pr)):
                continue
            rows.append([s, l, cell(c, "bytes_per_object", "cpython"),
                         cell(cr, "rss_delta_per_object", "cpython"),
                         cell(p, "bytes_per_object", "pypy"),
                         cell(pr, "rss_delta_per_object", "pypy"),
                         bl.fmt(m and m["bytes_per_object"]),
                         bl.fmt(m and m.get("rss_delta_per_object")),
                         per_obj(sum(c["errors"].values()), c) if c else "unavailable",
                         per_obj(m.get("errors_total"), m) if m else "unavailable"])
    out.append(bl.mdtable(head, rows))
    out.append("")
    out.append("`-`: not measured in this run.  Errors are attribute errors (AttributeError or "
               "TypeError in Python) per object at the peak, the sizes being different; the "
               "trace headers predict them for `declared`.  Where they differ, the two "
               "runtimes differ: CPython refuses weak references to variable-size instances "
               "(tuple subclasses), PyPy takes weak references to slotted objects that "
               "CPython refuses.  PyPy's RSS growth (myclass and player only) includes its "
               "JIT's code and GC arenas.")
    out.append("")
    out.append(_sweep_table(ctx))
    return "\n".join(out)


def _sweep_table(ctx):
    ref = {r["attrs"]: r for r in bl.reference_points()}
    py = {(r["attrs"], r["layout"]): r["bytes_per_object"]
          for r in ctx.python.get("sweep", []) if r["runtime"] == "cpython"}
    sw = {(r["attrs"], r["layout"], r["heap"], r["profile"]): r
          for r in ctx.replay.get("sweep", [])}
    points = set(a for a, _ in py) | set(k[0] for k in sw)
    attrs = sorted(points | set(ref))
    if not points:
        return ""
    out = ["Attribute sweep (seed 004), bytes per object: real CPython 3.11 against the model's "
           "profile cpython311 (requested bytes, as tracemalloc counts them); `-`: not one of "
           "this run's sweep points.", ""]
    rows = []
    dev = []
    for a in attrs:
        cells = [a]
        for lay in ("slots", "dict"):
            real = py.get((a, lay))
            refv = ref.get(a, {}).get(lay)
            m = sw.get((a, lay, "slab", "cpython311"))
            mv = m.get("requested_per_object") if m else None
            for target in (real, refv):
                if target and mv is not None:
                    dev.append(abs(mv - target) / target)
            here = a in points
            cells += [bl.fmt(real) if here else "-", bl.fmt(refv, "%.0f") if refv else "-",
                      bl.fmt(mv) if here else "-"]
        rows.append(cells)
    out.append(bl.mdtable(["attrs", "slots: CPython here", "slots: reference", "slots: model",
                        "dict: CPython here", "dict: reference", "dict: model"], rows))
    out += ["", _seed004(ctx, sw)]
    ctx.goal("profile cpython311 tracks real CPython 3.11 (sweep, every point measured "
             "here and in the reference CSV)", "replay + CPython",
             max(dev) * 100 if dev else None, "%.1f %% worst",
             lambda x: x <= 5.0, "within 5 % (tests/objects/test_object_fidelity.c)")
    return "\n".join(out)


def _seed004(ctx, sw):
    """Seed 004's figures for CPython 2.x, against the cpython27 profile."""
    def curve(layout):
        return sorted((k[0], v.get("requested_per_object")) for k, v in sw.items()
                      if k[1] == layout and k[2] == "slab" and k[3] == "cpython27"
                      and v.get("requested_per_object") is not None)
    d, s = curve("dict"), dict(curve("slots"))
    if not d or not s:
        return ""
    jumps = ["%d -> %d" % (a, b) for (a, x), (b, y) in zip(d, d[1:]) if y > 1.5 * x and a > 0]
    one = dict(d).get(1)
    # a dict instance less a slot instance, both with one attribute: the
    # dict and its pointer, in 8-byte slots
    equal = (one - s[1]) / 8 if one is not None and 1 in s else None
    ctx.goal("seed 004, CPython 2.x: a dict grows past 5 and past 21 entries (cpython27 "
             "profile's dict curve jumps at %s)" % (", ".join(jumps) or "no point"),
             "replay", float(len([j for j in jumps if j.startswith(("5 ", "21 "))])),
             "%.0f of 2", lambda x: x == 2, "5 -> 6 and 21 -> 22")
    ctx.goal("seed 004, CPython 2.x: about 35 or 36 slots cost as much as an instance dict "
             "(cpython27, a 1-attribute instance)", "replay", equal, "%.1f",
             lambda x: 35 <= x <= 36, "35-36")
    return ("Seed 004 (CPython 2.x) against the cpython27 profile: its dict curve jumps "
            "between %s attributes (seed: 'the breakpoints ... are 5 entries and 21 entries'); "
            "an instance dict with one attribute costs as much as %s slots (seed: 'about 35 "
            "or 36 attributes taking as much memory as an empty instance dictionary')."
            % (", ".join(jumps) or "no sweep points", bl.fmt(equal, "%.1f")))
