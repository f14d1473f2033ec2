#!/usr/bin/python3
"""slotbench.cachegrind - cache misses from Valgrind's cache simulator, where
the machine has no hardware counters.

usage: python3 -m slotbench.cachegrind --slotslab PATH [--out DIR] [--traces DIR]
                           [--size smoke|default|full] [--when-needed REPLAY_JSON]
                           [--layouts ...] [--heaps ...] [--profiles ...]

Runs `valgrind --tool=cachegrind --cache-sim=yes` over `slotslab replay` of
the player scenario (seed 002: a million players, then a get of `level` on
every online player in random order, the cache-miss phase) at a reduced size
(table OBJECTS), for each layout x heap x profile asked for (default slots
and dict; slab and glibc; native and cpython311; with --size smoke only the
slab heap and native).  The simulated caches are
the machine's own, read from /sys/devices/system/cpu/cpu0/cache (L1 data
and the last level), not Valgrind's guess from CPUID, which virtual machines
often get wrong.

Reported per run, labelled source "cachegrind": D1 misses and LL misses
(data, reads + writes), instructions, and per attribute read: the misses
and instructions of the replay less those of the same trace with its get
events removed, divided by the number of gets.  The difference isolates the
read phase however the replayer inlines its code; it includes reading the get
events from the trace, which two `replay --decode-only` runs (with and
without the gets) measure on their own and report beside it ("decode").
Output: DIR/cachegrind.json.

With --when-needed REPLAY_JSON (slotbench.suite's output), nothing runs when
the replays already carry hardware counters (source "perf"); the file then
says so.  A missing valgrind, or a run that fails, is recorded as
unavailable with the reason.  Exit status 0 unless the usage is wrong (2).
"""
import os
import shutil
import subprocess
import sys

from slotbench import common as bl

# Players: the default keeps the working set (about 1.3-2 MB) far above D1
# and far below a modern LL; FULL=1 goes past a 32 MiB LL.
OBJECTS = {"smoke": 300, "default": 20000, "full": 500000}
SYSCACHE = "/sys/devices/system/cpu/cpu0/cache"


def read_sys(path):
    with open(path) as f:
        return f.read().strip()


def size_of(text):
    mult = {"K": 1024, "M": 1024 * 1024, "G": 1024 ** 3}
    return int(text[:-1]) * mult[text[-1]] if text[-1] in mult else int(text)


def pow2_floor(n):
    p = 1
    while p * 2 <= n:
        p *= 2
    return p


def cache_config():
    """{"D1": (size, assoc, line), "LL": (...), "from": ...} from sysfs, with
    the number of sets rounded down to a power of two as Valgrind needs."""
    caches = []
    try:
        for d in sorted(os.listdir(SYSCACHE)):
            if not d.startswith("index"):
                continue
            p = os.path.join(SYSCACHE, d)
            caches.append((int(read_sys(p + "/level")), read_sys(p + "/type"),
                           size_of(read_sys(p + "/size")),
                           int(read_sys(p + "/ways_of_associativity")),
                           int(read_sys(p + "/coherency_line_size"))))
    except (OSError, ValueError):
        return {"from": "valgrind's CPUID detection (sysfs unreadable)"}
    d1 = [c for c in caches if c[0] == 1 and c[1] == "Data"]
    ll = sorted([c for c in caches if c[1] == "Unified"])
    if not d1 or not ll:
        return {"from": "valgrind's CPUID detection (sysfs incomplete)"}
    out = {"from": SYSCACHE}
    for name, (_, _, size, ways, line) in (("D1", d1[0]), ("LL", ll[-1])):
        sets = pow2_floor(max(1, size // (ways * line)))
        out[name] = [sets * ways * line, ways, line]
        if sets * ways * line != size:
            out[name + "_note"] = "%d bytes rounded to %d (a power of two of sets)" % (
                size, sets * ways * line)
    return out


def run_cachegrind(cmd, env, outfile):
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.strip()[-300:]))
    events = summary = None
    with open(outfile) as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:"):
                summary = [int(x) for x in line.split()[1:]]
    os.unlink(outfile)
    if not events or not summary:
        raise RuntimeError("no summary in %s" % outfile)
    return dict(zip(events, summary))


