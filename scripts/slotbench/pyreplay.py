#!/usr/bin/python3
"""pyreplay.py - replay a slotslab text trace in a real Python interpreter.

usage: PYTHON pyreplay.py TRACE.txt [--layout declared|slots|dict]
                          [--measure tracemalloc|gcstats|getsizeof|rss]

The other side of `slotslab replay`: the same trace (text format v1, docs/DESIGN.md
section 6) runs as real Python classes and instances in whatever interpreter
runs this file (Debian's CPython 3.11, PyPy 3.9), and one JSON object comes
out on stdout.  A standalone file, run by path (scripts/slotbench/pyreplay.py)
by CPython 2.7 to 3.13 and PyPy: it imports the standard library only, never
the slotbench package, and stays valid Python 2.7.

Classes:
  declared  as the trace declares them: `slots=` becomes __slots__ (plus
            '__dict__' and '__weakref__' when the class line asks), no
            `slots=` a plain class (with __dict__ and __weakref__); a varsize
            class derives from tuple, as seed 003's variable-size bases do;
  slots     every class gets __slots__ = its declared slots plus every other
            name the trace sets on its instances (a first pass finds them)
            but a class attribute's, no __dict__, and __weakref__ where the
            class line says `weakref` or the trace takes weak references to
            its instances (as `slotslab replay --layout slots` does);
  dict      every class is a plain class without __slots__.

Events run as Python does them: setattr, getattr, delattr, weakref.ref,
obj.__class__ = C.  AttributeError and TypeError are counted under
`errors`, by event kind, as the C replayer counts attribute errors.  Every
attribute value is one shared int, so bytes per object count the instance
and its dict only (the C model's values are unboxed 8-byte words; the
reference points in tests/data/reference were measured the same way).
Object ids index a list sized before measuring starts.  Malloc-level events
have no Python counterpart and are counted under `skipped`.

Measuring (the figure at the moment the most objects are alive, taken just
before a free that ends such a moment, and at the end of the trace):
  tracemalloc  bytes traced by tracemalloc (CPython) above the baseline; the
               trace is parsed into lists first, so that the replay itself
               allocates nothing but the objects under test;
  gcstats      PyPy's own accounting, gc.get_stats(): memory its GC uses in
               arenas and for raw-malloced objects, after a full collection,
               above the baseline (the trace is parsed into lists first too);
  getsizeof    CPython, 2.7 included (no tracemalloc there): sys.getsizeof
               of every live object and of its dict, each rounded to
               pymalloc's 8-byte size classes when it is a pymalloc block,
               summed at the first moment of the peak;
  rss          resident set size above the baseline (/proc/self/statm), the
               only measure where tracemalloc does not exist (PyPy); the first
               pass runs in a forked child and the trace is streamed, so that
               no memory freed before the baseline is reused unseen.
One run measures one of them (tracemalloc's own tables would inflate RSS).
The default is tracemalloc where it works, gcstats where gc.get_stats()
exists (PyPy), rss otherwise.
Exit status: 0, 2 on bad usage or input.
"""
import gc
import io
import json
import os
import platform
import sys
import time
import weakref

try:
    from sys import intern
except ImportError:  # Python 2.7: a builtin, for byte strings
    _intern2 = intern  # noqa: F821

    def intern(s):
        return _intern2(str(s))

SHARED_VALUE = 1
clock = getattr(time, "perf_counter", time.time)  # 2.7 has no perf_counter
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
OBJECT_EVENTS = ("class", "classattr", "new", "set", "get", "del", "free",
                 "weakref", "setclass")
MALLOC_EVENTS = ("malloc", "calloc", "realloc", "memalign", "mfree")


def die(msg):
    sys.stderr.write("pyreplay: %s\n" % msg)
    sys.exit(2)


def rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return None


def gc_used():
    """PyPy: bytes its GC holds for objects (arenas and raw-malloced)."""
    s = gc.get_stats(memory_pressure=False)
    return s._s.total_arena_memory + s._s.total_rawmalloced_memory


def events_of(path):
    """Yield (lineno, fields) for every event line, without @TID prefixes."""
    try:
        # native str lines on 2.7 as on 3.x (class and attribute names)
        f = io.open(path, "r", encoding="ascii") if str is not bytes else open(path, "r")
        with open(path, "rb") as b:
            first = b.read(1)
    except (OSError, IOError) as e:
        die("%s: cannot open: %s" % (path, e.strerror))
    if first == b"\x89":
        die("%s: a binary trace; convert it first (slotslab convert %s OUT.txt)"
            % (path, path))
    with f:
        for n, line in enumerate(f, 1):
            p = line.split()
            if not p or p[0][0] == "#":
                continue
            if p[0][0] == "@":
                p = p[1:]
                if not p:
                    die("%s:%d: an event after the thread id" % (path, n))
            yield n, p


