"""slotbench.pyref - regenerate the reference data of tests/data/reference.

usage: PYTHONPATH=scripts /usr/bin/python3 -m slotbench.pyref [--out DIR]
                                                [--count N] [--max-attrs N]

Runs scripts/slotbench/measure_layouts.py under every CPython this machine has
(slotbench.interpreters: pyenv's versions, python3.X on PATH, /usr/bin/python3)
and writes its CSV as DIR/cpython-VERSION.csv (default tests/data/reference
in the source tree).  Interpreters the script cannot measure (PyPy: neither
tracemalloc nor sys.getsizeof) are listed and skipped.  The CSVs are what
tests/test_object_fidelity.c compares every dict layout profile with; each
starts with a '# python: cpython VERSION' line that names its interpreter.
Exit status: 0, 1 when a run fails, 2 on bad usage.
"""
import argparse
import os
import subprocess
import sys

from slotbench import interpreters

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "slotbench", "measure_layouts.py")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "reference"))
    ap.add_argument("--count", type=int, default=30000)
    ap.add_argument("--max-attrs", type=int, default=40)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    status = 0
    for p in interpreters.find():
        if p["implementation"] != "cpython":
            print("pyref: %s skipped: no tracemalloc or sys.getsizeof" % p["label"])
            continue
        path = os.path.join(a.out, "cpython-%s.csv" % p["version"])
        r = subprocess.run([p["executable"], SCRIPT, "--count", str(a.count),
                            "--max-attrs", str(a.max_attrs)], capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write("pyref: %s failed: %s\n" % (p["label"], r.stderr.strip()))
            status = 1
            continue
        with open(path + ".tmp", "w") as f:
            f.write(r.stdout)
        os.replace(path + ".tmp", path)
        print("pyref: %s -> %s" % (p["label"], os.path.relpath(path, ROOT)))
    return status


if __name__ == "__main__":
    sys.exit(main())
