"""slotbench.common - what every part of the benchmark harness shares.

Provenance (git revision, .config, compiler, CPU) for every result, the
peer allocators and how to preload them, medians and ratios, Markdown
tables, running a command that prints one JSON object, progress on
stderr, and the one rule for figures that could not be measured: they
are None in JSON and "unavailable" in tables, never 0 (docs/DESIGN.md
section 8).

Imports the standard library only; every other slotbench module may
import it.  Not a program of its own.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time

UNAVAILABLE = "unavailable"
LIBDIR = "/usr/lib/x86_64-linux-gnu"
# name -> library preloaded to make it the process's malloc (glibc: none)
PEER_LIBS = (("glibc", None),
             ("jemalloc", "libjemalloc.so.2"),
             ("mimalloc", "libmimalloc.so.2"),
             ("tcmalloc", "libtcmalloc_minimal.so.4"))
PROFILES = ("native", "cpython27", "cpython311")  # the bench's replays; every profile: slotslab replay --help
LAYOUTS = ("declared", "slots", "dict")
# the repository: scripts/slotbench/common.py is three levels down
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REFERENCE_CSV = os.path.join(ROOT, "tests", "data", "reference", "cpython-3.11.7.csv")
# The same points, should the file be missing: CPython 3.11.7, x86-64,
# tracemalloc bytes per instance of 100,000, attribute values shared.
REFERENCE_CPYTHON311 = [(0, 32, 72), (1, 40, 80), (2, 48, 88), (3, 56, 96), (4, 64, 104),
                        (5, 72, 112), (6, 80, 128), (7, 88, 136), (8, 96, 144), (9, 104, 152),
                        (10, 112, 160), (11, 120, 168), (12, 128, 176)]
# Seeds 000 and 001: ipython_memory_usage, Python 3.4.3, 262,144 MyClass(1, 1)
SEED_MYCLASS = {"objects": 262144, "slots_mib": 9.3008, "dict_mib": 22.6680}


def argparser(module, doc):
    """The ArgumentParser of `python3 -m slotbench.@module`, whose --help is
    @doc, the module's docstring: its first line, then the rest as it is."""
    lines = doc.split("\n")
    return argparse.ArgumentParser(prog="python3 -m slotbench." + module, description=lines[0],
                                   formatter_class=argparse.RawDescriptionHelpFormatter,
                                   epilog="\n".join(lines[1:]))


def peers(libdir=None):
    """[{name, library, available}] for glibc and the preloadable peers.

    @libdir: where the peers' libraries live (BENCH_PEER_LIBDIR, default
    the multiarch directory); an empty string makes every peer unavailable.
    """
    if libdir is None:
        libdir = os.environ.get("BENCH_PEER_LIBDIR", LIBDIR)
    out = []
    for name, lib in PEER_LIBS:
        if lib is None:
            out.append({"name": name, "library": None, "available": True})
            continue
        path = os.path.join(libdir, lib) if libdir else lib
        out.append({"name": name, "library": path,
                    "available": bool(libdir) and os.path.exists(path)})
    return out


def preload_env(peer):
    """The environment that runs a child with @peer as its malloc."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    if peer and peer.get("library"):
        env["LD_PRELOAD"] = peer["library"]
    return env


def peer_names():
    """The peers' names, glibc first."""
    return [name for name, _ in PEER_LIBS]


def median(values):
    v = [x for x in values if x is not None]
    return statistics.median(v) if v else None


def fmt(value, spec="%.1f"):
    """A figure for a table: "unavailable" for None, never 0."""
    if value is None:
        return UNAVAILABLE
    if isinstance(value, str):
        return value
    return spec % value


def mdtable(head, rows):
    """A Markdown table: the header row, its rule and one line per row."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def run_json(cmd, env=None, timeout=None):
    """Run @cmd, which prints one JSON object on stdout; return it.

    Raises RuntimeError with the command and its stderr when it fails or
    prints something else.
    """
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError("%s: %s" % (" ".join(cmd), e))
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                p.stderr.strip()[-400:]))
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise RuntimeError("%s: not JSON: %r" % (" ".join(cmd), p.stdout[:200]))


class Progress(object):
    """"[stage] i/n what" lines on stderr: every line on a terminal, about
    one in ten (and the last) otherwise, so that logs stay short."""

    def __init__(self, stage, total):
        self.stage, self.total, self.i = stage, total, 0
        self.tty = sys.stderr.isatty()
        self.t0 = time.time()
        self.step = max(1, total // 10)

    def tick(self, what):
        self.i += 1
        if self.tty:
            sys.stderr.write("\r\033[K[%s] %d/%d %s" % (self.stage, self.i, self.total, what))
            if self.i == self.total:
                sys.stderr.write("\n")
        elif self.i % self.step == 0 or self.i == self.total:
            sys.stderr.write("[%s] %d/%d %s (%.0f s)\n" % (self.stage, self.i, self.total, what,
                                                          time.time() - self.t0))
        sys.stderr.flush()


def note(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def _out(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def provenance(build_dir):
    """What every result records: revision, configuration, compiler, CPU."""
    cfg_path = os.path.join(build_dir, ".config")
    if not os.path.exists(cfg_path) and os.path.abspath(build_dir) == os.path.join(ROOT, "build"):
        cfg_path = os.path.join(ROOT, ".config")
    config = []
    if os.path.exists(cfg_path):
        with open(cfg_path) as f:
            config = [l.strip() for l in f if l.startswith("CONFIG_")]
    cc = os.environ.get("CC", "cc")
    compiler = _out([cc, "--version"]).split("\n")[0] or UNAVAILABLE
    return {
        "revision": _out(["git", "describe", "--always", "--dirty"]) or "unknown",
        "build_dir": build_dir,
        "config": config,
        "config_hash": hashlib.sha1("\n".join(config).encode()).hexdigest()[:10],
        "compiler": compiler,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "loadavg": list(os.getloadavg()),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def write_json(path, obj):
    """Write @obj to @path through a temporary file, so that no half-written
    result is ever left behind."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path):
    """The JSON in @path, or None when the file does not exist."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def reference_points(path=None):
    """[{attrs, slots, dict, from}] of real CPython 3.11: the reference CSV
    when it is reachable, else the copy above."""
    path = path or REFERENCE_CSV
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#") or line.startswith("attrs"):
                    continue
                a, s, d = line.split(",")[:3]  # attrs, slots, dict_init[, ...]
                out.append({"attrs": int(a), "slots": float(s), "dict": float(d), "from": path})
    if not out:
        out = [{"attrs": a, "slots": float(s), "dict": float(d), "from": "embedded copy"}
               for a, s, d in REFERENCE_CPYTHON311]
    return out