class ClassDecl(object):
    __slots__ = ("name", "slots", "dict", "weakref", "base", "varsize", "names_set",
                 "weakrefd", "classattrs")

    def __init__(self, fields, path, n):
        if len(fields) < 2:
            die("%s:%d: class: expected a class name" % (path, n))
        self.name = fields[1]
        self.slots = None
        self.dict = self.weakref = self.varsize = False
        self.base = None
        self.names_set = []       # names set on its instances, in order
        self.weakrefd = False     # the trace takes weak references to them
        self.classattrs = []      # names bound on the class
        for opt in fields[2:]:
            if opt.startswith("slots="):
                self.slots = [s for s in opt[6:].split(",") if s]
            elif opt == "dict":
                self.dict = True
            elif opt == "weakref":
                self.weakref = True
            elif opt == "varsize":
                self.varsize = True
            elif opt.startswith("base="):
                self.base = opt[5:]
            else:
                die("%s:%d: class %s: unknown option '%s'" % (path, n, self.name, opt))


def first_pass(path, keep):
    """Classes in order, names set on each class's instances, the largest id,
    the number of events; with @keep, the events themselves as three lists
    (kind, id, argument) whose items are shared objects, so that replaying
    from them allocates nothing but the objects under test."""
    decls, order = {}, []
    cls_of = {}
    max_id = 0
    nevents = 0
    kinds, ids, args = [], [], []
    shared = {}
    for n, p in events_of(path):
        nevents += 1
        k = p[0]
        i = None
        a = None
        if k == "class":
            d = ClassDecl(p, path, n)
            decls[d.name] = d
            order.append(d)
        elif k in MALLOC_EVENTS:
            pass
        elif k == "classattr":
            if len(p) != 4:
                die("%s:%d: classattr: expected CLASS ATTR INT" % (path, n))
            a = (p[1], intern(p[2]), int(p[3]))
            if p[1] in decls and a[1] not in decls[p[1]].classattrs:
                decls[p[1]].classattrs.append(a[1])
        elif k in OBJECT_EVENTS:
            if len(p) < 2:
                die("%s:%d: %s: expected an object id" % (path, n, k))
            i = int(p[1])
            if k == "new":
                if len(p) != 3:
                    die("%s:%d: new: expected OBJ CLASS" % (path, n))
                cls_of[i] = p[2]
                if i > max_id:
                    max_id = i
                a = intern(p[2])
            elif k in ("set", "get", "del"):
                if len(p) < 3:
                    die("%s:%d: %s: expected OBJ ATTR" % (path, n, k))
                a = intern(p[2])
                if k == "set":
                    d = decls.get(cls_of.get(i))
                    if d is not None and a not in d.names_set:
                        d.names_set.append(a)
            elif k == "weakref":
                d = decls.get(cls_of.get(i))
                if d is not None:
                    d.weakrefd = True
            elif k == "setclass":
                if len(p) != 3:
                    die("%s:%d: setclass: expected OBJ CLASS" % (path, n))
                cls_of[i] = p[2]
                a = intern(p[2])
        else:
            die("%s:%d: unknown event '%s'" % (path, n, k))
        if keep:
            kinds.append(intern(k))
            if i is not None:
                i = shared.setdefault(i, i)
            ids.append(i)
            args.append(a)
    return {"order": order, "max_id": max_id, "events": nevents,
            "kinds": kinds, "ids": ids, "args": args}


def first_pass_forked(path):
    """first_pass() in a child process, so that none of the memory it used
    is left in this one to be reused (and hidden) by the measured replay."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            fp = first_pass(path, False)
            msg = {"max_id": fp["max_id"], "events": fp["events"],
                   "order": [[getattr(d, f) for f in ClassDecl.__slots__] for d in fp["order"]]}
            data = json.dumps(msg).encode()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
            data = b""
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        sys.exit(2)
    msg = json.loads(data.decode(), object_hook=None if str is not bytes else native)
    order = []
    for fields in msg["order"]:
        d = ClassDecl(["class", fields[0]], path, 0)
        for f, v in zip(ClassDecl.__slots__, fields):
            setattr(d, f, v)
        order.append(d)
    return {"order": order, "max_id": msg["max_id"], "events": msg["events"]}


def native(v):
    """2.7: json's unicode strings back to str, in lists too (names)."""
    if isinstance(v, dict):
        return dict((native(k), native(x)) for k, x in v.items())
    if isinstance(v, list):
        return [native(x) for x in v]
    return intern(v) if type(v) is not str and isinstance(v, type(u"")) else v


