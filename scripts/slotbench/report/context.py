"""slotbench.report.context - what every section of the report reads.

The parts' results as the report finds them in RESULTS/ (each may be
missing: a part that was not asked for is "not run", one that was asked
for and left nothing "failed"), lookups into them, and what the sections
add to as they are built: the goals (met, missed or unavailable, in the
order the sections are built) and the notes under the goals table.

Imports slotbench.common only.
"""
import os

from slotbench import common as bl

MAIN_PROFILE = "cpython311"


class Context(object):
    """@a: the report's arguments (results, build, size, reps, started, parts)."""

    def __init__(self, a):
        self.a = a
        d = a.results
        self.replay = bl.read_json(os.path.join(d, "replay.json")) or {}
        self.python = bl.read_json(os.path.join(d, "python.json")) or {}
        self.cg = bl.read_json(os.path.join(d, "cachegrind.json")) or {}
        self.alloc = bl.read_json(os.path.join(d, "allocbench.json"))
        self.cost = bl.read_json(os.path.join(d, "configcost.json"))
        self.real = bl.read_json(os.path.join(d, "realtrace.json"))
        ob = os.path.join(d, "objbench.txt")
        self.objbench_text = open(ob).read() if os.path.exists(ob) else None
        self.prov = self.replay.get("provenance") or bl.provenance(a.build)
        self.peers = self.replay.get("peers") or bl.peers()
        self.rows = self.replay.get("rows", [])
        self.ratios = self.replay.get("ratios", [])
        self.notes = []
        self.goals = []
        self.profiles = self.replay.get("profiles") or list(bl.PROFILES)
        self.rss_understated = 0

    def part_status(self, part, present):
        if present:
            return None
        if part in self.a.parts:
            return "failed: it left no results (see the log above)"
        return "not run (BENCH_PARTS=%s)" % " ".join(self.a.parts)

    def shell_table(self, title, part, data, name):
        """The section @title around the table a shell part left in
        RESULTS/@name, its own heading dropped; or the part's status when
        @data (its JSON) or the file is missing.  Returns (Markdown, found)."""
        out = ["## " + title, ""]
        md = os.path.join(self.a.results, name)
        if not data or not os.path.exists(md):
            out.append(self.part_status(part, False))
            return "\n".join(out), False
        with open(md) as f:
            out.append(f.read().split("\n", 2)[2].strip())
        return "\n".join(out), True

    def row(self, scen, layout, mal, prof):
        for r in self.rows:
            if (r["scenario"], r["layout"], r["malloc"], r["profile"]) == (scen, layout, mal, prof):
                return r
        return None

    def ratio(self, scen, mal, prof):
        for r in self.ratios:
            if (r["scenario"], r["malloc"], r["profile"]) == (scen, mal, prof):
                return r
        return None

    def pyrow(self, scen, runtime, layout, measure):
        for r in self.python.get("rows", []):
            if (r["scenario"], r["runtime"], r["layout"], r["measure"]) == (scen, runtime, layout, measure):
                return r
        return None

    def mallocs(self):
        return ["slotslab"] + [p["name"] for p in self.peers]

    def peer_available(self, m):
        return m == "slotslab" or any(p["name"] == m and p["available"] for p in self.peers)

    def rss_cell(self, r):
        """RSS growth per object, marked when it is below what the heap itself
        holds for the objects: the process reused memory it had touched
        before the replayer's baseline, so this RSS figure understates."""
        v = r.get("rss_delta_per_object")
        b = r.get("bytes_per_object")
        if v is not None and b and v < 0.9 * b:
            self.rss_understated += 1
            return bl.fmt(v) + " †"
        return bl.fmt(v)

    def prov_cells(self, compiler=None):
        p = self.prov
        cfg = "bench %s" % p.get("config_hash", "?")
        cc = compiler or p["compiler"].replace("cc (Debian ", "gcc (Debian ")
        return [p["revision"], cfg, cc, p["cpu"]]

    def goal(self, what, source, value, spec, ok, criterion="", why=""):
        """A goal's row; @why is shown when it is not met."""
        if value is None:
            status = "unavailable"
        else:
            status = "met" if ok(value) else "**missed**"
        self.goals.append([what, source, bl.fmt(value, spec), criterion, status,
                           why if status != "met" else ""])

    def table_by(self, title, metric, spec, note):
        """Two tables: slab heap across the profiles; allocators at MAIN_PROFILE."""
        if not self.rows:
            return "## %s\n\n%s\n" % (title, self.part_status("replay", False))
        scens = [s for s in self.replay["scenarios"]]
        out = ["## %s" % title, "", note, ""]
        head = ["scenario", "layout"] + ["slab, %s" % p for p in self.profiles]
        rows = []
        for s in scens:
            for l in bl.LAYOUTS:
                cells = [metric(self.row(s, l, "slotslab", p)) for p in self.profiles]
                if all(c is None for c in cells) and l == "declared":
                    continue
                rows.append([s, l] + [bl.fmt(c, spec) for c in cells])
        out += [bl.mdtable(head, rows), ""]
        prof = MAIN_PROFILE if MAIN_PROFILE in self.profiles else self.profiles[0]
        head = ["scenario", "layout"] + ["%s" % m for m in self.mallocs()]
        rows = []
        for s in scens:
            for l in bl.LAYOUTS:
                cells = [metric(self.row(s, l, m, prof)) if self.peer_available(m) else None
                         for m in self.mallocs()]
                if all(c is None for c in cells) and l == "declared":
                    continue
                rows.append([s, l] + [bl.fmt(c, spec) for c in cells])
        out += ["By allocator, profile %s:" % prof, "", bl.mdtable(head, rows), ""]
        dd = [s for s, v in self.replay["scenarios"].items() if v.get("declared_is_dict")]
        if dd:
            out.append("`declared` is the `dict` layout for %s (every class in those traces is a "
                       "dict class), so it is not replayed twice." % ", ".join(dd))
        return "\n".join(out)
