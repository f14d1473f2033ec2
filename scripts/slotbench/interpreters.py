"""slotbench.interpreters - every Python interpreter this machine has.

Looked for, in this order: pyenv's versions ($PYENV_ROOT or ~/.pyenv,
versions/*/bin/python), python2.7 and python3.X (X = 4..15) on PATH,
/usr/bin/python3, /usr/bin/python2.7, pypy3 and pypy on PATH (or the one
PyPy the caller names).  Each
candidate is run once to ask what it is; one that fails (a pyenv shim for a
version not selected, a broken install) is left out.  Two paths to the same
executable (sys.executable, resolved) count once, the first found.

find() -> [{"executable", "implementation" ("cpython", "pypy"), "version"
("3.11.7"), "generation" ("3.11"), "label" ("cpython 3.11.7 (pyenv)")}],
sorted by implementation then version.
"""
import glob
import os
import shutil
import subprocess

PROBE = ("import platform, sys; print(platform.python_implementation().lower()); "
         "print(platform.python_version()); print(sys.executable)")


def candidates(pypy=None):
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    out = [(p, "pyenv") for p in sorted(glob.glob(os.path.join(root, "versions", "*", "bin",
                                                                "python")))]
    for name in ["python2.7"] + ["python3.%d" % x for x in range(4, 16)]:
        p = shutil.which(name)
        if p:
            out.append((p, "PATH"))
    for p in ("/usr/bin/python3", "/usr/bin/python2.7"):
        if os.access(p, os.X_OK):
            out.append((p, "Debian" if p.startswith("/usr/bin/") else "system"))
    if pypy is not None:  # the caller's PyPy alone (a missing one: none)
        p = shutil.which(pypy) if pypy else None
        if p:
            out.append((p, "PATH"))
        return out
    for name in ("pypy3", "pypy"):
        p = shutil.which(name)
        if p:
            out.append((p, "PATH"))
    return out


def probe(exe):
    try:
        r = subprocess.run([exe, "-c", PROBE], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = r.stdout.split()
    if r.returncode != 0 or len(lines) < 3:
        return None
    return lines[0], lines[1], lines[2]


def version_key(v):
    return tuple(int(x) if x.isdigit() else 0 for x in v.split("."))


def find(pypy=None):
    """@pypy: the PyPy to use in place of PATH's pypy3 and pypy ('' or a
    missing one: no PyPy)."""
    seen, out = set(), []
    for exe, where in candidates(pypy):
        got = probe(exe)
        if not got:
            continue
        impl, version, real = got
        real = os.path.realpath(real or exe)
        if real in seen:
            continue
        seen.add(real)
        if where == "Debian" and "/.pyenv/" in real:
            where = "pyenv"
        out.append({"executable": exe, "implementation": impl, "version": version,
                    "generation": ".".join(version.split(".")[:2]),
                    "label": "%s %s (%s)" % (impl, version, where)})
    out.sort(key=lambda p: (p["implementation"] != "cpython", p["implementation"],
                            version_key(p["version"]), p["label"]))
    return out


if __name__ == "__main__":
    for p in find():
        print("%-28s %s" % (p["label"], p["executable"]))
