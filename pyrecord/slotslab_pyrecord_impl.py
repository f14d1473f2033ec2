# SPDX-License-Identifier: MIT
"""slotslab_pyrecord_impl - run a Python program unchanged and write a
snapshot of its user-defined objects, which `slotslab pyrecord` makes an
object-level trace (bench/import/pysnap.c).

Run by `slotslab pyrecord` as (slotslab_pyrecord.py imports this module
and calls run()):
    PYTHON slotslab_pyrecord.py OUT AT -- SCRIPT [ARGS...]
AT is exit, peak or signal:NAME.  Works with CPython 2.7 and 3.6+ and PyPy
(only the standard library, no f-strings).

What a snapshot writes (its layout: bench/import/pysnap.c):
    slotslab-pyrecord-snapshot 1 TEXT SHAPES NSHAPES N IW WW
    a text trace v1 of the header and the classes:
      # python: IMPL VERSION
      # moment: exit | peak LIVE (sample K of N, every MS ms) | signal NAME
      # pyrecord: KEY VALUE ...        see pyrecord/README.md
      class NAME [slots=a,b] [dict] [weakref] [base=B] [varsize]
      classattr NAME ATTR 1
    shape CLASS K NAME... (the names in dict order, slots first; the first
      K set at "new", the rest later), once per distinct shape
    per instance, its shape's number (IW bytes each: 1 or 4); per
      instance, its weak references (WW bytes each: 1 or 4; 0 when none
      has any): integers in native order
from which slotslab writes new ID CLASS / set ID ATTR 1 ... / weakref ID;
the name __dict__, last in a shape, is "get ID __dict__": under CPython
3.11-3.13 the program read that instance's __dict__; a last name
__table_N__ is "set ID __dict__ N" after its "new": its dict has a table
of its own of N slots (dict_marker()).

Invariants: the user's program runs as __main__ with its own sys.argv and
sys.path[0]; the recorder never changes an object of the program nor runs
its code (it reads __dict__ with object.__getattribute__, or by the
ordinary lookup where no class involved hooks it, slots through their
member descriptors, or by the ordinary lookup, with a default, where no
class involved hooks it and the slot's name finds its member descriptor);
anything it cannot record faithfully is counted under
"# pyrecord: odd KIND COUNT EXAMPLE" and left out, never guessed.  The
snapshot is written to OUT.tmp and renamed, so OUT is always complete.
"""

import gc
import os
import sys
from itertools import compress, count, islice, repeat, tee
try:  # the C module: operator.py imports it (~1 ms)
    from _operator import (add, and_, attrgetter, eq, getitem, is_, is_not, itemgetter, lt, or_,
                           rshift, truth)
except ImportError:
    from operator import (add, and_, attrgetter, eq, getitem, is_, is_not, itemgetter, lt, or_,
                          rshift, truth)

try:
    from _collections import deque
except ImportError:
    from collections import deque

try:
    from _weakref import getweakrefcount, ref, ProxyType, CallableProxyType
except ImportError:
    from weakref import getweakrefcount, ref, ProxyType, CallableProxyType
WEAK_TYPES = (ref, ProxyType, CallableProxyType)
try:  # CPython 3's C loop behind collections.Counter
    from _collections import _count_elements
except ImportError:
    def _count_elements(counts, iterable):
        get = counts.get
        for x in iterable:
            counts[x] = get(x, 0) + 1

try:
    import builtins
except ImportError:  # Python 2
    import __builtin__ as builtins
try:  # Python 2: the lazy ones, as in Python 3
    from itertools import imap as map, izip as zip
    range = xrange  # noqa: F821
except ImportError:
    pass

MANAGED_DICT = 1 << 4  # Py_TPFLAGS_MANAGED_DICT (CPython 3.11+)
try:
    from _thread import _local as THREAD_LOCAL
except ImportError:
    try:
        from thread import _local as THREAD_LOCAL     # CPython 2.7
    except ImportError:
        THREAD_LOCAL = None
READ_SAMPLES = 256    # instances checked for a __dict__ read, besides each class's first


_MEM = []


def memory():
    """(word, byte, w): readers of a pointer-sized word and of a byte at an
    address (ctypes' from_address, from the C module alone: ctypes/__init__
    costs ~2 ms more) and the word's size; None without _ctypes.  Made
    once."""
    if not _MEM:
        try:
            from _ctypes import _SimpleCData
        except ImportError:
            _MEM.append(None)
            return None

        class Word(_SimpleCData):
            _type_ = 'P'

        class Byte(_SimpleCData):
            _type_ = 'B'
        _MEM.append((Word.from_address, Byte.from_address, len(bytes(Word()))))
    return _MEM[0]


def cpython_memory(lo, hi):
    """memory(), under a CPython from version lo to hi (pairs); else None."""
    impl = getattr(sys, 'implementation', None)
    if impl is None or impl.name != 'cpython' or not lo <= sys.version_info[:2] <= hi:
        return None
    return memory()


SHARED_KEYS_MAX = 30   # CPython 3.11+'s SHARED_KEYS_MAX_SIZE


_VIEWS = []


def address_views():
    """(words, bytes): memoryviews of the address space from 0 (only read),
    item i the 8-byte word at address 8 * i, resp. the byte at i (a
    _ctypes array over it, nothing copied); None without _ctypes.  Made
    once."""
    if not _VIEWS:
        try:
            from _ctypes import Array, _SimpleCData

            class Byte(_SimpleCData):
                _type_ = 'B'

            class Space(Array):
                _type_ = Byte
                _length_ = 1 << 47
            b = memoryview(Space.from_address(0)).cast('B')
            _VIEWS.append((b.cast('Q'), b))
        except Exception:
            _VIEWS.append(None)
    return _VIEWS[0]


def dict_marker():
    """CPython 3.6 to 3.13: (mark, applies), or None elsewhere (2.7, 3.14+,
    PyPy, no ctypes).  mark(o) tells what an instance's __dict__ holds
    that the snapshot's own reading would hide, or the model would not
    make from the names alone:
      0     nothing;
      1     the program read it (3.11-3.13): reading __dict__ makes CPython
            wrap the instance's values in a split dict (64 bytes) that
            stays; the snapshot reads the dicts itself, so this must look
            first;
      2     (3.13) its values were detached from it: the dict holds a
            copy of them (still on the shared keys of the class it had),
            the inline ones are invalid: CPython does that on __class__
            assignment (object_set_class: the dict made, then
            _PyDict_DetachFromObject), nothing else does;
      N>=8  it has a hash table of its own of N slots (a combined dict
            holding 1 to 29 names): the program assigned it (obj.__dict__
            = d), or under 3.10-3.12 updated it from another dict before
            any attribute was set (dict_merge copies that dict's table).
            Combined dicts the names explain (30 names or more, under
            3.11+ the shared keys' limit) are left to the model; those of
            fewer names it would not make (3.6-3.10: a name set out of
            order or deleted does, and is exact this way too).
    Python has no other way to tell: the dict pointer is read at the
    type's __dictoffset__ (3.6-3.10) or in the word before the object's
    GC header (3.11+: CPython's pre-header, Include/internal/
    pycore_object.h; 3.12 tagged, low bit set while it holds the values),
    and the dict's sixth word (ma_values) says split; a combined dict's
    keys (its fifth word) hold their size at their second word (3.6-3.10
    dk_size) or byte (3.11+ dk_log2_size).  applies(c): whether c's
    instances can be looked at so (3.11+ a managed dict, 3.6-3.10 a
    dict at a positive offset); dict_of(o): the address of o's dict (0:
    none), to tell a dict several instances share; checker(c, owner):
    on 64 bits, a function giving the list of the marks of the instances
    of class c it is given (an iterable), a faster mark() that tells a
    shared table too (below), else None."""
    mem = cpython_memory((3, 6), (3, 13))
    if mem is None:
        return None
    word, byte, w = mem
    old = sys.version_info[:2] <= (3, 10)
    v13 = sys.version_info[:2] == (3, 13)
    # 3.11+: words and bytes read through views of the address space (an
    # int from a memoryview, no ctypes object made a read), and checker()
    # marks in one Python call with no call inside (3.6-3.10 too)
    views = address_views() if not old and w == 8 else None
    if views is not None:
        wv = views[0].__getitem__
        rb = views[1].__getitem__

        def rw(a):
            return wv(a >> 3)
    else:
        def rw(a):
            return word(a).value or 0

        def rb(a):
            return byte(a).value

    def table(d):
        n = rw(d + 2 * w)
        if not 0 < n < SHARED_KEYS_MAX:
            return 0
        keys = rw(d + 4 * w)
        n = rw(keys + w) if old else 1 << rb(keys + w)
        return n if n >= 8 else 0

    if old:
        def dict_of(o):
            off = type(o).__dictoffset__
            return rw(id(o) + off) or 0 if off > 0 else 0

        def mark(o):
            d = dict_of(o)
            return table(d) if d and not rw(d + 5 * w) else 0

        def applies(c):
            return getattr(c, '__dictoffset__', 0) > 0

        views = address_views() if w == 8 else None
        if views is not None:
            # checker() as under 3.11+ (below): the dict at the class's
            # __dictoffset__, the table's size the keys' second word
            wv = views[0].__getitem__
            w8, w16, w32, w40 = [span_from(b).cast('Q').__getitem__ for b in (8, 16, 32, 40)]
            names_ok = frozenset(range(1, SHARED_KEYS_MAX))

            def checker(c, owner, kept=None):
                off = c.__dictoffset__

                def final(o):
                    d = wv((id(o) + off) >> 3)
                    if not d:
                        return 0
                    d >>= 3
                    if w40(d) or w16(d) not in names_ok:   # split; ma_used
                        return 0
                    n = w8(w32(d) >> 3)         # ma_keys's dk_size
                    if n < 8:
                        return 0
                    if wv(d) != 1:              # (refcount 1: no other holds it)
                        if d in owner:
                            return -1
                        owner.add(d)
                    return n
                return lambda objs: list(map(final, objs))
            return mark, applies, dict_of, checker
    else:
        def dict_of(o):
            d = rw(id(o) - 3 * w)
            return d if d and not d & 1 else 0

        def mark(o):
            d = dict_of(o)
            if not d:
                return 0
            v = rw(d + 5 * w)
            if not v:
                return table(d)
            if v13 and type(o).__flags__ & INLINE_VALUES and v != id(o) + type(o).__basicsize__:
                return 2      # values detached: a __class__ assignment (3.13)
            return 1

        def applies(c):
            return bool(c.__flags__ & MANAGED_DICT)

        if views is not None:
            # the same, one Python call an instance (read for every
            # instance of a class where one has a dict): word i of the
            # view is the word at 8 * i, objects and dicts are aligned
            def mark(o):
                d = wv((id(o) >> 3) - 3)
                if not d or d & 1:
                    return 0
                d >>= 3
                v = wv(d + 5)
                if not v:
                    n = wv(d + 2)
                    if not 0 < n < SHARED_KEYS_MAX:
                        return 0
                    n = 1 << rb(wv(d + 4) + 8)
                    return n if n >= 8 else 0
                if v13 and type(o).__flags__ & INLINE_VALUES and v != id(o) + type(o).__basicsize__:
                    return 2
                return 1

            # a table's slots from its dk_log2_size byte (0 below 8)
            sizes = tuple((1 << b) if b >= 3 else 0 for b in range(256))
            names_ok = frozenset(range(1, SHARED_KEYS_MAX))
            from struct import Struct
            word_at = Struct('<Q').unpack_from
            dict_head = Struct('<Q8xQ8xQQ').unpack_from     # refcount, ma_used, ma_keys, ma_values
            pre = span_from(-3 * w)   # its byte i: the one at i - 24 (the base wraps below 0)
            space = views[1]
            b8 = span_from(8).__getitem__

            def checker(c, owner, kept=None):
                """mark() of class c's instances, as one Python loop with
                no call inside but the reads: the word before the GC header
                read at the instance's address (a view from 24 bytes before
                0), the dict's four fields in one read, its keys' size byte
                (each step of arithmetic on an address makes an int, ~55 ns
                on this VM): ~2x faster; a table whose dict's address is in
                owner (an instance checked before holds it) is marked -1,
                the others' added to it, unless its refcount is 1 (no other
                instance can hold it).  kept, a list: the keys pointer of
                each instance marked 2 (detached values) is appended to it,
                for classes_of_values(), which would read it again (one
                int object a distinct pointer: lists of fresh ints cost
                their pages, ~14 us each on this VM, more than a loop that
                frees each int it made before the next).  (Chains of map()
                over lists of the addresses were not faster: ~0.5 us an
                instance either way, the reads' cache misses.)"""
                detach = v13 and c.__flags__ & INLINE_VALUES
                end = c.__basicsize__
                if kept is not None:
                    keep = kept.append
                    one = {}.setdefault

                def finals(objs):
                    """the marks of objs, a list (a loop: no Python call
                    an instance)"""
                    out = []
                    put = out.append
                    for o in objs:
                        a = id(o)
                        d, = word_at(pre, a)
                        if not d or d & 1:
                            put(0)
                            continue
                        rc, used, keys, v = dict_head(space, d)
                        if v:
                            if detach and v != a + end:
                                put(2)
                                if kept is not None:
                                    keep(one(keys, keys))
                            else:
                                put(1)
                            continue
                        if used not in names_ok:
                            put(0)
                            continue
                        n = sizes[b8(keys)]     # ma_keys's dk_log2_size
                        if n and rc != 1:       # (refcount 1: no other holds it)
                            if d in owner:
                                n = -1
                            else:
                                owner.add(d)
                        put(n)
                    return out
                return finals
            return mark, applies, dict_of, checker
    return mark, applies, dict_of, None


_SCAN = []
PYSCAN_NAME = 'libslotslab-pyscan.so'
HIGH_BIT = bytes(bytearray(b >> 7 for b in range(256)))   # translate's: 1 if 128 or more


