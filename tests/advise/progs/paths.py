# paths.py WANT HOOKRAN - every way the recorder reads instances in bulk or
# one by one (pyrecord/slotslab_pyrecord_impl.py, take()): slots all held,
# slots some instances lack (read by getattr with a default), the same
# under a __getattr__ hook (one by one; the hook must never run: it would
# write HOOKRAN), slots with a dict, a class with no slots and no dict,
# plain dict classes, a dict subclass alive (not as a __dict__), weak
# references to instances, a proxy, and to a function.  The program writes
# what each instance holds (class, names in the trace's order, weak refs)
# to WANT, one line each (tests/advise/pyrecord_cli.sh).
import collections, sys, weakref
class Full(object):
    __slots__ = ('a', 'b', '__weakref__')
class Part(object):
    __slots__ = ('p', 'q', 'r')
class Hooked(object):
    __slots__ = ('h', 'k')
    def __getattr__(self, name):
        with open(sys.argv[2], 'a') as f:
            f.write(name + '\n')
        raise AttributeError(name)
class Both(Full):
    __slots__ = ('c', '__dict__')
class Bare(Full):
    __slots__ = ()
class Plain(object):
    pass
class Other(object):
    def __init__(self, i):
        if i % 2:
            self.y, self.x = 1, 2
        else:
            self.x, self.y = 1, 2
objs = []
for i in range(200):
    f = Full(); f.a = i; f.b = 0; objs.append(f)
    p = Part(); p.p = i
    if i % 3 == 0:
        p.q = 1
    if i % 5 == 0:
        p.r = 2
    objs.append(p)
    h = Hooked(); h.k = 1
    if i % 4 == 0:
        h.h = 0
    objs.append(h)
    b = Both(); b.a = 1; b.b = 2; b.c = 3
    if i % 7 == 0:
        b.extra = 1
    objs.append(b)
    e = Bare(); e.a = 1; e.b = 2; objs.append(e)
    pl = Plain()
    if i % 2:
        pl.n = 1
    objs.append(pl)
    objs.append(Other(i))
alive = collections.OrderedDict(k=1)          # a dict subclass, not a __dict__
def func():
    pass
refs = [weakref.ref(func)] + [weakref.ref(o) for o in objs if isinstance(o, Full) and o.a % 9 == 0]
refs.append(weakref.proxy(objs[0]))


def held(o):
    names = []
    for k in reversed(type(o).__mro__):
        for n in k.__dict__.get('__slots__', ()):
            if n not in ('__dict__', '__weakref__'):
                try:
                    k.__dict__[n].__get__(o, type(o))
                    names.append(n)
                except AttributeError:
                    pass
    try:
        names += list(object.__getattribute__(o, '__dict__'))
    except AttributeError:
        pass
    return names


with open(sys.argv[1], 'w') as f:
    for o in objs:
        f.write('%s %s w%d\n' % (type(o).__name__, ' '.join(held(o)),
                                 weakref.getweakrefcount(o)))