def prepare(slotslab, size, tdir):
    """player trace at the cachegrind size, and the same without its gets."""
    full = os.path.join(tdir, "cg-player.bin")
    txt = os.path.join(tdir, "cg-player.txt")
    noget_txt = os.path.join(tdir, "cg-player-noget.txt")
    noget = os.path.join(tdir, "cg-player-noget.bin")
    env = dict(os.environ, SLOTSLAB_PROGRESS="0")
    for f in (full, txt, noget_txt, noget):
        if os.path.exists(f):
            os.unlink(f)
    for cmd in ([slotslab, "gen", "player", "--objects", str(OBJECTS[size]), "-o", full],
                [slotslab, "convert", full, txt]):
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           universal_newlines=True)
        if p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    gets = 0
    with open(txt) as src, open(noget_txt, "w") as dst:
        for line in src:
            if line.startswith("get "):
                gets += 1
            else:
                dst.write(line)
    p = subprocess.run([slotslab, "convert", noget_txt, noget], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("convert %s: %s" % (noget_txt, p.stderr.strip()))
    os.unlink(txt)
    os.unlink(noget_txt)
    events = bl.run_json([slotslab, "info", "--json", full]).get("events")
    return full, noget, gets, events


def derive(full, noget, gets, events):
    def d(key):
        return full.get(key, 0)
    row = {
        "d1_misses": d("D1mr") + d("D1mw"),
        "d1_read_misses": d("D1mr"),
        "ll_misses": d("DLmr") + d("DLmw"),
        "ll_read_misses": d("DLmr"),
        "instructions": d("Ir"),
        "data_refs": d("Dr") + d("Dw"),
    }
    row["d1_misses_per_event"] = row["d1_misses"] / events if events else None
    if gets and noget:
        row["d1_misses_per_get"] = (full["D1mr"] - noget["D1mr"]) / gets
        row["ll_misses_per_get"] = (full["DLmr"] - noget["DLmr"]) / gets
        row["instructions_per_get"] = (full["Ir"] - noget["Ir"]) / gets
    else:
        row["d1_misses_per_get"] = row["ll_misses_per_get"] = row["instructions_per_get"] = None
    return row


def hardware_counters(replay_json):
    d = bl.read_json(replay_json) or {}
    for r in d.get("rows", []):
        c = r.get("counters") or {}
        if c.get("source") == "perf" and any(c.get(k) is not None for k in
                                            ("cache_misses", "l1d_misses")):
            return True
    return False


def main():
    ap = bl.argparser("cachegrind", __doc__)
    ap.add_argument("--slotslab", required=True)
    ap.add_argument("--out", default="results")
    ap.add_argument("--traces")
    ap.add_argument("--size", choices=sorted(OBJECTS), default="default")
    ap.add_argument("--when-needed", metavar="REPLAY_JSON")
    ap.add_argument("--layouts", default="slots,dict")
    ap.add_argument("--heaps")
    ap.add_argument("--profiles")
    a = ap.parse_args()
    smoke = a.size == "smoke"
    a.heaps = a.heaps or ("slab" if smoke else "slab,libc")
    a.profiles = a.profiles or ("native" if smoke else "native,cpython311")
    layouts, heaps, profiles = (x.split(",") for x in (a.layouts, a.heaps, a.profiles))
    for v, allowed in ((layouts, bl.LAYOUTS), (heaps, ("slab", "libc")), (profiles, bl.PROFILES)):
        for x in v:
            if x not in allowed:
                ap.error("unknown '%s' (%s)" % (x, ", ".join(allowed)))
    out_path = os.path.join(a.out, "cachegrind.json")
    os.makedirs(a.out, exist_ok=True)
    result = {"source": "cachegrind", "scenario": "player", "objects": OBJECTS[a.size],
              "rows": [], "unavailable": None}
    if a.when_needed and hardware_counters(a.when_needed):
        result["unavailable"] = "not run: the replays have hardware counters (perf)"
        bl.write_json(out_path, result)
        return 0
    vg = shutil.which("valgrind")
    if not vg:
        result["unavailable"] = "valgrind is not installed (scripts/install-deps.sh test)"
        bl.note("cachegrind: " + result["unavailable"])
        bl.write_json(out_path, result)
        return 0
    cfg = cache_config()
    result["cache_config"] = cfg
    tdir = a.traces or os.path.join(a.out, "traces")
    os.makedirs(tdir, exist_ok=True)
    try:
        full_t, noget_t, gets, events = prepare(a.slotslab, a.size, tdir)
    except RuntimeError as e:
        result["unavailable"] = "could not prepare the traces: %s" % e
        bl.note("cachegrind: " + result["unavailable"])
        bl.write_json(out_path, result)
        return 0
    result["gets"] = gets
    result["events"] = events
    opts = ["--tool=cachegrind", "--cache-sim=yes"]
    for name in ("D1", "LL"):
        if name in cfg:
            opts.append("--%s=%d,%d,%d" % ((name,) + tuple(cfg[name])))
    glibc = [p for p in bl.peers() if p["name"] == "glibc"][0]
    combos = [(l, h, p) for l in layouts for h in heaps for p in profiles]
    prog = bl.Progress("cachegrind", len(combos) + 1)
    cgout = os.path.join(tdir, "cachegrind.out.tmp")
    env = dict(bl.preload_env(glibc), SLOTSLAB_PROGRESS="0")
    try:
        res = {}
        for which, trace in (("full", full_t), ("noget", noget_t)):
            res[which] = run_cachegrind([vg] + opts + ["--cachegrind-out-file=" + cgout, a.slotslab,
                                                       "replay", trace, "--decode-only", "--json"],
                                        env, cgout)
        result["decode"] = dict(derive(res["full"], res["noget"], gets, events), raw=res)
    except (RuntimeError, OSError) as e:
        result["decode"] = {"unavailable": "cachegrind failed: %s" % e}
    prog.tick("decode only")
    for layout, heap, prof in combos:
        row = {"scenario": "player", "layout": layout, "heap": heap,
               "malloc": "slotslab" if heap == "slab" else "glibc", "profile": prof,
               "source": "cachegrind", "objects": OBJECTS[a.size], "gets": gets}
        try:
            res = {}
            for which, trace in (("full", full_t), ("noget", noget_t)):
                cmd = [vg] + opts + ["--cachegrind-out-file=" + cgout, a.slotslab, "replay",
                                     trace, "--layout", layout, "--heap", heap,
                                     "--profile", prof, "--json"]
                res[which] = run_cachegrind(cmd, env, cgout)
            row["events"] = events
            row.update(derive(res["full"], res["noget"], gets, events))
            row["raw"] = res
            row["unavailable"] = None
        except (RuntimeError, OSError) as e:
            row["unavailable"] = "cachegrind failed: %s" % e
            for k in ("d1_misses", "ll_misses", "instructions", "d1_misses_per_get",
                      "ll_misses_per_get", "instructions_per_get"):
                row[k] = None
        result["rows"].append(row)
        prog.tick("%s %s %s" % (layout, heap, prof))
    bl.write_json(out_path, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