def pyscan():
    """CPython 3.11 to 3.13 on 64 bits: libslotslab-pyscan.so's dict
    checks (pyrecord/pyscan.c), as a function scan(lst, pick, end, k,
    made) giving (codes, keys, dicts, made) for the k instances of list
    lst that pick (a bytearray a byte an item, non-zero: picked; or None:
    all) picks, or the instances of class of among them if given (a 2
    whose dict's keys are made[j], up to 63 of them, code 64 + j, its
    keys not listed), or None when the library says it cannot; None
    elsewhere, or when the library is not found or not loaded.  The library is
    $SLOTSLAB_PYSCAN (`slotslab pyrecord` sets it to the one it ships
    beside itself; the recorder drops it from the program's environment)
    or the one beside this file (an installed share/slotslab/).  Loaded
    through _ctypes alone (ctypes/__init__ costs ~2 ms), its function
    called with the GIL held (FUNCFLAG_PYTHONAPI: no other thread runs
    while it reads).  The layout it is given is the one dict_marker()'s
    checker reads (the dict pointer 24 bytes before the object, the dict's
    refcount, ma_used, ma_keys and ma_values at 0, 16, 32 and 40, the
    keys' dk_log2_size byte at 8); a list's length and items at 16 and 24,
    checked on a list of this function's own first."""
    if _SCAN:
        return _SCAN[0]
    _SCAN.append(None)
    if not CPYTHON or not (3, 11) <= sys.version_info[:2] <= (3, 13) or address_views() is None:
        return None
    path = _PYSCAN_PATH[0] or os.path.join(os.path.dirname(os.path.abspath(__file__)), PYSCAN_NAME)
    if not os.path.isfile(path):
        return None
    try:
        from _ctypes import (CFuncPtr, FUNCFLAG_CDECL, FUNCFLAG_PYTHONAPI, _SimpleCData,
                             addressof, dlopen)
        from struct import Struct

        class Ptr(_SimpleCData):
            _type_ = 'P'

        class Long(_SimpleCData):
            _type_ = 'l'

        class Text(_SimpleCData):
            _type_ = 'z'

        class Byte(_SimpleCData):
            _type_ = 'B'

        class Lib(object):
            _handle = dlopen(path, 2)     # RTLD_NOW

        def cfunc(name, restype, argtypes):
            """the library's function name (pyscan.h), called with the GIL held"""
            kind = type(CFuncPtr)(str(name), (CFuncPtr,), {
                '_flags_': FUNCFLAG_CDECL | FUNCFLAG_PYTHONAPI,
                '_restype_': restype, '_argtypes_': argtypes})
            return kind((name, Lib))
        fn = cfunc('slotslab_pyscan_marks', Long,
                   (Text, Ptr, Ptr, Ptr, Long, Text, Long, Ptr, Long, Ptr, Long, Ptr, Long))
        merge_fn = cfunc('slotslab_pyscan_merge', Long, (Text, Ptr, Text, Long, Text, Text, Long, Ptr))
        pairs_fn = cfunc('slotslab_pyscan_pairs', Long, (Ptr, Ptr, Long, Ptr, Ptr, Long))
        apply_fn = cfunc('slotslab_pyscan_apply', None, (Ptr, Ptr, Long, Ptr))
        keys_fn = cfunc('slotslab_pyscan_keys', Long,
                        (Text, Ptr, Ptr, Ptr, Long, Long, Long, Ptr, Long, Ptr))
        wv = address_views()[0].__getitem__
        probe = [fn, Lib]
        if wv((id(probe) + 16) >> 3) != 2 or wv(wv((id(probe) + 24) >> 3) >> 3) != id(fn):
            return None
        layout = Struct('<11q').pack(16, 24, -24, 1 if sys.version_info[:2] == (3, 12) else 0,
                                     0, 16, 32, 40, 8, SHARED_KEYS_MAX, 8)
    except Exception:
        return None

    def at(buf):
        return addressof(Byte.from_buffer(buf))

    def scan(lst, pick, end, k, made=(), of=None):
        if pick is not None and len(pick) != len(lst) or len(made) > 63:
            return None
        t = 0 if of is None else id(of)
        table = Struct('<%dQ' % len(made)).pack(*made)
        codes = bytearray(k)
        if not k:
            return codes, [], [], made
        room = 64
        more = bytearray(16 * room)
        words = memoryview(more).cast('Q')
        got = fn(layout, id(lst), None if pick is None else at(pick), t, end, table, len(made),
                 at(codes), k, at(more), room, at(more) + 8 * room, room)
        if got < 0:
            return None
        nkeys, ndicts = got & 0xffffffff, got >> 32
        if nkeys > room or ndicts > room:
            del words
            room = max(nkeys, ndicts)
            more = bytearray(16 * room)
            words = memoryview(more).cast('Q')
            if fn(layout, id(lst), None if pick is None else at(pick), t, end, table, len(made),
                  at(codes), k, at(more), room, at(more) + 8 * room, room) != got:
                return None
        keys = words[:nkeys].tolist()
        dicts = words[room:room + ndicts].tolist()
        del words
        return codes, keys, dicts, made
    def merge(lst, classes, nums, zero=False):
        """each item of lst's (instances of classes; with zero, of others
        too: 0) next number of its class's nums (bytearrays), a bytearray;
        None if one is missing"""
        if not lst or not 0 < len(classes) <= 64 or len(nums) != len(classes):
            return None
        out = bytearray(len(lst))
        words = Struct('<%dQ' % len(nums)).pack
        got = merge_fn(layout, id(lst), words(*map(id, classes)), len(classes),
                       words(*[at(b) if b else 0 for b in nums]),
                       Struct('<%dq' % len(nums)).pack(*map(len, nums)), 1 if zero else 0, at(out))
        return out if got == 0 else None

    def apply(codes, shapes, new):
        """a copy of shapes (a bytearray, the instances' shape numbers)
        where codes (as many) is not 0 new(code, shape), called once a
        distinct pair, in the order of each one's first instance; None if
        one of those is not below 256 (or None)"""
        n = len(codes)
        if not n or len(shapes) != n:
            return None
        seen = bytearray(1 << 16)
        room = 1024
        firsts = bytearray(2 * room)
        k = pairs_fn(at(codes), at(shapes), n, at(seen), at(firsts), room)
        if k > room:
            seen = bytearray(1 << 16)
            room = k
            firsts = bytearray(2 * room)
            k = pairs_fn(at(codes), at(shapes), n, at(seen), at(firsts), room)
        table = seen          # (its marks no longer needed)
        for p in memoryview(firsts).cast('H')[:k].tolist():
            v = new(p >> 8, p & 255)
            if v is None or not 0 <= v < 256:
                return None
            table[p] = v
        out = bytearray(shapes)
        apply_fn(at(codes), at(out), n, at(table))
        return out
    def inline_keys(lst, pick, n, base, skip, k, make):
        """inline_shapes()'s numbers (CPython 3.13) of the n instances of
        lst that pick picks (or all), a bytearray: each one's key (its
        values' capacity, size and valid byte, the first k bytes of their
        order) read in C, its number make(UNTOLD)'s, asked once a distinct
        key in the order of each one's first (as the Python path asks);
        None past 256 distinct keys or TooManyShapes."""
        if not n or (pick is not None and len(pick) != len(lst)):
            return None
        w = k + 3
        idx = bytearray(n)
        buf = bytearray(256 * w)
        got = keys_fn(layout, id(lst), None if pick is None else at(pick), 0, base, skip, k,
                      at(idx), n, at(buf))
        if got < 0:
            return None
        raw = make(UNTOLD)
        table = bytearray(256)
        try:
            for i in range(got):
                table[i] = raw[tuple(buf[i * w:i * w + w])]
        except TooManyShapes:
            return None
        return idx.translate(table)
    _SCAN[0] = scan
    _SHAPES.append((merge, apply, inline_keys))
    return scan


_SHAPES = []     # pyscan()'s (merge, apply, inline_keys), once loaded


def pyscan_shapes():
    """(merge, apply, inline_keys): libslotslab-pyscan.so's byte loops for
    the shapes' steps (pyscan()), or None where it is not loaded."""
    return _SHAPES[0] if pyscan() is not None and _SHAPES else None


_PYSCAN_PATH = [None]    # $SLOTSLAB_PYSCAN, taken from the environment by main()


INLINE_VALUES = 1 << 2  # Py_TPFLAGS_INLINE_VALUES (CPython 3.13)
POOL_SIZE = 1 << 14     # pymalloc's pools, CPython 3.10+ on 64 bits (Objects/obmalloc.c)


def values_sizer():
    """A function giving, for an instance of a plain dict class (no slots,
    bases object or plain dict classes), a number that grows with the
    class's shared keys when the instance's values were made, or None if
    it cannot say; or None (not CPython 3.6-3.13).  What it reads: 3.6-3.10
    the split dict's size (its values array follows the shared keys);
    3.11 and 3.12 the size class of the values array's block, from its
    pymalloc pool's header (2-value steps; without pymalloc, the array's
    prefix size byte: 8-value steps), the values pointer in the pre-header
    or the dict's once the snapshot has made it; 3.13 the inline values'
    capacity byte, after the object.
    Compared with a probe class's instances (made_early()), it tells
    whether names rare now were in the shared keys when most instances
    were made (set in __init__) or came after (added later)."""
    mem = cpython_memory((3, 6), (3, 13))
    if mem is None:
        return None
    word, byte, w = mem
    v = sys.version_info[:2]

    def sizer(o):
        if v <= (3, 10):      # a split dict's size; None for a combined one
            d = object.__getattribute__(o, '__dict__')
            return sys.getsizeof(d) if word(id(d) + 5 * w).value else None
        if v == (3, 13):
            if not type(o).__flags__ & INLINE_VALUES:
                return None
            return byte(id(o) + type(o).__basicsize__).value
        if not type(o).__flags__ & MANAGED_DICT:
            return None       # no pre-header (e.g. an Exception's dict)
        if v == (3, 11):
            vals = word(id(o) - 4 * w).value
            d = None if vals else word(id(o) - 3 * w).value
        else:
            t = word(id(o) - 3 * w).value
            vals, d = (t + 1, None) if t and t & 1 else (None, t)
        if d:
            vals = word(d + 5 * w).value
        if not vals:
            return None
        prefix = byte(vals - 1).value
        if not pools:
            return prefix
        # the block's size class, from its pymalloc pool's header (szidx,
        # the high half of its fifth word): room in steps of 2 values
        return ((word(((vals - prefix) & ~(POOL_SIZE - 1)) + 4 * w).value >> 32) + 1) * 16
    pools = w == 8 and sys.getallocatedblocks() > 0   # pymalloc in use (0 without it)
    return sizer


_KEYS_AT = []


def shared_keys_at():
    """CPython 3.11 to 3.13: the offset of a heap type's shared keys
    pointer (ht_cached_keys) in the type object, found on a probe class of
    this module's own (its dict's keys are the class's: the offset holding
    them), and checked by reading the probe's names back; None if not
    found or not CPython 3.11-3.13 with _ctypes."""
    if not _KEYS_AT:
        _KEYS_AT.append(None)
        mem = cpython_memory((3, 11), (3, 13))
        if mem is None:
            return None
        word, byte, w = mem
        try:
            probe = type('probe', (object,), {})
            p = probe()
            p.first = p.second = 1
            keys = word(id(p.__dict__) + 4 * w).value    # ma_keys
            for off in range(2 * w, type.__basicsize__, w):
                if word(id(probe) + off).value == keys:
                    _KEYS_AT[0] = off
                    break
            if key_names(probe) != ('first', 'second'):
                _KEYS_AT[0] = None
        except Exception:
            _KEYS_AT[0] = None
    return _KEYS_AT[0]


_OBJ_AT = []


def key_names(c, room=False):
    """CPython 3.11 to 3.13: the names in class c's shared keys, in their
    order (an instance's values are in that order), or None; with room,
    (names, dk_nentries + dk_usable).  The keys (Include/internal/
    pycore_dict.h): a 32-byte header (dk_log2_index_bytes its tenth byte,
    dk_usable its third word, dk_nentries its fourth), the index array,
    then 16-byte entries (key, value)."""
    off = _KEYS_AT[0] if _KEYS_AT else shared_keys_at()
    if off is None:
        return None
    word, byte, w = memory()
    if not _OBJ_AT:
        from _ctypes import _SimpleCData

        class Obj(_SimpleCData):
            _type_ = 'O'
        _OBJ_AT.append(Obj.from_address)
    keys = word(id(c) + off).value
    if not keys:
        return None
    n = word(keys + 3 * w).value or 0
    if n > SHARED_KEYS_MAX:
        return None
    entries = keys + 32 + (1 << byte(keys + 9).value)
    names = tuple(_OBJ_AT[0](entries + 16 * i).value for i in range(n))
    if not all(type(a) is str for a in names):
        return None
    return (names, n + (word(keys + 2 * w).value or 0)) if room else names


_SPAN = {}


def span_from(base):
    """A read-only view of the address space from address base on: its
    byte i is the one at base + i (a _ctypes array over it, nothing
    copied; only the bytes read are touched)."""
    v = _SPAN.get(base)
    if v is None:
        from _ctypes import Array, _SimpleCData

        class Byte(_SimpleCData):
            _type_ = 'B'

        class Span(Array):
            _type_ = Byte
            _length_ = (1 << 47) - base
        v = memoryview(Span.from_address(base)).cast('B')
        v = _SPAN[base] = v.toreadonly() if hasattr(v, 'toreadonly') else v   # (3.8+)
    return v


class InlineShapes(dict):
    """CPython 3.13: what a class's instance holds, read from its inline
    values (no dict made): the values' header (capacity, size, embedded,
    valid: four bytes at the end of the object, its __basicsize__) and the
    first K bytes of their insertion order (after the capacity's values),
    as (capacity, size, valid, K bytes) -> the shape number, or None where the values are not the
    instance's attributes (no longer valid: a dict of its own, a
    __class__ assignment) or the key does not tell (another capacity,
    more names than K): those are read through __dict__.  The bytes past
    an instance's names are not initialised (memory reused): an instance
    with fewer than K names may make a key of its own; past 4096 keys the
    class is read through its dicts instead (LookupError).  untold: what
    stands for None (shape_numbers())."""

    def __init__(self, shapes_c, cap, k, names, untold):
        dict.__init__(self)
        self.shapes_c, self.cap, self.k, self.names = shapes_c, cap, k, names
        self.untold = untold

    def __missing__(self, key):
        if len(self) > 4096:  # their bytes past the names vary (not initialised)
            raise LookupError('too varied')
        size = key[1]
        order = key[3:3 + size]
        n = None
        if (key[0] == self.cap and key[2] == 1 and size <= self.k and
                all(i < len(self.names) for i in order)):
            n = self.shapes_c[tuple(self.names[i] for i in order)]
        self[key] = n = told(n, self.untold)
        return n