def sizeof_live(objs):
    """--measure getsizeof: sys.getsizeof of every live object and of its
    dict (found through gc.get_referents, which does not create one), each
    block rounded up to pymalloc's 8-byte classes when it is one of its
    blocks (<= 256 bytes on 2.7, 512 on 3.x)."""
    limit = 256 if sys.version_info[0] < 3 else 512
    total = 0
    for o in objs:
        if o is None:
            continue
        for b in [o] + [r for r in gc.get_referents(o) if type(r) is dict]:
            n = sys.getsizeof(b)
            total += (n + 7) & ~7 if n <= limit else n
    return total


def stream(path):
    """The events of @path as (kind, id, argument), read as they are replayed."""
    for n, p in events_of(path):
        k = p[0]
        if k == "classattr":
            yield k, None, (p[1], intern(p[2]), int(p[3]))
        elif k == "class" or k in MALLOC_EVENTS:
            yield k, None, None
        else:
            yield k, int(p[1]), (p[2] if len(p) > 2 else None)


def has_attr_slot(cls, name):
    """Whether instances of @cls already have a __dict__ or __weakref__ (the
    portable form of __dictoffset__ / __weakrefoffset__, which PyPy lacks)."""
    return any(name in vars(c) for c in cls.__mro__)


def slot_names_of(cls):
    names = set()
    for c in cls.__mro__:
        names.update(getattr(c, "__slots__", ()) if "__slots__" in c.__dict__ else ())
    return names


def make_classes(order, layout):
    """Create the Python classes; return name -> class and the notes."""
    classes, notes = {}, []
    for d in order:
        if d.base is not None:
            if d.base not in classes:
                die("class %s: unknown base %s" % (d.name, d.base))
            base = classes[d.base]
        else:
            base = tuple if d.varsize else object
        ns = {"__module__": "pyreplay"}
        if layout == "dict":
            slots = None
        elif layout == "slots":
            have = slot_names_of(base)
            cattrs = set(d.classattrs)
            for c in order:
                if c.name != d.name and c.name in [b.__name__ for b in base.__mro__]:
                    cattrs.update(c.classattrs)
            slots = [s for s in (d.slots or []) if s not in have]
            slots += [s for s in d.names_set if s not in have and s not in slots
                      and s not in cattrs]
            if (d.weakref or d.weakrefd) and not has_attr_slot(base, "__weakref__"):
                slots.append("__weakref__")
        else:
            slots = None
            if d.slots is not None:
                slots = list(d.slots)
                if d.dict and not has_attr_slot(base, "__dict__"):
                    slots.append("__dict__")
                if d.weakref and not has_attr_slot(base, "__weakref__"):
                    slots.append("__weakref__")
        if slots is not None:
            ns["__slots__"] = tuple(slots)
        try:
            classes[d.name] = type(d.name, (base,), ns)
        except TypeError as e:
            # A variable-size base accepts only empty slots (seed 003).
            plain = tuple(s for s in slots if s in ("__weakref__",)) if slots else ()
            ns["__slots__"] = plain
            classes[d.name] = type(d.name, (base,), ns)
            notes.append("class %s: %s; its instance names stay unslotted" % (d.name, e))
    return classes, notes


