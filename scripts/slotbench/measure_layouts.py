"""measure_layouts.py - bytes per instance of the four class layouts, in
whatever Python runs this file (2.7 or any 3.x; no third-party modules).

usage: PYTHON measure_layouts.py [--max-attrs N] [--count N]

For every attribute count n in 0..N (default 40), four classes, each made
fresh (key sharing is per class), with attribute names a00, a01, ...:
  slots      __slots__ = the n names; set in __init__;
  dict_init  no __slots__; the n attributes set in __init__ (self.aXX = v);
  dict_ext   no __slots__, an empty __init__; the n attributes set from
             outside, in order, right after construction (o.aXX = v);
  hybrid     __slots__ = the first ceil(n/2) names + ['__dict__']; every
             attribute set in __init__, the rest land in the dict.
Every value is one shared object, so only the instance and its dict (or
values array) count.  The code that sets attributes is compiled source
(STORE_ATTR on self, as a real class does), not setattr().

Measuring: after WARM (100) instances, COUNT/3 more are made and then
the remaining 2*COUNT/3, into a list sized beforehand; the difference
between the bytes the two batches added, over the difference of their
sizes, is the cost of one instance: what a batch costs once (the loop's
counter) cancels, and the class's one-off structures (shared keys, the first
instances' larger values arrays) drop out and the figure is per object.
  3.4+  tracemalloc: requested bytes of every live block (GC header and
        pre-header included), current traced memory after minus before;
  2.7   no tracemalloc: sys.getsizeof of each instance plus, when it has
        one, of its dict (found through gc.get_referents, which does not
        create it as reading __dict__ would), both GC header included, each
        block rounded up to pymalloc's 8-byte size classes when it is a
        pymalloc block (<= 256 bytes in 2.7); larger blocks are malloc's and
        stay as requested.
Output on stdout, CSV: comment lines starting with '#' (interpreter,
method, layouts), then the header 'attrs,slots,dict_init,dict_ext,hybrid'
and one row per n; bytes with two decimals.  Exit status 2 on bad usage or
an interpreter without either measure (PyPy).
"""
from __future__ import print_function

import gc
import platform
import sys

WARM = 100
VALUE = object()


def names(n):
    return ["a%02d" % i for i in range(n)]


def make_class(kind, n):
    """A fresh class of @kind with @n attributes and its factory function."""
    attrs = names(n)
    src = []
    if kind == "slots":
        src.append("class C(object):\n    __slots__ = %r\n" % (tuple(attrs),))
    elif kind == "hybrid":
        half = (n + 1) // 2
        src.append("class C(object):\n    __slots__ = %r\n"
                   % (tuple(attrs[:half]) + ("__dict__",),))
    else:
        src.append("class C(object):\n")
    src.append("    def __init__(self, v):\n")
    if kind == "dict_ext":
        src.append("        pass\n")
    else:
        src.extend("        self.%s = v\n" % a for a in attrs)
        if not attrs:
            src.append("        pass\n")
    src.append("def make(v):\n    o = C(v)\n")
    if kind == "dict_ext":
        src.extend("    o.%s = v\n" % a for a in attrs)
    src.append("    return o\n")
    ns = {}
    exec(compile("".join(src), "<%s %d>" % (kind, n), "exec"), ns)
    return ns["make"]


def pymalloc_round(size):
    return (size + 7) & ~7 if size <= 256 else size


def sizeof_27(o):
    """2.7: instance and dict bytes, as pymalloc holds them."""
    total = pymalloc_round(sys.getsizeof(o))
    for r in gc.get_referents(o):
        if type(r) is dict:
            total += pymalloc_round(sys.getsizeof(r))
    return total


def measure(kind, n, count, tracemalloc):
    make = make_class(kind, n)
    objs = [None] * (WARM + count)
    for i in range(WARM):
        objs[i] = make(VALUE)
    if tracemalloc is None:
        total = 0
        for i in range(WARM, WARM + count):
            objs[i] = make(VALUE)
            total += sizeof_27(objs[i])
        return float(total) / count
    half = count // 3
    small = traced_delta(make, objs, WARM, WARM + half, tracemalloc)
    large = traced_delta(make, objs, WARM + half, WARM + count, tracemalloc)
    return float(large - small) / (count - 2 * half)


def traced_delta(make, objs, start, end, tracemalloc):
    """Bytes traced more after objs[start:end] = calls of @make."""
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    i = start
    while i < end:
        objs[i] = make(VALUE)
        i += 1
    after = tracemalloc.get_traced_memory()[0]
    return after - before


def main(argv):
    max_attrs, count = 40, 20000
    args = list(argv)
    while args:
        a = args.pop(0)
        if a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        if a in ("--max-attrs", "--count") and args:
            try:
                v = int(args.pop(0))
            except ValueError:
                v = -1
            if v < (0 if a == "--max-attrs" else 1):
                sys.stderr.write("measure_layouts: bad value for %s\n" % a)
                return 2
            if a == "--max-attrs":
                max_attrs = v
            else:
                count = v
            continue
        sys.stderr.write("measure_layouts: unknown argument '%s' (--help)\n" % a)
        return 2
    impl = platform.python_implementation().lower()
    version = platform.python_version()
    tm = None
    if sys.version_info[0] >= 3:
        try:
            import tracemalloc as tm
        except ImportError:
            tm = None
        if tm is None or impl != "cpython":
            sys.stderr.write("measure_layouts: %s %s has no tracemalloc\n" % (impl, version))
            return 2
        method = ("tracemalloc: requested bytes per instance, %d instances after %d, "
                  "current traced memory after minus before" % (count, WARM))
    else:
        if impl != "cpython":
            sys.stderr.write("measure_layouts: %s %s has no sys.getsizeof\n" % (impl, version))
            return 2
        method = ("sys.getsizeof of instance + dict (GC header included), each block "
                  "rounded to pymalloc's 8-byte classes when <= 256 B, "
                  "mean of %d instances" % count)
    print("# python: %s %s" % (impl, version))
    print("# %s (%d-bit), made by scripts/slotbench/measure_layouts.py" %
          (platform.machine(), 64 if sys.maxsize > 2 ** 32 else 32))
    print("# method: %s" % method)
    print("# slots: __slots__ = the names; dict_init: no __slots__, set in __init__; "
          "dict_ext: no __slots__, set from outside after construction; "
          "hybrid: ceil(n/2) slots + '__dict__', the rest in the dict; values shared")
    print("attrs,slots,dict_init,dict_ext,hybrid")
    if tm is not None:
        tm.start()
    for n in range(max_attrs + 1):
        row = [measure(k, n, count, tm) for k in ("slots", "dict_init", "dict_ext", "hybrid")]
        print("%d,%s" % (n, ",".join("%.2f" % v for v in row)))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
