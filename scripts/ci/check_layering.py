#!/usr/bin/python3
"""check_layering.py - every #include in the tree against the rules the
folders' READMEs write down.

    scripts/ci/check_layering.py [--root DIR] [-v]

The rules are Markdown table rows in any README.md of the tree, in a table
whose header has a "may include" column:

    | folder or file | may include |
    |---|---|
    | `trace/` | `include/internal/*` |
    | `trace/io_uring.c` | `include/internal/*`, `<liburing.h>` |

The first cell names a folder (ending in "/") or a file; the second lists
glob patterns of what its sources may include, each in backquotes.  A
source file is judged by the most specific row that covers it: its own
file row, else the row of the deepest folder holding it.  It may always
include files of its own folder (not of sub- or sibling folders).

An include is resolved as the build resolves it (-I. -Iinclude and the
generated headers): "alloc/internal.h" is alloc/internal.h,
"internal/compiler.h" is include/internal/compiler.h, "generated/x.h" stays
generated/x.h.  <slotslab/...> is include/slotslab/...; of the other
angle-bracket headers only <liburing.h> is controlled (it must be listed as
`<liburing.h>` to be used, so io_uring stays in its one file); the system's
others are free.

Exit status: 0 when every include of every tracked .c/.h file is allowed,
1 on a violation or a source no rule covers (each printed as
FILE:LINE: ...), 2 on bad usage.
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys

CONTROLLED = ("liburing.h",)
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ROW = re.compile(r"^\|(.*)\|\s*$")
TICKS = re.compile(r"`([^`]+)`")


def sources(root):
    """The tracked .c and .h files (every file below root without git)."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "*.c", "*.h"],
                             check=True, capture_output=True, text=True).stdout
        files = [f for f in out.splitlines() if os.path.exists(os.path.join(root, f))]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    found = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "build"]
        for n in names:
            if n.endswith((".c", ".h")):
                found.append(os.path.relpath(os.path.join(d, n), root))
    return found


def read_rules(root):
    """{folder/ or file: ([patterns], README:line)} from every README.md."""
    rules = {}
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "build"]
        if "README.md" not in names:
            continue
        path = os.path.join(d, "README.md")
        rel = os.path.relpath(path, root)
        in_table = False
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = ROW.match(line)
                if not m:
                    in_table = False
                    continue
                cells = [c.strip() for c in m.group(1).split("|")]
                if any("may include" in c.lower() for c in cells):
                    in_table = True
                    continue
                if not in_table or len(cells) < 2 or set(cells[0]) <= set("-: "):
                    continue
                who = TICKS.findall(cells[0])
                if len(who) != 1:
                    continue
                pats = TICKS.findall(cells[1])
                if who[0] in rules:
                    raise SystemExit("%s:%d: a second rule for %s (the first is at %s)"
                                     % (rel, n, who[0], rules[who[0]][1]))
                rules[who[0]] = (pats, "%s:%d" % (rel, n))
    return rules


def rule_for(path, rules):
    if path in rules:
        return path, rules[path]
    d = os.path.dirname(path)
    while d:
        key = d + "/"
        if key in rules:
            return key, rules[key]
        d = os.path.dirname(d)
    return None, None


def resolve(root, src, kind, name):
    """The include as a tree path, "<x.h>" for a controlled system header,
    or None for a free one.  A quoted name is looked for beside the source
    first, as the compiler does."""
    if kind == "<":
        if name.startswith("slotslab/"):
            return "include/" + name
        return "<%s>" % name if name in CONTROLLED else None
    if name.startswith("generated/"):
        return name
    beside = os.path.normpath(os.path.join(os.path.dirname(src), name))
    if "/" not in name and os.path.exists(os.path.join(root, beside)):
        return beside
    if os.path.exists(os.path.join(root, name)):
        return os.path.normpath(name)
    if os.path.exists(os.path.join(root, "include", name)):
        return "include/" + name
    return name


def allowed(src, target, patterns):
    if not target.startswith("<") and os.path.dirname(target) == os.path.dirname(src):
        return True
    for p in patterns:
        if p.endswith("/"):
            p += "*"
        if fnmatch.fnmatchcase(target, p):
            return True
    return False


def main(argv):
    ap = argparse.ArgumentParser(prog="check_layering.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=".", help="the tree to check (default: .)")
    ap.add_argument("-v", dest="verbose", action="store_true", help="print every include checked, and its rule")
    a = ap.parse_args(argv)	# bad usage: a message and exit status 2
    root, verbose = a.root, a.verbose
    rules = read_rules(root)
    bad = 0
    checked = 0
    for src in sorted(sources(root)):
        key, rule = rule_for(src, rules)
        if rule is None:
            print("%s: no README rule covers this file (add a `folder/` row with a "
                  "\"may include\" column)" % src)
            bad += 1
            continue
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = resolve(root, src, m.group(1), m.group(2))
                if target is None:
                    continue
                checked += 1
                if not allowed(src, target, rule[0]):
                    print("%s:%d: includes %s, which the rule for %s (%s) does not allow"
                          % (src, n, target, key, rule[1]))
                    bad += 1
                elif verbose:
                    print("%s:%d: %s ok (%s)" % (src, n, target, key))
    print("check_layering: %d includes in %d rules checked, %d violation%s"
          % (checked, len(rules), bad, "" if bad == 1 else "s"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