def replay(path, layout, measure):
    tm = None
    if measure in ("gcstats", "getsizeof"):
        fp = first_pass(path, True)
        events = zip(fp["kinds"], fp["ids"], fp["args"])
    elif measure == "tracemalloc":
        try:
            import tracemalloc
        except ImportError as e:
            die("--measure tracemalloc: %s has no tracemalloc (%s); use --measure rss"
                % (platform.python_implementation(), e))
        tm = tracemalloc
        fp = first_pass(path, True)
        events = zip(fp["kinds"], fp["ids"], fp["args"])
    else:
        fp = first_pass_forked(path)
        events = stream(path)
    classes, notes = make_classes(fp["order"], layout)
    objs = [None] * (fp["max_id"] + 1)
    nevents = fp["events"]
    errors = {}
    skipped = 0
    live = peak_live = 0
    best = {"live": -1, "bytes": None, "rss": None, "n": 0}
    v = SHARED_VALUE
    wref = weakref.ref

    gc.collect()
    rss0 = rss_bytes()
    if measure == "gcstats":
        base = gc_used()
    if tm:
        tm.start()
        base = tm.get_traced_memory()[0]

    def sample():
        if live < best["live"]:
            return
        if live > best["live"]:
            best.update(live=live, bytes=None, rss=None, n=0)
        best["n"] += 1
        if tm:
            b = tm.get_traced_memory()[0] - base
            if best["bytes"] is None or b > best["bytes"]:
                best["bytes"] = b
        elif measure == "gcstats":
            if best["n"] == 1:
                gc.collect()
                best["bytes"] = gc_used() - base
        elif measure == "getsizeof":
            if best["n"] == 1:
                best["bytes"] = sizeof_live(objs)
        elif best["n"] == 1 or best["n"] % 64 == 0:
            # statm costs a system call: the first sample at a level, then 1
            # in 64; a collection first, so that a moving collector (PyPy)
            # holds no garbage that a later one would have freed
            if best["n"] == 1:
                gc.collect()
            r = rss_bytes()
            if r is not None and (best["rss"] is None or r > best["rss"]):
                best["rss"] = r

    t0 = clock()
    for k, i, a in events:
        try:
            if k == "set":
                setattr(objs[i], a, v)
            elif k == "new":
                objs[i] = classes[a]()
                live += 1
                if live > peak_live:
                    peak_live = live
            elif k == "get":
                getattr(objs[i], a)
            elif k == "free":
                if live == peak_live:
                    sample()
                objs[i] = None
                live -= 1
            elif k == "del":
                delattr(objs[i], a)
            elif k == "weakref":
                wref(objs[i])
            elif k == "setclass":
                objs[i].__class__ = classes[a]
            elif k == "classattr":
                setattr(classes[a[0]], a[1], a[2])
            elif k != "class":
                skipped += 1
        except (AttributeError, TypeError):
            errors[k] = errors.get(k, 0) + 1
        except (IndexError, KeyError):
            die("%s: event %s %s %s: unknown object or class" % (path, k, i, a))
    if live == peak_live:
        sample()
    seconds = clock() - t0
    if tm:
        tm.stop()

    impl = platform.python_implementation()
    if impl == "PyPy":
        name = "PyPy %s (Python %s)" % (".".join(map(str, sys.pypy_version_info[:3])),
                                        platform.python_version())
    else:
        name = "%s %s" % (impl, platform.python_version())
    per_obj = None
    if measure != "rss" and peak_live and best["bytes"] is not None:
        per_obj = float(best["bytes"]) / peak_live
    rss_per_obj = None
    if measure == "rss" and peak_live and best["rss"] is not None and rss0 is not None:
        rss_per_obj = float(best["rss"] - rss0) / peak_live
    return {
        "runtime": "pypy" if impl == "PyPy" else impl.lower(),
        "implementation": name,
        "executable": sys.executable,
        "trace": os.path.basename(path),
        "layout": layout,
        "measure": measure,
        "events": nevents,
        "objects_peak": peak_live,
        "errors": errors,
        "skipped": skipped,
        "tracemalloc_bytes_peak": best["bytes"] if tm else None,
        "gc_bytes_peak": best["bytes"] if measure == "gcstats" else None,
        "bytes_per_object": per_obj,
        "rss_base_bytes": rss0 if measure == "rss" else None,
        "rss_at_peak_bytes": best["rss"] if measure == "rss" else None,
        "rss_delta_per_object": rss_per_obj,
        "seconds": seconds,
        "events_per_sec": nevents / seconds if seconds > 0 else None,
        "notes": notes,
    }


def main(argv):
    layout, measure, path = "declared", None, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        if a in ("--layout", "--measure") and i + 1 < len(argv):
            if a == "--layout":
                layout = argv[i + 1]
            else:
                measure = argv[i + 1]
            i += 2
            continue
        if a.startswith("-"):
            die("unknown option '%s' (--help)" % a)
        if path is not None:
            die("one trace at a time")
        path = a
        i += 1
    if path is None:
        die("which trace? (--help)")
    if layout not in ("declared", "slots", "dict"):
        die("--layout wants declared, slots or dict, not '%s'" % layout)
    if measure is None:
        try:
            import tracemalloc
            tracemalloc.start()
            works = tracemalloc.is_tracing()
            tracemalloc.stop()
            measure = "tracemalloc" if works else "rss"
        except ImportError:
            measure = "gcstats" if hasattr(gc, "get_stats") else "rss"
    if measure not in ("tracemalloc", "gcstats", "getsizeof", "rss"):
        die("--measure wants tracemalloc, gcstats, getsizeof or rss, not '%s'" % measure)
    if measure == "getsizeof" and platform.python_implementation() != "CPython":
        die("--measure getsizeof: %s has no sys.getsizeof for objects; use --measure rss"
            % platform.python_implementation())
    if measure == "gcstats" and not hasattr(gc, "get_stats"):
        die("--measure gcstats: %s has no gc.get_stats(); use --measure rss"
            % platform.python_implementation())
    json.dump(replay(path, layout, measure), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