def inline_shapes(c, each, among, shapes_c, seq=None, source=None):
    """The shape numbers of class c's instances (each() iterates over them;
    among: a list holding them, to sample; seq: their list, if there is
    one), read from their inline values (CPython
    3.13, a class without slots whose instances have them) in one pass of
    C loops (~40 ns an instance, where making and reading a dict costs
    ~150), as a list; those the values do not tell (InlineShapes: a class's
    first ~30 instances have more room, some have a dict of their own) are
    read through __dict__ after.  The capacity read for is the shared keys'
    room now (dk_nentries + dk_usable: CPython gives an instance that much,
    and the sum only shrinks, by one an instance while dk_usable > 1, so no
    instance has less and no read goes past an instance's values; the
    later instances have just that), K the most names ~256 instances spread
    over all hold.  None when the class cannot be read so (then its dicts
    are read).  CPython 3.11 and 3.12: read from the values behind the
    pointer in the pre-header instead (values_shapes()).  Where
    pyscan_shapes() is loaded, the keys are read and told apart in C (its
    inline_keys(): a key asked of InlineShapes once, in the same order),
    given the instances' list, seq, or source (a list and a bytearray
    picking them from it)."""
    if (3, 11) <= sys.version_info[:2] <= (3, 12):
        nums = values_shapes(c, each, among, shapes_c)
        return None if nums is None else with_dicts(c, nums, each, seq, shapes_c)
    if (not c.__flags__ & INLINE_VALUES or getattr(c, '__itemsize__', 1) or
            not generic_dict(c) or c in shapes_c.shapes.no_inline or
            shared_keys_at() is None):
        return None
    got = key_names(c, room=True)
    if got is None:
        return None
    names, cap = got
    if not 0 < cap <= SHARED_KEYS_MAX:
        return None
    from struct import Struct
    span = span_from(c.__basicsize__)
    head = Struct('<I').unpack_from
    sample = [o for o in among[::max(1, len(among) // 256)] if type(o) is c]
    if len(sample) < 16:      # few among many: from all of them
        sample = list(islice(each(), 0, None, max(1, len(among) // 4096)))
    heads = [h for h, in map(head, repeat(span), map(id, sample))]
    sample = [h for h in heads if h >> 24 == 1]
    if len(heads) >= 16 and 8 * (len(heads) - len(sample)) > len(heads):
        # over an eighth not valid (changed class, or a dict of their own):
        # their dicts, in bulk, as a pass would find (over a sixteenth)
        shapes_c.shapes.no_inline.add(c)
        return None
    k = max([h >> 8 & 255 for h in sample if h & 255 == cap] or [cap])
    # (capacity, size, valid, the first K order bytes): small ints, none made
    read = Struct('<BBxB%dx%dB' % (4 + 8 * cap, k)).unpack_from
    try:
        nums = None
        helper = pyscan_shapes()
        if helper is not None and (seq is not None or source is not None):
            lst, pick = (seq, None) if seq is not None else source
            nums = helper[2](lst, pick, len(seq) if seq is not None else pick.count(b'\x01'),
                             c.__basicsize__, 8 + 8 * cap, k,
                             lambda untold: InlineShapes(shapes_c, cap, k, names, untold))
        if nums is None:
            nums = shape_numbers(lambda untold: InlineShapes(shapes_c, cap, k, names, untold),
                                 lambda: map(read, repeat(span), map(id, each())))
    except LookupError:       # (the order bytes past an instance's names, garbage)
        shapes_c.shapes.no_inline.add(c)
        return None
    return with_dicts(c, nums, each, seq, shapes_c)


UNTOLD = 255          # shape_numbers()'s None in a bytearray
UNTOLD_BYTE = b'\xff'
IS_UNTOLD = bytes(bytearray(255)) + b'\x01'  # bytes.translate's: 1 for UNTOLD


class TooManyShapes(Exception):
    """A shape number that a byte below UNTOLD cannot hold."""


def told(n, untold):
    """n (a shape number or None) as shape_numbers() keeps it."""
    if n is None:
        return untold
    if untold is not None and n >= untold:
        raise TooManyShapes()
    return n


def shape_numbers(make, keys_of):
    """The numbers raw = make(untold) (an InlineShapes or ValuesShapes)
    gives the keys keys_of() iterates over: a bytearray while every number
    is below UNTOLD, which stands for None there (no list of ints: 262 144
    of them, 2 MB of fresh pages, and scans for None in it by comparison);
    else a list, None there."""
    try:
        return bytearray(map(make(UNTOLD).__getitem__, keys_of()))
    except TooManyShapes:     # (the same shapes met again: the same numbers)
        return list(map(make(None).__getitem__, keys_of()))


def with_dicts(c, nums, each, seq, shapes_c):
    """nums (class c's instances' shape numbers, from shape_numbers()), its
    untold ones (those the values do not tell: UNTOLD in a bytearray,
    None in a list) read through __dict__; None when they are too many
    (over a sixteenth: then the class's dicts are read in bulk) or a dict
    is not a dict."""
    if type(nums) is bytearray:
        x = UNTOLD_BYTE
        n = nums.count(x)     # (memchr scans)
    else:
        x = None
        n = nums.count(x) if None in nums else 0   # (a C scan, up to the first)
    if n:
        if n > 64 + len(nums) // 16:
            shapes_c.shapes.no_inline.add(c)   # mostly not: their dicts, in bulk
            return None
        where = [nums.index(x)]
        while len(where) < n:
            where.append(nums.index(x, where[-1] + 1))
        if seq is not None:
            objs = map(seq.__getitem__, where)
        else:                 # (up to the last)
            untold = (nums.translate(IS_UNTOLD) if x is not None else
                      map(is_, nums, repeat(None)))
            objs = compress(islice(each(), where[-1] + 1), untold)
        for i, o in zip(where, objs):
            d = object.__getattribute__(o, '__dict__')
            if type(d) is not dict:
                return None
            s = shapes_c[tuple(d)]
            if s >= UNTOLD and type(nums) is bytearray:
                nums = list(nums)     # (the untold ones left are set below)
            nums[i] = s
    return nums


_ZEROS = bytes(128)   # what a missing values pointer is steered to (values_shapes)


class ValuesShapes(dict):
    """CPython 3.11 and 3.12: what a class's instance holds, read from its
    values (Objects/dictobject.c, new_values() and
    _PyDictValues_AddToInsertionOrder(): a prefix before the values, its
    size in its last byte, the count of names in the byte before, their
    indices in the shared keys, in insertion order, in the bytes before
    that, the first last) as a tuple of the K order bytes before the count
    (the K-th name's first), the count and the prefix's size -> the shape
    number, or None where they do not tell: no name (also an instance
    without values, whose bytes read are zeros or its dict's header, see
    values_shapes()), more names than K (read through __dict__).  The
    bytes past an instance's count are not initialised (memory reused):
    an instance with fewer names than K may make a key of its own; past
    4096 keys the class is read through its dicts instead (LookupError).
    untold: what stands for None (shape_numbers())."""

    def __init__(self, shapes_c, k, names, untold):
        dict.__init__(self)
        self.shapes_c, self.k, self.names = shapes_c, k, names
        self.untold = untold

    def __missing__(self, key):
        if len(self) > 4096:  # their bytes past the names vary (not initialised)
            raise LookupError('too varied')
        k = self.k
        size, prefix = key[k], key[k + 1]
        n = None
        if 0 < size <= k and size + 2 <= prefix and not prefix & 7:
            order = key[k - 1::-1][:size]
            if all(i < len(self.names) for i in order):
                n = self.shapes_c[tuple(self.names[i] for i in order)]
        self[key] = n = told(n, self.untold)
        return n


def values_shapes(c, each, among, shapes_c):
    """CPython 3.11 and 3.12 on 64 bits: the shape numbers of class c's
    instances (as inline_shapes()), read from their values in one pass of
    C loops, no dict made (reading __dict__ makes each instance's dict
    there, 48 bytes: ~0.2 us an instance on this VM, where a fresh page
    costs ~14 us), as a list, None for those the values do not tell
    (ValuesShapes); None when the class cannot be read so.  The values'
    address is the pre-header's word before the GC header (3.11: NULL
    once the dict is made, which then holds them; 3.12: tagged, the
    address - 1, or the dict's, even): a NULL is steered to zeros
    (_ZEROS), a dict's address (3.12) reads the end of its GC header, a
    count of 0 (the top byte of a pointer): both give no name, so those
    instances are read through __dict__ (which exists: none is made).  K
    is the count most of ~256 instances spread over all have (None if
    over a 16th have another)."""
    from struct import Struct
    if (not c.__flags__ & MANAGED_DICT or getattr(c, '__itemsize__', 1) or
            not generic_dict(c) or c in shapes_c.shapes.no_inline or
            shared_keys_at() is None):
        return None
    views = address_views()
    names = key_names(c)
    if views is None or not names:
        return None
    v12 = sys.version_info[:2] == (3, 12)
    space = views[1]
    # Each read at an instance's address (id: one int made, where each
    # step of arithmetic on it makes another, ~55 ns each on this VM): a
    # view from the word before the GC header that holds the values'
    # address (the view's base below 0 wraps around: its byte i is the one
    # at i - 8 * back), then one from K + 2 (3.11) or K + 1 (3.12: tagged)
    # bytes before the values, read at that word.
    back = 3 if v12 else 4
    head = Struct('<Q').unpack_from
    pre = span_from(-8 * back)
    first = itemgetter(0)

    def words(objs):
        return map(first, map(head, repeat(pre), map(id, objs)))
    sample = [o for o in among[::max(1, len(among) // 256)] if type(o) is c]
    if len(sample) < 16:      # few among many: from all of them
        sample = list(islice(each(), 0, None, max(1, len(among) // 4096)))
    heads = list(words(sample))
    vals = [t + 1 for t in heads if t & 1] if v12 else [t for t in heads if t]
    if not vals or (len(heads) >= 16 and 8 * (len(heads) - len(vals)) > len(heads)):
        # over an eighth without values (a dict of their own, a changed
        # class): their dicts, in bulk
        shapes_c.shapes.no_inline.add(c)
        return None
    # K: the count most of the sample have, if all but a 16th have it: an
    # instance with more is read through __dict__ (over a 16th of them and
    # the class is read through its dicts, the values pass lost), one with
    # fewer makes keys of its own (rows.py: 3.12's 30 000 rows of 3, 4 or
    # 5 names took 14 ms through their dicts, 21 ms more read so first)
    counts = [space[v - 2] for v in vals]
    k = max(set(counts), key=lambda n: (counts.count(n), n))
    if not 0 < k <= SHARED_KEYS_MAX or 16 * (len(counts) - counts.count(k)) > len(counts):
        shapes_c.shapes.no_inline.add(c)
        return None
    read = Struct('<%dB' % (k + 2)).unpack_from
    safe = id(_ZEROS) + 32 + 64     # zeros before it (the bytes' data: 32 bytes on)
    if v12:                   # the values' address - 1
        steer, keys = {0: safe - 1}.get, span_from(-1 - k)
    else:
        steer, keys = {0: safe}.get, span_from(-2 - k)
    def keys_of():
        a, b = tee(words(each()))
        return map(read, repeat(keys), map(steer, a, b))
    try:
        return shape_numbers(lambda untold: ValuesShapes(shapes_c, k, names, untold), keys_of)
    except LookupError:       # (the order bytes past an instance's names, garbage)
        shapes_c.shapes.no_inline.add(c)
        return None


def with_values(sample):
    """CPython 3.11 and 3.12: how many of sample (instances of classes with
    a managed dict) have values (no dict made: 3.11 the values' pointer
    before the GC header set, 3.12 the word there tagged)."""
    from struct import Struct
    v12 = sys.version_info[:2] == (3, 12)
    heads = map(itemgetter(0), map(Struct('<Q').unpack_from, repeat(span_from(-24 if v12 else -32)),
                                   map(id, sample)))
    return sum(map(and_, heads, repeat(1))) if v12 else \
        len(sample) - list(heads).count(0)


def classes_of_values(instances, pos, ms, classes, kept=None):
    """CPython 3.13: for each instance marked 2 (its values detached by a
    __class__ assignment; pos, ms: the marked instances' positions and
    marks), the class whose shared keys its dict's values are on (the
    class it was made as): {position: class}, those found.  kept: the
    keys pointers of the dicts of those marked 2, in order (dict_marks()
    read them), else read here, in C loops where it can (the dict's pointer before the
    object, its keys' at the dict's address plus 32)."""
    off = shared_keys_at()
    if off is None:
        return {}
    word, byte, w = memory()
    keys = {}
    for c in classes:
        if c.__flags__ & INLINE_VALUES:
            keys[word(id(c) + off).value] = c
    where = list(compress(pos, map(eq, ms, repeat(2))))
    if kept is not None:
        made = list(map(keys.get, kept))
        return dict(compress(zip(where, made), map(is_not, made, repeat(None))))
    views = address_views() if w == 8 else None
    if views is None:
        out = {}
        for i in where:
            d = word(id(instances[i]) - 3 * w).value
            k = keys.get(word(d + 4 * w).value) if d else None
            if k is not None:
                out[i] = k
        return out
    wv = views[0].__getitem__
    w32 = span_from(32).cast('Q').__getitem__
    # (marked 2: each has a dict, so no NULL is read through)
    dicts = map(wv, map(add, map(rshift, map(id, map(instances.__getitem__, where)),
                                 repeat(3)), repeat(-3)))
    made = list(map(keys.get, map(w32, map(rshift, dicts, repeat(3)))))
    return dict(compress(zip(where, made), map(is_not, made, repeat(None))))


first_of = itemgetter(0)
NOT_BYTE = b'\x01\x00' + bytes(bytearray(254))   # bytes.translate's: 0 <-> 1
BIT_TABLES = [bytes(bytearray([0, 1 << j]) + bytearray(254)) for j in range(8)]  # 1 -> bit j
ONE_BYTE = b'\x00\x01' + bytes(bytearray(254))    # bytes.translate's: 1 if 1, else 0
# dict_marks()'s codes, a byte a mark: 0, 1 and 2 as they are, a table's
# size its log2 (8 and up: 3 to 63), 2 of an instance made as the K-th
# class dict_marks() names 64 + K, -1 (a dict another holds) 255
MADE_AS = 64          # the first code of a mark 2 made as a class
MARK_OF_CODE = [0, 1, 2] + [1 << b for b in range(3, MADE_AS)] + [2] * 191 + [-1]
MARK_CODES = dict((m, b) for b, m in enumerate(MARK_OF_CODE[:MADE_AS]))
MARK_CODES[-1] = 255
NOT_TWO = bytes(bytearray(b if b != 2 else 0 for b in range(256)))  # translate's: 2 -> 0
TWO_BYTE = b'\x00\x00\x01' + bytes(bytearray(253))  # translate's: 1 if 2, else 0


def dict_candidates(c, insts, sample):
    """CPython 3.11 to 3.13: which of insts (instances of class c, a
    managed dict) may have a dict object, as a bytearray (1: may), read in
    C loops, so that dict_marker()'s mark (a Python call and several reads
    an instance) runs only for those; None elsewhere.  On 64 bits, the word
    before the GC header, read at the instance's address through a view
    from 24 bytes below (no int made but id's and the word's): the dict's
    pointer (3.11: the values' is the word before it, cleared when the
    dict is made; 3.13: a dict wrapping valid inline values is one too),
    under 3.12 tagged, odd while it holds the values.  (3.11 and 3.12 read
    the instance's first referent before, gc.get_referents: a list made an
    instance, ~0.2 us; rare.py's 30 000 instances under 3.12: 6 -> 3 ms.)
    None too when over a quarter of sample (some of insts) may have a dict
    (a class whose instances changed class: every one has a dict), where
    this pass would only add to mark's.
    CPython 3.13, a class with inline values: the same read takes the
    values' valid byte too (after the object, at its __basicsize__ + 3),
    and an instance whose dict wraps its valid inline values (the program
    read __dict__: mark 1, as mark() would find in the dict) is 2, its
    dict not read: a dict is made on its instance's values and holds them
    until it stops (made combined, or the values detached by a __class__
    assignment or a __dict__ assignment: each clears the byte), so only
    a dict beside invalid values is checked (tests/advise/pyprogs/
    kwargs.py, 30 000 read ones no longer in mark's loop: the dict checks
    ~30 -> ~26 ms), where one of sample is so (else the word alone: a
    read ~40 % cheaper).  The dict's pointer is read as eight bools, one a
    byte (no int made: a key of the pointer's zero bytes and the valid
    byte)."""
    if not CPYTHON or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return None
    if not c.__flags__ & MANAGED_DICT or address_views() is None:
        return None
    from struct import Struct
    word_at = Struct('<Q').unpack_from
    pre = span_from(-24)
    got = None
    if sys.version_info[:2] == (3, 12):
        def may(objs):        # the tag bit, inverted (NULL too: mark() says 0)
            return bytearray(map(and_, map(itemgetter(0), map(word_at, repeat(pre), map(id, objs))),
                                 repeat(1))).translate(NOT_BYTE)
    else:
        def may(objs):
            return bytearray(map(truth, map(itemgetter(0), map(word_at, repeat(pre), map(id, objs)))))
    if sys.version_info[:2] == (3, 13) and c.__flags__ & INLINE_VALUES:
        read = Struct('<8?%dxB' % (16 + c.__basicsize__ + 3)).unpack_from
        kind = Memo(lambda k: (2 if k[8] == 1 else 1) if any(k[:8]) else 0)

        def may_read(objs):
            return bytearray(map(kind.__getitem__, map(read, repeat(pre), map(id, objs))))
        got = may_read(sample)
        if 2 in got:          # (else the cheaper read: ~60 % of this one's time)
            may = may_read
        else:
            got = None
    if got is None:
        got = may(sample)
    if 4 * got.count(b'\x01') > len(got):
        return None
    return may(insts)


def attributeless(c, each, sample):
    """CPython 3.11 to 3.13 on 64 bits: which of each()'s (class c's
    instances: a managed dict, under 3.13 no inline values, as a subclass
    of tuple, list or str has) hold no attribute at all, as a bytearray (1:
    none): no dict made and no values, the words before the GC header NULL
    (3.11 the values' and the dict's, 3.12 the tagged one, 3.13 the
    dict's).  Reading such an instance's __dict__ makes an empty dict (~1
    us and 64 bytes each: a namedtuple subclass without __slots__ = (),
    tests/advise/pyprogs/tuplesub.py, 25 000 of them under 3.12: 28 ms,
    RSS 1.35x), so it is not read.  None elsewhere, or when under an
    eighth of sample() (some of them, a list) are so."""
    if not CPYTHON or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return None
    v = sys.version_info[:2]
    if (not c.__flags__ & MANAGED_DICT or (v == (3, 13) and c.__flags__ & INLINE_VALUES) or
            address_views() is None):
        return None
    from struct import Struct
    n = 16 if v == (3, 11) else 8
    at = Struct('<%ds' % n).unpack_from
    span = span_from(-16 - n)    # (3.11: from the values' word, at -32)
    zeros = bytes(bytearray(n))

    def bare(objs):
        return bytearray(map(eq, map(itemgetter(0), map(at, repeat(span), map(id, objs))),
                             repeat(zeros)))
    sample = sample()
    if not sample or 8 * bare(sample).count(b'\x01') < len(sample):
        return None
    return bare(each())


def dict_marks(instances, picked, itypes, c1, present, classes=(), source=None):
    """The instances whose __dict__ dict_marker() marks: where a quarter
    of them or more are and none is marked -1 (nor 2 of a class not
    found), a bytearray of a code an instance (MARK_CODES: 0 not marked),
    in their order (no list of positions: an int each, fresh memory, ~14
    us a page on this VM), with the list of the classes
    (classes: the user's) the instances marked 2 (their values detached
    by a __class__ assignment, CPython 3.13) were made as (code MADE_AS +
    K: the K-th; classes_of_values() tells them by their dict's keys
    pointer, the checker keeps), a pair; else as [positions in instances,
    marks, the keys pointers of the dicts of those marked 2 (None if the
    checker did not keep them)], three lists (a list of pairs made a
    tuple for each; array would import collections, ~4 ms), or
    None: READ_SAMPLES instances spread over
    all, and each class's first; a class where one is marked has all its
    instances checked.  Only instances of classes it applies to are looked
    at.  itypes: the instances' classes, or None when all are of class
    c1, in which case instances may be None and picked() gives them
    (without a list: a sample every 512th, then a pass if one is
    marked).  An instance whose dict another one marked before it has
    (self.__dict__ = shared: the Borg pattern) is marked -1 instead: its
    memory is the other's.  source: (the list picked() picks from, a
    bytearray saying which), for pyscan().
    A checked class's codes come from pyscan() where it is loaded (one C
    loop over the class's instances, reading each one's dict pointer and
    dict as the checker does: no dict_candidates(), whose 2s, the dicts
    holding valid inline values, the loop marks 1 too), else from the
    checker."""
    if not any(map(has_dict, present)):
        return None
    got = dict_marker()
    if got is None:
        return None
    mark, applies, dict_of, checker = got
    checked = set(c for c in present if applies(c))
    if not checked:
        return None
    owner = set()
    # the C loop, where the checker reads the dicts (3.11-3.13, 64 bits)
    scan = pyscan() if checker is not None and sys.version_info[:2] >= (3, 11) else None
    v13 = sys.version_info[:2] == (3, 13)

    def made_of(c):
        """pyscan()'s made: 3.13, a class with inline values, the known
        keys pointers (known_keys()); else none"""
        return list(known_keys()) if end_of(c) else []

    def end_of(c):
        """pyscan()'s end: 3.13, a class with inline values, its basic size
        (values detached when its dict's are not there); else 0"""
        return c.__basicsize__ if v13 and c.__flags__ & INLINE_VALUES else 0

    def final(o):
        m = mark(o)
        if m >= 8:
            d = dict_of(o)
            if d in owner:
                return -1
            owner.add(d)
        return m

    kept = [[]]       # the keys pointers of those marked 2, in order (None: not given)
    unlisted = [False]    # some of those not in kept (pyscan() gave their class)
    made_as = []      # the classes those marked 2 were made as, by code

    def known_keys():
        """by_keys, filled once: the shared keys pointer of each of classes
        with inline values -> the class."""
        if not made_as:
            made_as.append(None)      # (K counts from 1: code MADE_AS is none)
            off = shared_keys_at()
            word = memory()[0]
            by_keys.update((word(id(c) + off).value, c) for c in classes
                           if off is not None and c.__flags__ & INLINE_VALUES)
        return by_keys

    def made_code(keys):
        """The code of a mark 2 whose dict's keys pointer is keys: its
        class's (MADE_AS + K), 2 if none (LookupError past 191)."""
        c = known_keys().get(keys)
        if c is None:
            return 2
        if c not in made_as:
            if len(made_as) >= 191:
                raise LookupError('too many classes')
            made_as.append(c)
        return MADE_AS + made_as.index(c)
    by_keys = {}
    made_code = Memo(made_code)
    done = []         # per class checked: (which instances are its, or None: all; codes)

    def picks_of(mine):
        """done's which-instances as a bytearray (or None: all): a class
        (pyscan() picked its instances by their type) made one"""
        if mine is None or type(mine) is bytearray:
            return mine
        return bytearray(map(is_, itypes, repeat(mine)))
    which = None      # each instance's class's number among those checked (0: another)

    def codes_of(c, objs, sel, scanned=None):
        """(sel, the marks of those of objs (class c's instances, an
        iterable) that sel (dict_candidates(), or None: all) says 1 for,
        checked by final(), as a bytearray of codes (MARK_CODES)); those
        it says 2 for are marked 1, the others not (full() makes them a
        code each); the keys pointers the checker keeps of those marked 2
        added to kept's.  scanned: pyscan()'s (codes, keys, dicts) of
        them all (sel None), its tables another instance may hold (code
        128 + the table's) told by owner here, in order."""
        k = []
        if scanned is not None:
            codes, k, dicts, made = scanned
            if made:
                # the 2s whose keys were made[j] (code MADE_AS + j): their
                # class's code, K counted in the order of each one's first
                # (2 as the checker's where kept is lost); their keys not
                # listed: classes_of_values() reads them
                table = bytearray(range(256))
                for i, j in sorted((codes.find(MADE_AS + j), j) for j in range(len(made))):
                    if i >= 0:
                        table[MADE_AS + j] = 2 if kept[0] is None else made_code[made[j]]
                        unlisted[0] = True
                codes = codes.translate(table)
            if dicts:
                hi = codes.translate(HIGH_BIT)
                i = -1
                for d in dicts:
                    i = hi.index(b'\x01', i + 1)
                    if d in owner:
                        codes[i] = 255
                    else:
                        owner.add(d)
                        codes[i] &= 127
            if kept[0] is not None:
                kept[0].extend(k)
        else:
            if sel is not None:
                objs = compress(objs, sel.translate(ONE_BYTE))
            ms = list(map(final, objs)) if checker is None else checker(c, owner, k)(objs)
            if kept[0] is not None and len(k) == ms.count(2):
                kept[0].extend(k)
            else:
                kept[0] = None
            codes = bytearray(map(MARK_CODES.__getitem__, ms))
        if kept[0] is not None and 2 in codes:
            # each 2's class made as, from its keys pointer (a 2 stays if
            # that fails: the lists then)
            try:
                made = list(map(made_code.__getitem__, k))
            except LookupError:
                made = None
            if made is not None:
                codes = bytearray(map(or_, codes.translate(NOT_TWO),
                                      map(next, map([repeat(0), iter(made)].__getitem__,
                                                    codes.translate(TWO_BYTE)))))
        return sel, codes

    def full(sel, codes):
        """codes_of()'s codes of all the class's instances, in their order:
        sel's 0 -> 0, 2 -> 1, 1 -> the next of codes."""
        if sel is None:
            return codes
        return bytearray(map(next, map([repeat(0), iter(codes), repeat(1)].__getitem__, sel)))
    if instances is None:
        sample = [] if c1 not in checked else list(islice(picked(), 0, None, 509))
        if not any(map(mark, sample)):
            return None
        got = None if scan is None or source is None else scan(
            source[0], source[1], end_of(c1), source[1].count(b'\x01'), made_of(c1))
        if got is not None:
            done.append((None,) + codes_of(c1, None, None, got))
        else:
            # mark() called only for those that may have a dict
            done.append((None,) + codes_of(c1, picked(), dict_candidates(c1, picked(), sample)))
    else:
        n = len(instances)
        # a stride prime to 2, 3, 5 and 7: one of 2 (3, ...) instances read in
        # a loop over a list (docs[::2]) is not missed by an even stride
        step = max(1, n // READ_SAMPLES)
        while step > 1 and any(step % p == 0 for p in (2, 3, 5, 7)):
            step += 1
        picks = range(0, n, step)
        if c1 is None:
            picks = [i for i in picks if itypes[i] in checked] + [itypes.index(c) for c in checked]
            hit = set([itypes[i] for i in picks if mark(instances[i])])
        else:
            hit = set([c1]) if c1 in checked and any(
                map(mark, map(instances.__getitem__, picks))) else set()
        # in the order of their first instances, not the set's (the classes'
        # addresses): which of two classes holding one table is its owner
        hit = sorted(hit, key=itypes.index) if len(hit) > 1 else list(hit)
        if c1 is None and 0 < len(hit) < 256 and scan is None:
            # each instance's class's number among them (0: another), in
            # one pass; a class's instances picked by a translate of it
            # (pyscan() picks them by their type itself)
            number = Memo(lambda c: 0)
            number.update((c, j) for j, c in enumerate(hit, 1))
            which = bytearray(map(number.__getitem__, itypes))
        for j, c in enumerate(hit, 1):
            mine = None
            got = None if scan is None or c1 is not None else scan(
                instances, None, end_of(c), itypes.count(c), made_of(c), c)
            if got is not None:   # (mine: the class, its instances picked when needed)
                done.append((c,) + codes_of(c, None, None, got))
                continue
            if which is not None:
                mine = which.translate(bytes(bytearray(b == j for b in range(256))))
            elif c1 is None:
                mine = bytearray(map(is_, itypes, repeat(c)))
            k = n if mine is None else mine.count(b'\x01')
            got = None if scan is None else scan(instances, mine, end_of(c), k, made_of(c))
            if got is not None:
                done.append((mine,) + codes_of(c, None, None, got))
                continue
            sample = list(islice(instances if mine is None else compress(instances, mine),
                                 0, None, max(1, k // 64)))
            sel = dict_candidates(c, instances if mine is None else compress(instances, mine),
                                  sample)
            done.append((mine,) + codes_of(c, instances if mine is None else
                                           compress(instances, mine), sel))
    marked = sum(len(codes) - codes.count(b'\x00') + (0 if sel is None else sel.count(b'\x02'))
                 for mine, sel, codes in done)
    if not marked:
        return None
    if instances is None:
        sel, codes = done[0][1:]
        n = len(codes) if sel is None else len(sel)
    if 4 * marked >= n and not any(2 in codes or 255 in codes for mine, sel, codes in done):
        # no -1, each 2's class known: a code an instance, in their order
        # (where a quarter or more are marked: a pass over all, where the
        # lists cost a position and a pair each marked one)
        if len(done) == 1 and done[0][0] is None:
            return full(*done[0][1:]), made_as
        if all(type(mine) is not bytearray and mine is not None and sel is None
               for mine, sel, codes in done):
            # each picked by pyscan() by its type: merged by type in C
            mk = pyscan_shapes()[0](instances, [d[0] for d in done], [d[2] for d in done], True)
            if mk is not None:
                return mk, made_as
        done = [(picks_of(mine), sel, codes) for mine, sel, codes in done]
        if which is not None:  # each instance's class's next code (0: another's)
            codes = [repeat(0)] + [iter(full(sel, codes)) for mine, sel, codes in done]
            return bytearray(map(next, map(codes.__getitem__, which))), made_as
        mk = bytearray(len(instances))
        for mine, sel, codes in done:
            mk = bytearray(map(or_, mk, map(next, map([repeat(0), iter(full(sel, codes))].__getitem__,
                                                      mine))))
        return mk, made_as
    # as lists: the marked ones' positions and marks, class by class (sel's
    # 2s first: the order matters only among those the checker gives)
    out = [[], [], None if unlisted[0] else kept[0]]
    for mine, sel, codes in done:
        mine = picks_of(mine)
        if sel is not None:
            read = sel.translate(TWO_BYTE)
            out[0].extend(compress(count() if mine is None else compress(count(), mine), read))
            out[1].extend(repeat(1, read.count(b'\x01')))
            sel = sel.translate(ONE_BYTE)
        where = count() if mine is None else compress(count(), mine)
        out[0].extend(compress(where if sel is None else compress(where, sel), codes))
        out[1].extend(map(MARK_OF_CODE.__getitem__, filter(None, codes)))
    return out


def made_early(c, common, shapes, inst_shapes, instances, sizer):
    """Were names that c's instances rarely hold in c's shared keys when
    most instances were made (set in __init__ or right after construction,
    on the first ones)?  True when the instances holding exactly the
    common names have values with more room (values_sizer(): the smallest
    of up to 64 of them, since CPython 3.11+ gives a class's first
    instances more) than a probe class's instances given those names
    only; False when not, or when it cannot be told.  The probe is a class
    of its own, so that no class of the program sees a subclass appear."""
    plain = set(i for i, (k, t) in enumerate(zip(shapes.cls, shapes.names))
                if k is c and len(t) == len(common) and set(t) == common)
    if not plain:
        return False
    n = len(inst_shapes)
    where = range(0, n, max(1, n // 1024))      # a sample first
    where = list(compress(where, map(plain.__contains__, map(inst_shapes.__getitem__, where))))
    if len(where) < 8:
        where = list(compress(range(n), map(plain.__contains__, inst_shapes)))
    where = where[::max(1, len(where) // 64)]
    order = shapes.names[inst_shapes[where[0]]]
    try:
        got = [x for x in map(sizer, map(instances.__getitem__, where)) if x is not None]
        if not got:
            return False
        probe = type(c.__name__, (object,), {})
        kept = []
        for _ in range(40):   # each set up as it is made, as __init__ does
            o = object.__new__(probe)
            for a in order:
                object.__setattr__(o, a, 1)
            kept.append(o)
        want = [x for x in map(sizer, kept[-8:]) if x is not None]
    except Exception:
        return False
    return bool(want) and min(got) > min(want)


def lazy_name(c, a):
    """The descriptor (functools.cached_property, or one like it: __get__
    and __set_name__, no __set__) in c's MRO that name a shadows, or None.
    Such a name enters the instance's dict when first read, after
    construction: the snapshot sets it after every "new", as the rare
    names (made_early() may still move it to "new")."""
    for k in getattr(c, '__mro__', ()):
        v = k.__dict__.get(a)
        if v is not None:
            t = type(v)
            if (hasattr(t, '__get__') and hasattr(t, '__set_name__') and
                    not hasattr(t, '__set__')):
                return v
            return None
    return None


def richest_first(c, shapes, inst_shapes, instances):
    """Swap c's first instance in instances (the objects' order, not their
    creation's) with its first holding the most names; True if swapped."""
    mine = set(i for i, k in enumerate(shapes.cls) if k is c)
    richest = max(mine, key=lambda i: len(shapes.names[i]))
    first = next(i for i, x in enumerate(inst_shapes) if x in mine)
    j = inst_shapes.index(richest)
    if j <= first:
        return False
    instances[first], instances[j] = instances[j], instances[first]
    inst_shapes[first], inst_shapes[j] = inst_shapes[j], inst_shapes[first]
    return True


NAME_FIRST = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_')
NAME_CHARS = NAME_FIRST | frozenset('0123456789')
HEAPTYPE = 1 << 9
signal = None         # imported by main() for peak and signal:NAME (it imports enum)


def interpreter():
    impl = getattr(sys, 'implementation', None)
    name = impl.name if impl else ('pypy' if 'PyPy' in sys.version else 'cpython')
    v = sys.version_info
    return name, '%d.%d.%d' % (v[0], v[1], v[2])


CPYTHON = interpreter()[0] == 'cpython'


def is_name(s):
    """s (a string) is a name a trace can hold: [A-Za-z_][A-Za-z0-9_]*."""
    return s[:1] in NAME_FIRST and NAME_CHARS.issuperset(s)


def _not_user_dirs():
    """The interpreter's stdlib and site-packages (and this folder)."""
    dirs = set([os.path.realpath(os.path.dirname(os.__file__))])
    try:  # site is loaded already; sysconfig would cost an import
        import site
        paths = site.getsitepackages()
    except Exception:  # python -S, or an old virtualenv's site.py
        import sysconfig
        paths = [sysconfig.get_paths().get(k) for k in ('purelib', 'platlib')]
    for p in paths:
        if p:
            dirs.add(os.path.realpath(p))
    for p in (sys.prefix, getattr(sys, 'base_prefix', sys.prefix), sys.exec_prefix):
        dirs.add(os.path.realpath(os.path.join(p, 'lib')))
        dirs.add(os.path.realpath(os.path.join(p, 'lib_pypy')))
    dirs.add(os.path.realpath(os.path.dirname(os.path.abspath(__file__))))
    return tuple(d + os.sep for d in dirs)


GETSET = type(type.__dict__['__dict__'])     # getset_descriptor


def generic_dict(c):
    """True when reading __dict__ of c's instances by the ordinary lookup
    (operator.attrgetter: no call through object.__getattribute__, ~50 ns
    less per instance) runs none of the program's code: no class of its
    MRO but object defines __getattribute__, and the first to define
    __dict__ defines it as the interpreter's descriptor."""
    found = False
    for k in c.__mro__:
        d = k.__dict__
        if '__getattribute__' in d and k is not object:
            return False
        if not found and '__dict__' in d:
            if type(d['__dict__']) is not GETSET:
                return False
            found = True
    return found


class _Slotted(object):
    __slots__ = ('m',)


MEMBER = type(_Slotted.__dict__['m'])        # member_descriptor: a slot
MISSING = object()


class SlotNames(dict):
    """Which of the slots some instances lack one holds (an int 0/1 for
    one such slot, a tuple of them for several) -> the names of the slots
    it holds, in slot order (order, the slots; full, those all hold)."""

    def __init__(self, order, full, some):
        dict.__init__(self)
        self.order, self.full, self.some = order, full, some

    def __missing__(self, bits):
        held = set(self.full)
        held.update(compress(self.some, bits if isinstance(bits, tuple) else (bits,)))
        names = self[bits] = tuple(a for a in self.order if a in held)
        return names


def no_hooks(c):
    """True when no class of c's MRO but object defines __getattr__ or
    __getattribute__: getattr(o, NAME, DEFAULT) on c's instances runs none
    of the program's code when NAME is a slot's member descriptor."""
    return not any('__getattr__' in k.__dict__ or '__getattribute__' in k.__dict__
                   for k in c.__mro__ if k is not object)


def has_dict(c):
    """True when c's instances have a dict: its __dictoffset__, or where
    the interpreter has none (PyPy), a class of its MRO defining __dict__."""
    off = getattr(c, '__dictoffset__', None)
    if off is not None:
        return off != 0
    return any('__dict__' in k.__dict__ for k in c.__mro__ if k is not object)


def packed(xs, bound):
    """(width, data): the integers xs, all below bound, as 1-byte (bound
    <= 256) or 4-byte integers in native order.  (array, which imports
    collections, only for the second.)"""
    if bound <= 256:
        return 1, bytearray(xs)
    from array import array
    for code in 'IL':
        if array(code).itemsize == 4:
            a = array(code, xs)
            return 4, a.tobytes() if hasattr(a, 'tobytes') else a.tostring()
    raise RuntimeError('no 4-byte array type')


class Shapes(dict):
    """An instance's shape is (class, the attribute names it holds, slots
    first): shapes[class][names] is its number (0, 1, ... in order of
    first appearance), so that what depends on a shape is worked out once
    (one dict per class: no (class, names) pair is built per instance);
    cls[n] is its class, names[n] its names that a trace can hold, bad[n]
    the others (counted, never recorded); setclass[n] the name
    __setclass_NAME__ of a shape whose instances are now of class NAME."""

    def __init__(self):
        dict.__init__(self)
        self.cls = []
        self.names = []
        self.bad = {}
        self.setclass = {}
        self.no_inline = set()    # classes inline_shapes() could not read

    def __missing__(self, c):
        d = self[c] = ShapesOf(self, c)
        return d

    def add(self, c, names):
        n = len(self.cls)
        if names and isinstance(names[-1], str) and names[-1].startswith('__setclass_'):
            self.setclass[n] = names[-1]      # no name: written after them
            names = names[:-1]
        good = tuple(a for a in names if isinstance(a, str) and is_name(a))
        self.cls.append(c)
        self.names.append(good)
        if len(good) != len(names):
            self.bad[n] = [a for a in names if a not in good]
        return n


USER_KIND, REF_KIND, TLOCAL_KIND, EXT_KIND = 1, 2, 4, 8
# KIND_TABLES[k]: bytes.translate's table, a kinds byte -> 1 if it has k
KIND_TABLES = dict((k, bytes(bytearray(1 if b & k else 0 for b in range(256))))
                   for k in (USER_KIND, REF_KIND, TLOCAL_KIND, EXT_KIND))


class TypeKinds(dict):
    """kinds[t]: what the snapshot wants to know of objects of type t, as
    bits: USER_KIND (a user-defined class recorded), REF_KIND (a weak
    reference type, weakref.ref or a subclass), TLOCAL_KIND (a user-defined
    threading.local subclass), EXT_KIND (a C extension's type); worked out
    once a type (its keys: the types seen); seen, the bits of all."""

    def __init__(self, user, tlocals, exts):
        dict.__init__(self)
        self.user, self.tlocals, self.exts = user, tlocals, exts
        self.seen = 0

    def __missing__(self, t):
        k = ((USER_KIND if t in self.user else 0) |
             (REF_KIND if issubclass(t, ref) else 0) |
             (TLOCAL_KIND if t in self.tlocals else 0) |
             (EXT_KIND if t in self.exts else 0))
        self.seen |= k
        self[t] = k
        return k


class Memo(dict):
    """memo[key]: f(key), worked out once a key."""

    def __init__(self, f):
        dict.__init__(self)
        self.f = f

    def __missing__(self, key):
        v = self[key] = self.f(key)
        return v


class ShapesOf(dict):
    """shapes[c]: the names tuples of class c's instances -> shape number."""

    def __init__(self, shapes, c):
        dict.__init__(self)
        self.shapes = shapes
        self.c = c

    def __missing__(self, names):
        n = self[names] = self.shapes.add(self.c, names)
        return n


class Recorder(object):
    def __init__(self, out, at):
        self.out = out
        self.at = at
        self.not_user = _not_user_dirs()
        self.kind_cache = {}
        self.mod_kind = {}    # module name -> its classes' kind
        self.real_dirs = {}   # folder -> its real path
        self.sample_no = 0
        self.best = -1
        self.seen_max = -1
        self.cost = 0.0       # seconds spent sampling and snapshotting
        self.interval = 0.01
        self.status = 'running'

    # ---- which classes are the program's ----------------------------
    def kind(self, cls):
        """'user', 'ext' (a C extension's type) or 'lib'."""
        k = self.kind_cache.get(cls)
        if k is not None:
            return k
        mod = getattr(cls, '__module__', None)
        flags = getattr(cls, '__flags__', HEAPTYPE)
        if cls is Recorder or cls is Shapes or cls is ShapesOf or cls is _Slotted or \
                cls is SlotNames:
            k = 'lib'
        elif mod == '__main__':
            k = 'user'
        elif isinstance(mod, str):
            k = self.mod_kind.get(mod)
            if k is None:
                k = 'lib'
                m = sys.modules.get(mod)
                f = getattr(m, '__file__', None) if m is not None else None
                if f:
                    f = self.realpath(f)
                    if f.endswith(('.so', '.pyd')):
                        k = 'lib' if f.startswith(self.not_user) else 'ext'
                    elif not f.startswith(self.not_user):
                        k = 'user'
                self.mod_kind[mod] = k
        else:
            k = 'lib'
        if k == 'user' and not (flags & HEAPTYPE):
            k = 'ext'
        self.kind_cache[cls] = k
        return k

    def realpath(self, f):
        """os.path.realpath(f), its folder's resolved once: a module's
        file is resolved as its folder's real path and its name, unless the
        file is a link itself (one lstat where realpath makes one per
        component: 78 modules, 3.2 -> 0.9 ms under CPython 3.11)."""
        d, b = os.path.split(f)
        r = self.real_dirs.get(d)
        if r is None:
            r = self.real_dirs[d] = os.path.realpath(d)
        if not b or b in (os.curdir, os.pardir) or os.path.islink(f):
            return os.path.realpath(f)
        return os.path.join(r, b)

    def live_classes(self):
        """(classes, user, exts): every live class, walked from object
        through __subclasses__() (no scan of the objects), base classes
        before their subclasses; the set of the user-defined ones whose
        instances are recorded (metaclasses are not: their instances are
        classes); the set of C extension types."""
        walk = [object]
        seen = set(walk)
        i = 0
        while i < len(walk):
            for c in type.__subclasses__(walk[i]):
                if c not in seen:
                    seen.add(c)
                    walk.append(c)
            i += 1
        kind = self.kind
        user, exts = set(), set()
        self.thread_locals = set()
        for c in walk:
            k = kind(c)
            if k == 'user':
                if THREAD_LOCAL is not None and issubclass(c, THREAD_LOCAL):
                    # its attributes live per thread, outside the instance:
                    # counted (odd thread-local), never recorded as empty
                    self.thread_locals.add(c)
                elif not issubclass(c, type):
                    user.add(c)
            elif k == 'ext':
                exts.add(c)
        return walk, user, exts

    def count_live(self):
        user = self.live_classes()[1]
        return sum(map(user.__contains__, map(type, gc.get_objects())))

    # ---- the snapshot -------------------------------------------------
    # Cost: what is done once per object runs in C loops (map, compress,
    # deque(maxlen=0), bytearray, bytearray.count); Python code runs once
    # per class or distinct attribute shape, and once per instance only
    # for a class with slots that some instances lack and that hooks
    # attribute access (attrs_of), and in the dict checks' loop.  Each
    # pass over the instances touches their memory (a cache miss each), so
    # the passes are chained where they can be: an instance's dict is
    # read, its names made a tuple and looked up among its class's shapes
    # in one pass, all its slots read by one attrgetter.  The classes come
    # from a walk of __subclasses__(), the instances from gc.get_objects(),
    # their types read once (a byte each, TypeKinds); weak references are
    # counted only if one refers to a recorded instance; the collector is
    # off while the snapshot allocates.
    # Each instance is written as its shape's number; slotslab makes the
    # events (bench/import/pysnap.c).  Where the time goes (262 144
    # instances of 2 attributes, CPython 3.12, ~0.13 s): their values read
    # 56 %, the collection before it 17 %, the pass reading every object's
    # type 9 %, listing the objects 7 %, the dict checks' sample 5 %,
    # whether weak references refer to them 2 %.
    def snapshot(self, moment):
        gc.collect()
        # What the snapshot allocates is not garbage: CPython's collector
        # would only walk it.  (PyPy's disabled collector keeps garbage.)
        enabled = gc.isenabled() and interpreter()[0] != 'pypy'
        if enabled:
            gc.disable()
        try:
            return self.take(moment)
        finally:
            if enabled:
                # What the snapshot made and keeps (CPython 3.11 and 3.12:
                # the instances' dicts) counts as young: re-enabled, the
                # collector's next allocation would walk all of it (shop's
                # 82 500 dicts: ~7 ms under 3.11, ~3 ms under 3.12).  Moved
                # to the oldest generation instead (everything older is
                # there since the collection above), unless the program
                # froze objects of its own, which unfreeze() would release.
                if getattr(gc, 'get_freeze_count', None) and gc.get_freeze_count() == 0:
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()

    def take(self, moment):
        objs = gc.get_objects()
        classes = []          # user classes, bases before subclasses
        seen = set()
        odd = {}

        def note(kind, example, n=1):
            c = odd.setdefault(kind, [0, example])
            c[0] += n

        def add_class(c):
            if c in seen:
                return
            seen.add(c)
            for b in c.__mro__[1:]:
                if b is not object and self.kind(b) == 'user':
                    add_class(b)
            classes.append(c)

        walk, user, exts = self.live_classes()
        for c in walk:
            if c in user or self.kind(c) == 'user':
                add_class(c)
        # The instances, and their classes (itypes; None when there is one
        # class, c1).  Each pass over the objects touches their memory
        # (a cache miss each): the fewer the better.
        # Their types are made again for each pass (map(type, objs)):
        # a list of them would cost more (a 262 144-object program: 44 ->
        # 21 ms under CPython 3.12, the list's pages faulted in and freed).
        # One pass over the objects reads their types (each a cache miss:
        # the object's memory): a byte each, its type's kinds (TypeKinds),
        # and the types seen.  The later passes pick the instances, the
        # weak references, ... by that byte, touching no other object
        # (262 144 instances, CPython 3.12: four passes by type, ~35 ms,
        # -> ~15 ms).
        kinds = TypeKinds(user, self.thread_locals, exts)
        kind_of = bytearray(map(kinds.__getitem__, map(type, objs)))
        alltypes = set(kinds)
        present = alltypes & user             # classes with live instances
        is_user = kind_of.translate(KIND_TABLES[USER_KIND])
        c1 = itypes = None
        if len(present) == 1:
            # Listed only if needed (read more than once): the common
            # case, a class without slots, reads them once, from
            # picked(), and a list of them would cost its pages.
            c1 = next(iter(present))
            instances = None

            def picked():
                return compress(objs, is_user)
        else:
            # the instances, then one pass over them for their types
            instances = list(compress(objs, is_user))
            itypes = list(map(type, instances))
        # A dict subclass's instance may be some instance's __dict__ (odd):
        # only then are the dicts checked one more time.  The weak
        # reference types live, to count weak references only if any.
        odd_possible = any(t is not dict and issubclass(t, dict) for t in alltypes)
        weak_types = [t for t in alltypes if issubclass(t, WEAK_TYPES)]
        tl = alltypes & self.thread_locals
        if tl:
            t = next(iter(tl))
            note('thread-local', '%s.%s' % (t.__module__, t.__name__),
                 kind_of.translate(KIND_TABLES[TLOCAL_KIND]).count(b'\x01'))
        if kinds.seen & EXT_KIND:
            sel = kind_of.translate(KIND_TABLES[EXT_KIND])
            t = type(objs[sel.index(b'\x01')])    # the first one's
            note('c-extension-instance', '%s.%s' % (t.__module__, t.__name__), sel.count(b'\x01'))
        # Whether a weak reference may refer to a recorded instance: the
        # referents of the weak references alive (any proxy: may).
        weak_hit = False
        if weak_types and any(getattr(c, '__weakrefoffset__', 1) for c in present):
            refs = [t for t in weak_types if issubclass(t, ref)]
            if instances is not None:
                # listed: whether one of them has a weak reference (a pass
                # over the instances, not over every object)
                weak_hit = any(map(getweakrefcount, instances))
            elif len(refs) == len(weak_types):
                wobjs = compress(objs, kind_of.translate(KIND_TABLES[REF_KIND]))
                weak_hit = not present.isdisjoint(map(type, map(ref.__call__, wobjs)))
            else:
                weak_hit = True
        del walk
        names = {}
        used = set()
        ext = []              # non-user bases declared as roots
        lines = []
        hdr = []

        def cname(c):
            if c in names:
                return names[c]
            n = c.__name__ if is_name(c.__name__) else 'C'
            base, i = n, 1
            while n in used:
                i += 1
                n = '%s_%d' % (base, i)
            used.add(n)
            names[c] = n
            return n

        own_slots = {}
        slot_attrs = {}       # class -> names held in slots, base's first

        def declared_slots(c):
            s = c.__dict__.get('__slots__')
            if s is None:
                return None
            if isinstance(s, str):
                s = (s,)
            out = []
            for n in s:
                if n.startswith('__') and not n.endswith('__'):
                    n = '_%s%s' % (c.__name__.lstrip('_'), n)
                out.append(n)
            return out

        def solid_base(c):
            for b in c.__mro__[1:]:
                if b is object:
                    return None
                if b in seen or self.kind(b) != 'user':
                    return b
            return None

        def declare_external(b):
            if b in names:
                return
            var = getattr(b, '__itemsize__', 0) > 0
            with_dict = getattr(b, '__dictoffset__', 0) != 0
            # declared as what its instances have: a dict and weak
            # references only where it takes them (BaseException has a dict
            # and no weak references: a subclass adds them)
            opts = ['slots=']
            if with_dict:
                opts.append('dict')
            if getattr(b, '__weakrefoffset__', 0) != 0:
                opts.append('weakref')
            if var:
                opts.append('varsize')
            # native (CPython 3.11+): its subclasses' instances start without
            # values (CPython makes them only in object.__new__; 3.13 only for
            # a layout no larger than object's): the first C type in its MRO
            # is not object (list, str, dict), or, 3.13, it has a C layout of
            # its own (a library class with slots, like Fraction)
            # With a dict: native if a C type holds it (BaseException's
            # field), which stays unmade when a subclass's slots take every
            # attribute; a library Python class without slots keeps its dict.
            # The C type whose __new__ makes the instances: the first in the
            # MRO with a built-in __new__ (a Python one calls on; not the
            # heap-type flag, which 3.12+'s C types like deque carry too).
            maker = object
            for t in b.__mro__:
                n = t.__dict__.get('__new__')
                if n is not None and type(n).__name__ == 'builtin_function_or_method':
                    maker = t
                    break
            native = False
            if with_dict:
                # the class that brought the dict (its base has none) is a
                # C type: not a heap type, or one with a built-in __new__
                for t in b.__mro__:
                    if getattr(t.__base__, '__dictoffset__', 0) == 0:
                        n = t.__dict__.get('__new__')
                        native = (not t.__flags__ & (1 << 9) or      # Py_TPFLAGS_HEAPTYPE
                                  type(n).__name__ == 'builtin_function_or_method')
                        break
            elif sys.version_info[:2] >= (3, 11):
                native = maker is not object
                if sys.version_info[:2] >= (3, 13):
                    native = native or b.__basicsize__ > object.__basicsize__
            lines.append('class %s %s' % (cname(b), ' '.join(opts)))
            hdr.append('# pyrecord: external %s %s.%s%s%s%s' % (
                names[b], b.__module__, b.__name__, ' dict' if with_dict else '',
                ' varsize' if var else '', ' native' if native else ''))
            ext.append(b)

        for c in classes:
            base = solid_base(c)
            if base is not None and base not in seen:
                declare_external(base)
            slots = declared_slots(c)
            opts = []
            mine = []
            inherited = set()
            if base is not None:
                inherited = set(slot_attrs.get(base, ()))
            if slots is not None:
                for n in slots:
                    if n in ('__dict__', '__weakref__'):
                        continue
                    if not is_name(n):
                        note('slot-name-not-traceable', '%s.%s' % (c.__name__, n))
                        continue
                    if n in inherited or n in mine:
                        note('slot-redeclared', '%s.%s' % (c.__name__, n))
                        continue
                    mine.append(n)
                opts.append('slots=' + ','.join(mine))
                if '__dict__' in slots:
                    opts.append('dict')
                if '__weakref__' in slots:
                    opts.append('weakref')
            own_slots[c] = mine
            slot_attrs[c] = list(slot_attrs.get(base, ())) + mine
            if base is not None:
                opts.append('base=' + cname(base))
            cn = cname(c)
            lines.append(('class %s %s' % (cn, ' '.join(opts))).rstrip())
            if cn != c.__name__ or c.__module__ != '__main__':
                hdr.append('# pyrecord: class %s %s.%s' % (cn, c.__module__,
                                                            getattr(c, '__qualname__', c.__name__)))
            mro_user = [b for b in c.__mro__[1:] if b is not object and b in seen]
            if len([b for b in c.__bases__ if b is not object]) > 1:
                hdr.append('# pyrecord: multiple-bases %s %s' % (
                    cn, ','.join(b.__name__ for b in c.__bases__)))
            for hook in ('__getattr__', '__getattribute__', '__setattr__'):
                if hook in c.__dict__:
                    note('attribute-hook', '%s.%s' % (c.__name__, hook))
            del mro_user
            for a, v in c.__dict__.items():
                if a.startswith('__') or not is_name(a):
                    continue
                if type(v).__name__ in ('member_descriptor', 'function', 'classmethod',
                                        'staticmethod', 'property', 'getset_descriptor'):
                    continue
                lines.append('classattr %s %s 1' % (cn, a))
                if lazy_name(c, a) is v and is_name(type(v).__name__):
                    hdr.append('# pyrecord: descriptor %s %s %s' % (cn, a, type(v).__name__))
        # Instances: slots (in slot order) then the dict, in its order.  A
        # snapshot has no times: the attributes every instance of a class
        # has (its dict-order prefix) are set at the instance's "new", the
        # others after every object, as if added after construction (key
        # sharing depends on that order; "# pyrecord: order" says so).
        #
        # An instance's shape is (class, its attribute names as found): one
        # shared tuple per distinct shape (Shapes), so that what depends on
        # the names (valid ones, the "new" and "set" lines) is worked out
        # once per shape.
        shapes = Shapes()
        getattribute = object.__getattribute__
        descr = {}            # class -> [(slot name, member descriptor)]

        def descriptors(c):
            ds = descr.get(c)
            if ds is None:
                ds = []
                for a in slot_attrs[c]:
                    for k in c.__mro__:
                        d = k.__dict__.get(a)
                        if d is not None:
                            ds.append((a, d))
                            break
                descr[c] = ds
            return ds

        def attrs_of(o, c):
            """(c, names o holds, slots first), or None if odd."""
            attrs = []
            for a, d in descriptors(c):
                try:
                    d.__get__(o, c)
                    attrs.append(a)
                except Exception:
                    pass
            try:
                dct = getattribute(o, '__dict__')
            except Exception:
                dct = None
            if dct is not None:
                if type(dct) is not dict:
                    note('dict-not-a-dict', '%s (%s)' % (c.__name__, type(dct).__name__))
                    return None
                attrs.extend(dct)
            return (c, tuple(attrs))

        def read_keys(classes, insts):
            """Each of insts' dict's names, a tuple (instances of classes,
            which have a dict): an iterator over them, read in bulk (CPython
            3.11+ builds each dict object, see README.md), in one pass with
            whatever consumes it; or None when a dict is not a dict or
            reading one raised (then one by one; a consumer that catches
            an exception goes one by one too)."""
            if all(map(generic_dict, classes)):
                dicts = map(attrgetter('__dict__'), insts)
            else:
                dicts = map(getattribute, insts, repeat('__dict__'))
            if odd_possible:
                try:
                    dicts = list(dicts)
                except Exception:
                    return None
                if set(map(type, dicts)) - set([dict]):
                    return None
            return map(tuple, dicts)

        def bare_keys(c, each, sample):
            """read_keys() of class c's instances (each() iterates over
            them; sample() some of them), () for those that attributeless()
            shows to hold no attribute, their __dict__ not read."""
            bare = attributeless(c, each, sample)
            if bare is None:
                return read_keys((c,), each())
            keys = read_keys((c,), compress(each(), bare.translate(NOT_BYTE)))
            return None if keys is None else map(next, map([keys, repeat(())].__getitem__, bare))

        def slot_bits(c, ds, insts):
            """Which of insts (all of class c, no hooks) hold each slot of
            ds: (the slots all hold, those some lack, which of the latter
            each holds: up to 8 of them, a bytearray of codes, bit j set
            where it holds the j-th; more, a bytearray per slot, 1 where
            held).  The slots all hold are guessed from ~64 instances
            spread over all and checked by one attrgetter pass (a pass a
            slot if that fails).  A slot some lack is read by getattr
            with a default, which makes an exception for each that lacks
            it (~0.5 us): in CPython, for a class of slots alone (no dict,
            no C base), an instance's slots held are counted first, by the
            length of gc.get_referents() (its slots' values, and its
            class), so that the slots some lack are read only for those
            holding more than the slots all hold (the others' code is 0).
            (tests/advise/pyprogs/rare_advised.py, 30 000 instances, 4
            slots all hold and 2 rare ones, CPython 3.13: ~17 -> ~10 ms,
            the pass a slot and the tuples of bits gone.)"""
            n = len(insts)
            full, some = None, []
            sample = insts[::max(1, n // 64)]
            guess = [a for a, d in ds if all([getattr(o, a, MISSING) is not MISSING
                                              for o in sample])]
            if guess and len(guess) < len(ds):
                try:
                    deque(map(attrgetter(*guess), insts), 0)
                    full = guess
                    some = [a for a, d in ds if a not in guess]
                except AttributeError:
                    pass
            if full is None:
                full = []
                for a, d in ds:
                    try:
                        deque(map(d.__get__, insts, repeat(c)), 0)
                        full.append(a)
                    except AttributeError:
                        some.append(a)
            sel = None        # which may hold a slot some lack (None: all)
            if (some and CPYTHON and not has_dict(c) and len(ds) < 250 and
                    getattr(c, '__itemsize__', 1) == 0 and
                    all(k is object or k.__flags__ & HEAPTYPE for k in c.__mro__)):
                o = insts[0]
                extra = len(gc.get_referents(o)) - sum(
                    1 for a, d in ds if getattr(o, a, MISSING) is not MISSING)
                if extra in (0, 1):
                    lens = map(len, map(gc.get_referents, insts))
                    sel = bytearray(map(lt, repeat(len(full) + extra), lens))
            bits = []
            for j, a in enumerate(some):
                objs = insts if sel is None else compress(insts, sel)
                b = bytearray(map(is_not, map(getattr, objs, repeat(a), repeat(MISSING)),
                                  repeat(MISSING)))
                if len(some) <= 8 and bits:   # bit j of the code
                    b = bytearray(map(or_, bits[0], b.translate(BIT_TABLES[j])))
                    del bits[:]
                bits.append(b)
            if sel is not None:   # merged back: 0 for those not selected
                bits = [bytearray(map(next, map([repeat(0), iter(b)].__getitem__, sel)))
                        for b in bits]
            if not bits:
                return full, some, bytearray(n)
            return full, some, bits[0] if len(some) <= 8 else bits

        def bulk_shapes(c, insts):
            """The shape numbers of insts (all of class c), worked out in C
            loops: each slot's member descriptor is read for all of them
            at once (deque(maxlen=0) drops the values); where some hold a
            slot and others not (and no class of c's hooks attribute
            access), which hold each slot, by getattr with a default, the
            tuple of those bits mapping to the names; the dicts in bulk.
            None when that cannot be done faithfully (one by one then): a
            slot that is not a member descriptor, a dict that is not a
            dict."""
            ds = descriptors(c)
            if any(type(d) is not MEMBER for a, d in ds):
                return None
            held = None       # which hold each slot (bytearrays), if not all
            hooks = not no_hooks(c)
            try:
                if hooks:
                    for a, d in ds:
                        deque(map(d.__get__, insts, repeat(c)), 0)
                elif ds:      # every slot in one pass
                    deque(map(attrgetter(*[a for a, d in ds]), insts), 0)
            except AttributeError:
                if hooks:
                    return None
                held = slot_bits(c, ds, insts)
            shapes_c = shapes[c]
            code = None       # held's bits as a code an instance (slot_bits())
            if held is None:
                prefixes = repeat(tuple(a for a, d in ds))
            else:             # the bits of the slots some lack -> names
                full, some, bits = held
                by_bits = SlotNames([a for a, d in ds], full, some)
                if type(bits) is bytearray:
                    # each code's names, looked up in the order of its
                    # first instance (the shapes numbered as one by one)
                    code = bits
                    names_of = {}
                    for i, v in sorted([(code.index(bytearray((v,))), v) for v in set(code)]):
                        names_of[v] = by_bits[tuple([v >> j & 1 for j in range(len(some))])]
                    prefixes = map(names_of.__getitem__, code)
                else:
                    prefixes = map(by_bits.__getitem__, bits[0] if len(bits) == 1 else zip(*bits))
            if not has_dict(c):
                if held is None:
                    return [shapes_c[tuple(a for a, d in ds)]] * len(insts)
                if code is not None:  # one translate: a code -> its shape number
                    table = bytearray(256)
                    for v in sorted(names_of, key=lambda v: code.index(bytearray((v,)))):
                        k = shapes_c[names_of[v]]
                        if k > 255:
                            break
                        table[v] = k
                    else:
                        return code.translate(bytes(table))
                return list(map(shapes_c.__getitem__, prefixes))
            if not ds:        # CPython 3.13: no dict made, if it can
                try:
                    nums = inline_shapes(c, insts.__iter__, insts, shapes_c, insts)
                except Exception:
                    nums = None
                if nums is not None:
                    return nums
            keys = (read_keys((c,), insts) if ds else
                    bare_keys(c, insts.__iter__, lambda: insts[::max(1, len(insts) // 64)]))
            if keys is None:
                return None
            if ds:
                keys = map(add, prefixes, keys)
            try:
                return list(map(shapes_c.__getitem__, keys))
            except Exception:
                return None

        # The instances whose __dict__ the program read (CPython 3.11+), or
        # that has a table of its own, before the snapshot reads any
        # (dict_marks(): sampled; a class with one marked is checked
        # whole).  marks: (position in instances, mark) pairs, or None.
        marks = dict_marks(instances, picked if instances is None else None,
                           itypes, c1, present, classes, (objs, is_user))

        # Each recorded instance's shape number, in one list (ids count
        # the recorded instances from 1, in this order).  The classes
        # without slots (the common case): their instances' dicts, read in
        # bulk in one pass over every instance.  Each other class: its
        # instances picked out (a C pass each), read in bulk if it can be
        # (bulk_shapes), else one by one; their numbers are merged back in
        # the instances' order (each instance's class's next number).
        plain = set(c for c in present if not slot_attrs[c] and has_dict(c))
        inst_shapes = None
        # CPython 3.11-3.13: classes with values are read from them, one
        # class at a time (bulk_shapes, inline_shapes): no dict made
        inline = (CPYTHON and (3, 11) <= sys.version_info[:2] <= (3, 13) and
                  any(c.__flags__ & (INLINE_VALUES if sys.version_info[:2] == (3, 13)
                                     else MANAGED_DICT) for c in plain) and
                  address_views() is not None and shared_keys_at() is not None)
        if inline and c1 is None and sys.version_info[:2] <= (3, 12):
            # one pass over all, reading their dicts, unless most have
            # values to read (a pass a class costs more: kwargs.py)
            sample = [o for o in instances[::max(1, len(instances) // 512)]
                      if type(o).__flags__ & MANAGED_DICT and type(o) in plain]
            inline = 2 * with_values(sample) > len(sample)
            del sample
        if plain == present and plain and not inline:
            if c1 is not None:    # (instances not listed)
                keys = bare_keys(c1, picked, lambda: list(islice(picked(), 0, None,
                                                                 max(1, len(objs) // 64))))
            else:
                keys = read_keys(plain, instances)
            try:
                if keys is None:
                    pass
                elif c1 is not None:
                    # One byte each, no list of numbers (its pages cost):
                    # past 256 shapes ValueError, and one class at a time.
                    inst_shapes = bytearray(map(shapes[c1].__getitem__, keys))
                else:
                    inst_shapes = list(map(dict.__getitem__, map(shapes.__getitem__, itypes),
                                           keys))
            except Exception:
                pass
            if inst_shapes is None:   # odd dicts: one class at a time
                plain = set()
        if inline and c1 is not None and c1 in plain:
            # one class: its instances not listed (picked() twice at most)
            try:
                inst_shapes = inline_shapes(c1, picked, objs, shapes[c1], source=(objs, is_user))
            except Exception:
                inst_shapes = None
            if (inst_shapes is not None and type(inst_shapes) is not bytearray and
                    len(shapes.cls) <= 256):
                inst_shapes = bytearray(inst_shapes)
        if inst_shapes is None:
            if instances is None:
                instances = list(picked())
            per = {}
            for c in present:
                if c1 is not None:
                    insts = instances
                else:
                    insts = list(compress(instances, map(is_, itypes, repeat(c))))
                nums = bulk_shapes(c, insts)
                if nums is None:
                    nums = [attrs_of(o, c) for o in insts]
                    nums = [s if s is None else shapes[c][s[1]] for s in nums]
                per[c] = nums
                del insts, nums
            if c1 is not None and type(per[c1]) in (list, bytearray):
                # one class: its numbers as they are, no list made again
                # (262 144 instances of bench myclass_advised: ~2 MB of
                # fresh pages); a bytearray holds no None, as
                # inline_shapes' above
                inst_shapes = per[c1]
                if type(inst_shapes) is bytearray and len(shapes.cls) > 256:
                    inst_shapes = list(inst_shapes)
            else:
                # to be marked a code an instance: merged in one C loop
                # where pyscan_shapes() is loaded (each instance's type read
                # there, no pass over itypes) and every number is a byte
                # (a class's list of numbers made bytes: none is None or
                # past 255 when there are 256 shapes at most)
                # (no generator: Python 2 could not del per, a name it used)
                if (type(marks) is tuple and itypes and len(shapes.cls) <= 256 and
                        pyscan_shapes() is not None and
                        set([type(v) for v in per.values()]) <= set([bytearray, list]) and
                        not [v for v in per.values() if type(v) is list and None in v]):
                    cs = list(per)
                    inst_shapes = pyscan_shapes()[0](instances, cs, [
                        per[c] if type(per[c]) is bytearray else bytearray(per[c]) for c in cs])
                if inst_shapes is None:
                    # merged back in the instances' order: each one's class's next
                    # (to be marked: left an iterator, made a list once marked)
                    for c in per:
                        per[c] = iter(per[c])
                    inst_shapes = map(next, map(per.__getitem__, itypes or repeat(c1, len(instances))))
                    if type(marks) is not tuple:
                        inst_shapes = list(inst_shapes)
            del per
        nmarked = 0
        if marks is not None:  # their shapes end with __dict__ or __table_N__
            def marked_shape(sh, m):
                """The shape of an instance of shape sh marked m (1, a
                table's size, or the class it was made as)."""
                if sh is None:
                    return None
                c = shapes.cls[sh]
                # (its names a trace cannot hold too: counted as before)
                held = shapes.names[sh] + tuple(shapes.bad.get(sh, ()))
                if isinstance(m, int):
                    return shapes[c][held + ('__dict__' if m == 1 else '__table_%d__' % m,)]
                return shapes[m][held + ('__setclass_%s__' % names[c],)]
            marked = Memo(lambda k: marked_shape(*k))   # worked out once a (shape, mark)
        if type(marks) is tuple:
            # a code an instance (dict_marks()): each instance's new shape
            # in one pass over all, in C loops, from its code's row (shape
            # -> new shape, worked out once a pair; code 0's keeps it), no
            # list of positions made (kwargs.py under 3.13: 40 000 of
            # them, ~14 ms less).  A 2 made as class K: "new" as K, then
            # setclass, not counted as marked (made_as() below), unless K
            # is its class now (a read, then)
            marks, made = marks

            def row(code):
                if not code:
                    return Memo(lambda sh: sh)
                if code < MADE_AS:
                    return Memo(lambda sh, m=MARK_OF_CODE[code]: marked[sh, m])
                k = made[code - MADE_AS]
                return Memo(lambda sh: marked[sh, 1 if sh is None or k is shapes.cls[sh] else k])
            rows = Memo(row)
            news = map(getitem, map(rows.__getitem__, marks), inst_shapes)
            got = None
            if pyscan_shapes() is not None and type(inst_shapes) in (bytearray, list):
                # in C loops (pyscan_shapes()): the distinct (code, shape)
                # pairs in the order of their firsts (the new shapes made
                # in the same order), each instance's new one from a table;
                # a list of numbers as bytes (none None or past 255: 256
                # shapes at most; the snapshot writes a byte each either way)
                got = inst_shapes
                if type(got) is list:
                    try:
                        got = bytearray(got) if len(shapes.cls) <= 256 else None
                    except (TypeError, ValueError):
                        got = None
                if got is not None:
                    got = pyscan_shapes()[1](marks, got, lambda code, sh, rows=rows: rows[code][sh])
                if got is not None and type(inst_shapes) is list and len(shapes.cls) > 256:
                    got = list(got)       # (written 4 bytes each, as the list was)
            if got is not None:
                inst_shapes = got
            elif type(inst_shapes) is bytearray:
                try:
                    inst_shapes = bytearray(news)
                except ValueError:        # (a number past 255: a list)
                    inst_shapes = list(map(getitem, map(rows.__getitem__, marks), inst_shapes))
            else:
                inst_shapes = list(news)
            # counted: the marked ones but an odd one (its shape None
            # stays None) and a 2 made as another class (a setclass shape:
            # only those have one)
            nmarked = len(marks) - marks.count(b'\x00')
            if type(inst_shapes) is not bytearray and None in inst_shapes:
                nmarked -= sum(compress(map(is_, inst_shapes, repeat(None)), marks))
            for n in shapes.setclass:
                if type(inst_shapes) is not bytearray:
                    nmarked -= inst_shapes.count(n)
                elif n < 256:
                    nmarked -= inst_shapes.count(bytearray((n,)))
            del news, rows, marks
        elif marks is not None:
            pos, ms, kept = marks
            if 2 not in ms and -1 not in ms:
                # the common case, in C loops, in one pass (not one a kind
                # of mark: kwargs' 40 000 under 3.13): each marked
                # instance's (shape, mark: 1 or a table's size) -> its new
                # shape (worked out once a pair)
                news = list(map(marked.__getitem__, zip(map(inst_shapes.__getitem__, pos), ms)))
                nmarked += len(news) - news.count(None)
                if type(inst_shapes) is bytearray and len(shapes.cls) > 256:
                    inst_shapes = list(inst_shapes)
                deque(map(inst_shapes.__setitem__, pos, news), 0)
                del news
            else:
                was = {}      # 3.13: detached values -> the class they were made for
                if 2 in ms:
                    if instances is None:
                        instances = list(picked())
                    was = classes_of_values(instances, pos, ms, classes, kept)
                if -1 not in ms:
                    # in C loops: each marked instance's (shape, mark, or for a
                    # detached one the class it was made as) -> its new shape and
                    # whether it counts as marked (worked out once a pair)
                    def made_as(key):
                        sh, m = key
                        if sh is None:
                            return None, 0
                        if type(m) is int:
                            m = 1 if m == 2 else m    # (the class not found: a read)
                        elif m is shapes.cls[sh]:
                            m = 1
                        return marked[sh, m], type(m) is int
                    pairs = list(map(Memo(made_as).__getitem__,
                                     zip(map(inst_shapes.__getitem__, pos), map(was.get, pos, ms))))
                    news = list(map(first_of, pairs))
                    nmarked += sum(map(itemgetter(1), pairs))
                    if type(inst_shapes) is bytearray and max(news) > 255:
                        inst_shapes = list(inst_shapes)
                    deque(map(inst_shapes.__setitem__, pos, news), 0)
                    del pairs, news
                else:
                    for i, m in zip(pos, ms):
                        sh = inst_shapes[i]
                        if sh is None:
                            continue
                        if m < 0:     # its dict is another's: left out
                            note('dict-shared', shapes.cls[sh].__name__)
                            if type(inst_shapes) is bytearray:
                                inst_shapes = list(inst_shapes)
                            inst_shapes[i] = None
                            continue
                        if m == 2:    # made as another class: "new" as that one, then setclass
                            k = was.get(i)
                            m = 1 if k is None or k is shapes.cls[sh] else k
                        new = marked[sh, m]
                        if new > 255 and type(inst_shapes) is bytearray:
                            inst_shapes = list(inst_shapes)
                        if isinstance(m, int):
                            nmarked += 1
                        inst_shapes[i] = new
            del marks, pos, ms, kept
        bytewise = type(inst_shapes) is bytearray     # no None in it
        # a list of the instances where they are read again: weak
        # references, odd ones, or a class of varying shapes (made_early)
        if instances is None and (weak_hit or len(shapes.cls) > 1 or
                                  (not bytewise and None in inst_shapes)):
            instances = list(picked())
        del objs[:]          # (a name a closure holds: Python 2 cannot del it)
        if not bytewise and None in inst_shapes:
                keep = [s is not None for s in inst_shapes]
                instances = list(compress(instances, keep))
                inst_shapes = list(compress(inst_shapes, keep))
                del keep
        del itypes
        ninst = len(inst_shapes)
        nshapes = len(shapes.cls)
        if bytewise:
            iw, inst_data = 1, inst_shapes
        else:
            iw, inst_data = packed(inst_shapes, nshapes)
        if iw == 1:           # counted by bytearray.count, a C scan per shape
            counts = [inst_data.count(bytearray((s,))) for s in range(nshapes)]
        else:
            counts = {}
            _count_elements(counts, inst_shapes)
            counts = [counts.get(s, 0) for s in range(nshapes)]   # (a marked one's: none)
        nattrs = sum(len(t) * k for t, k in zip(shapes.names, counts)) - nmarked
        bad = [b for b in shapes.bad if counts[b]]     # (a marked one's shape: none)
        if bad:
            s = min(bad, key=(list(inst_shapes) if bytewise else inst_shapes).index)
            note('attribute-name-not-traceable', '%s.%r' % (shapes.cls[s].__name__,
                                                           shapes.bad[s][0]),
                 sum(len(shapes.bad[b]) * counts[b] for b in bad))
        hdr.append('# pyrecord: order common-first')
        impl, ver = interpreter()
        head = ['# slotslab pyrecord 1',
                '# python: %s %s' % (impl, ver),
                '# moment: %s' % moment,
                '# pyrecord: script %s' % self.script,
                '# pyrecord: status %s' % self.status,
                '# pyrecord: instances %d classes %d attributes %d' % (
                    ninst, len(classes), nattrs)]
        for k in sorted(odd):
            head.append('# pyrecord: odd %s %d %s' % (k, odd[k][0], odd[k][1]))
        # Per shape, the names at least half of its class's instances have
        # (set in __init__, as a rule, even if deleted from some since) go
        # in the instance's "new", the others later, as attributes added
        # after construction: "shape CLASS K NAME..." (K: the number set at
        # "new").  (All instances, not half: an attribute __init__ sets and
        # the program deletes from some goes after every "new", when CPython
        # 3.11+'s instances have sized their values without it.)
        held = {}             # class -> {name: instances holding it}
        total = {}            # class -> instances
        for c, t, k in zip(shapes.cls, shapes.names, counts):
            total[c] = total.get(c, 0) + k
            h = held.setdefault(c, {})
            for a in t:
                h[a] = h.get(a, 0) + k
        common = {}           # class -> names at least half its instances have
        for c, h in held.items():
            common[c] = set([a for a, k in h.items() if 2 * k >= total[c] and
                             not lazy_name(c, a)])
        # Unless the layout says the rare names were there first: a class
        # whose instances' values were sized for more names than the common
        # ones (a probe class given only those says how many) had the rare
        # names in its shared keys early (set in __init__, or right after
        # construction, on its first instances): then every name goes at
        # "new".  (Measured: a coupon set on 1 order in 25 as it is made,
        # 40 names on the first and every hundredth of 20 000 instances.)
        # (the sizer made only for a class that asks it: it imports
        # _ctypes, ~1.1 ms, which a program without such a class may not
        # need at all)
        sizer = [] if CPYTHON else [None]
        for c, h in held.items():
            if (len(h) == len(common[c]) or '__dict__' in common[c] or not has_dict(c) or
                    any(a.startswith('__table_') for a in h) or
                    any(k is not object and '__slots__' in k.__dict__ for k in c.__mro__)):
                continue
            if not sizer:
                sizer.append(values_sizer())
            if (sizer[0] is None or
                    not made_early(c, common[c], shapes, inst_shapes, instances, sizer[0])):
                continue
            common[c] = set(h)
            # and a richest instance first, so that every name enters the
            # shared keys first, as it did
            if richest_first(c, shapes, inst_shapes, instances):
                iw, inst_data = packed(inst_shapes, nshapes)
        shape_lines = []
        for n, (c, t) in enumerate(zip(shapes.cls, shapes.names)):
            cm = common[c]
            k = 0
            while k < len(t) and t[k] in cm:
                k += 1
            if n in shapes.setclass:
                t = t + (shapes.setclass[n],)
            shape_lines.append(' '.join(['shape', names[c], str(k)] + list(t)) + '\n')
        # Weak references: one "weakref ID" event each, after the instance's
        # "new" and its common names.
        # None where no weak reference refers to a recorded instance.
        most = 0
        if weak_hit:
            wrs = list(map(getweakrefcount, instances))
            most = max(wrs) if wrs else 0
        ww, wrs = packed(wrs, most + 1) if most else (0, b'')
        if instances is not None:
            del instances[:]
        inst_shapes = None
        text = '\n'.join(head + hdr + lines) + '\n'
        del lines[:]
        if not isinstance(text, bytes):
            text = text.encode('utf-8', 'surrogateescape')
        shape_text = ''.join(shape_lines).encode('utf-8')
        # The snapshot file (read by bench/import/pysnap.c).
        tmp = self.out + '.tmp'
        with open(tmp, 'wb') as f:
            f.write(('slotslab-pyrecord-snapshot 1 %d %d %d %d %d %d\n' % (
                len(text), len(shape_text), len(shapes.cls), ninst, iw, ww)).encode('ascii'))
            f.write(text)
            f.write(shape_text)
            f.write(inst_data)
            f.write(wrs)
        inst_data = wrs = None
        os.rename(tmp, self.out)
        self.written = (moment, ninst, odd)
        return ninst

    # ---- peak sampling ---------------------------------------------------
    def on_sample(self, signum, frame):
        """Count the live instances; snapshot at a new highest count when
        it is 10 % above the last snapshot or the time spent recording so
        far is under half the CPU time the program has used."""
        c0 = os.times()
        t0 = c0[0] + c0[1]
        self.sample_no += 1
        n = self.count_live()
        c1 = os.times()
        spent = c1[0] + c1[1] - t0
        self.interval = max(0.01, 10 * spent)   # counting: at most ~10 %
        if n > self.seen_max:
            self.seen_max = n
        if n > self.best:
            if n >= 1.1 * self.best or self.cost < 0.5 * max(0.0, t0 - self.cost):
                self.best = n
                self.snapshot('peak %d (sample %d; counts every %.0f ms of CPU time or more)'
                              % (n, self.sample_no, self.interval * 1000))
        c1 = os.times()
        self.cost += c1[0] + c1[1] - t0
        signal.setitimer(signal.ITIMER_PROF, self.interval)

    def on_signal(self, signum, frame):
        self.snapshot('signal %s' % self.signame)


def main(argv):
    global signal
    if len(argv) < 4 or argv[2] != '--':
        sys.stderr.write('usage: slotslab_pyrecord.py OUT AT -- SCRIPT [ARGS...]\n')
        return 2
    out, at, script = argv[0], argv[1], argv[3]
    # the C helper's path (pyscan()), not left in the program's environment
    _PYSCAN_PATH[0] = os.environ.pop('SLOTSLAB_PYSCAN', None)
    rec = Recorder(out, at)
    rec.script = script
    rec.written = None
    try:
        with open(script, 'rb') as f:
            src = f.read()
        code = compile(src, script, 'exec', dont_inherit=True)
    except (IOError, OSError, SyntaxError) as e:
        sys.stderr.write('slotslab pyrecord: %s: %s\n' % (script, e))
        return 2
    if at != 'exit':
        import signal
    if at == 'peak':
        signal.signal(signal.SIGPROF, rec.on_sample)
        signal.setitimer(signal.ITIMER_PROF, rec.interval)
    elif at.startswith('signal:'):
        name = at[7:]
        signum = getattr(signal, name if name.startswith('SIG') else 'SIG' + name, None)
        if not isinstance(signum, int) and not hasattr(signum, 'value'):
            sys.stderr.write('slotslab pyrecord: no signal %s\n' % name)
            return 2
        rec.signame = name
        signal.signal(signum, rec.on_signal)
    elif at != 'exit':
        sys.stderr.write('slotslab pyrecord: --at %s: expected exit, peak or signal:NAME\n' % at)
        return 2
    main_mod = type(sys)('__main__')
    main_mod.__dict__.update({'__file__': script, '__builtins__': builtins,
                              '__package__': None})
    me = sys.modules.get('__main__')
    sys.modules['__main__'] = main_mod
    sys.argv = [script] + argv[4:]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    status = 0
    failure = None
    try:
        exec(code, main_mod.__dict__)
    except SystemExit as e:
        c = e.code
        status = c if isinstance(c, int) else (0 if c is None else 1)
        if c is not None and not isinstance(c, int):
            sys.stderr.write('%s\n' % c)
    except BaseException as e:
        import traceback
        failure = e
        traceback.print_exc()
        status = 1
    if at == 'peak':
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
        if rec.written is None:
            rec.status = 'ok' if failure is None else 'failed'
            rec.snapshot('peak %d (at exit: no sample fell in the run)' % rec.count_live())
    rec.status = 'ok' if status == 0 else ('failed %s: %s' % (
        type(failure).__name__, str(failure).replace('\n', ' ')[:200]) if failure
        else 'exit %d' % status)
    if at == 'exit' or (at.startswith('signal:') and rec.written is None):
        rec.snapshot('exit' if at == 'exit' else 'exit (signal %s never came)' % rec.signame)
    moment, n, odd = rec.written
    if at == 'peak' and rec.seen_max > n:
        sys.stderr.write('slotslab pyrecord: peak: the snapshot holds %d instances; the highest '
                         'count sampled was %d (a snapshot at each new high would have cost '
                         'more than the program)\n' % (n, rec.seen_max))
    if failure is not None:
        sys.stderr.write('slotslab pyrecord: %s failed (%s); the trace holds its objects '
                         'up to the failure\n' % (script, type(failure).__name__))
    for k in sorted(odd):
        sys.stderr.write('slotslab pyrecord: not recorded: %d %s (e.g. %s)\n'
                         % (odd[k][0], k, odd[k][1]))
    del me
    sys.stdout.flush()
    return status


def run():
    rc = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(rc)
