#!/usr/bin/python3
"""jsoncheck.py - what the shell tests assert of a command's JSON, without
Python source in the shell.

usage: /usr/bin/python3 tests/lib/jsoncheck.py FILE [CHECK...]
       /usr/bin/python3 tests/lib/jsoncheck.py --get PATH FILE
       /usr/bin/python3 tests/lib/jsoncheck.py --same FILE1 FILE2 PATH...
       /usr/bin/python3 tests/lib/jsoncheck.py --have-module NAME

FILE is a JSON file, or - for standard input.  With no CHECK, FILE must
parse.  Each CHECK is PATH OP VALUE in one argument:

  PATH   keys and list indexes joined by dots (kinds.get.events,
         classes.0.resolved); `*` stands for every element of a list or
         every value of an object (the check must hold for each), and
         `[KEY=TEXT]` for the first list element whose KEY is TEXT
         (classes.[name=Leaf].slots); `.` alone is the whole document
  OP     =  !=  >  >=  <  <=     VALUE is JSON (500, "slots", null, [1, 2]);
                                 a bare word that is not JSON is a string
         ~                       the string contains VALUE (plain text)
         in                      VALUE is a JSON list that holds the value
         has                     VALUE is a JSON list of keys the object has
         sorted                  the list is sorted; VALUE: asc or desc
         sum                     the value is the sum of the list at PATH
                                 VALUE (a PATH with `*`)
         ?                       PATH exists (no VALUE)

--get prints the value at PATH (JSON, strings bare).  --same checks that
each PATH has the same value in both files.  --have-module exits 0 when
this interpreter can import NAME (a test's prerequisite).

Exit status: 0 when every check holds; 1 naming the first that does not
(and the value found); 2 on bad usage or a FILE that is not JSON.
"""
import importlib
import json
import re
import sys

OPS = (" has ", " in ", " sorted ", " sum ", "!=", ">=", "<=", "=", ">", "<", "~")
MISSING = object()


def usage(msg):
    sys.stderr.write("jsoncheck.py: %s (--help)\n" % msg)
    sys.exit(2)


def load(path):
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("jsoncheck.py: %s: %s\n" % (path, e))
        sys.exit(2)


def split_path(path):
    """'a.[k=v].b' -> ['a', '[k=v]', 'b'] (dots inside [...] kept)."""
    return [p for p in re.findall(r"\[[^\]]*\]|[^.]+", path)]


def select(doc, path):
    """The values at path: a list (several for '*'), MISSING where absent."""
    vals = [doc]
    for part in split_path(path) if path else []:
        out = []
        for v in vals:
            if v is MISSING:
                out.append(MISSING)
            elif part == "*":
                out.extend(v if isinstance(v, list) else list(v.values())
                           if isinstance(v, dict) else [MISSING])
            elif part.startswith("[") and "=" in part:
                k, want = part[1:-1].split("=", 1)
                hits = [e for e in v if isinstance(e, dict) and str(e.get(k)) == want] \
                    if isinstance(v, list) else []
                out.append(hits[0] if hits else MISSING)
            elif isinstance(v, list):
                try:
                    out.append(v[int(part)])
                except (ValueError, IndexError):
                    out.append(MISSING)
            elif isinstance(v, dict):
                out.append(v.get(part, MISSING))
            else:
                out.append(MISSING)
        vals = out
    return vals


def literal(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def holds(doc, v, op, arg):
    if op == "?":
        return v is not MISSING
    if v is MISSING:
        return False
    if op == "=":
        return v == literal(arg)
    if op == "!=":
        return v != literal(arg)
    if op in (">", ">=", "<", "<="):
        want = literal(arg)
        if not (number(v) and number(want)):
            return False
        return {">": v > want, ">=": v >= want, "<": v < want, "<=": v <= want}[op]
    if op == "~":
        return isinstance(v, str) and arg in v
    if op == "in":
        return v in literal(arg)
    if op == "has":
        return isinstance(v, dict) and all(k in v for k in literal(arg))
    if op == "sorted":
        if not isinstance(v, list) or arg not in ("asc", "desc"):
            return False
        return v == sorted(v, reverse=arg == "desc")
    if op == "sum":
        parts = select(doc, arg)
        return all(number(p) for p in parts) and v == sum(parts)
    usage("unknown operator %r" % op)
    return False


def parse_check(check):
    """'PATH OP VALUE' -> (PATH, OP, VALUE); the first operator outside [...]."""
    if check.endswith("?"):
        return check[:-1], "?", None
    depth = 0
    for i, c in enumerate(check):
        depth += c == "["
        depth -= c == "]"
        if depth or i == 0:
            continue
        for op in OPS:
            if check.startswith(op, i):
                return check[:i].strip(), op.strip(), check[i + len(op):].strip()
    usage("not a check: %r" % check)
    return None


def show(v):
    return "absent" if v is MISSING else json.dumps(v)


def run_checks(path, checks):
    doc = load(path)
    for check in checks:
        p, op, arg = parse_check(check)
        if op == "sorted":
            # The whole list of values at p, not each element.
            vals = select(doc, p)
            ok = MISSING not in vals and holds(doc, vals if "*" in p else vals[0], op, arg)
            found = vals
        else:
            vals = select(doc, p)
            ok = all(holds(doc, v, op, arg) for v in vals)
            found = [v for v in vals if not holds(doc, v, op, arg)][:1] or vals
        if not ok:
            print("# %s: %s does not hold (found %s)" % (path, check,
                                                        ", ".join(show(v) for v in found)[:300]))
            return 1
    return 0


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if argv else 2
    if argv[0] == "--have-module":
        if len(argv) != 2:
            usage("--have-module NAME")
        try:
            importlib.import_module(argv[1])
        except ImportError:
            return 1
        return 0
    if argv[0] == "--get":
        if len(argv) != 3:
            usage("--get PATH FILE")
        vals = select(load(argv[2]), argv[1])
        if MISSING in vals:
            print("# %s: no %s" % (argv[2], argv[1]))
            return 1
        for v in vals:
            print(v if isinstance(v, str) else json.dumps(v))
        return 0
    if argv[0] == "--same":
        if len(argv) < 4:
            usage("--same FILE1 FILE2 PATH...")
        a, b = load(argv[1]), load(argv[2])
        for p in argv[3:]:
            x, y = select(a, p), select(b, p)
            if MISSING in x or x != y:
                print("# %s differs: %s in %s, %s in %s" % (p, ", ".join(map(show, x)), argv[1],
                                                          ", ".join(map(show, y)), argv[2]))
                return 1
        return 0
    if argv[0].startswith("-") and argv[0] != "-":
        usage("unknown option %s" % argv[0])
    return run_checks(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
