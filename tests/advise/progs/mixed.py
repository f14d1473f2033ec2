import sys, weakref
class A(object):
    def __init__(self, i):
        self.a = i
        if i % 3 == 0:
            self.b = i
class S(object):
    __slots__ = ('x', 'y', '__weakref__')
class SD(S):
    __slots__ = ('z', '__dict__')
class Unused(object):
    pass
objs = []
for i in range(300):
    objs.append(A(i))
    s = S()
    s.x = i
    if i % 2:
        s.y = i
    objs.append(s)
    if i % 10 == 0:
        d = SD()
        d.z = 1
        d.extra = 2
        d.x = 3
        objs.append(d)
refs = [weakref.ref(o) for o in objs if not isinstance(o, A) and o.x % 4 == 0]
refs += [weakref.ref(o) for o in objs if isinstance(o, SD)]
with open(sys.argv[1], 'w') as f:
    for o in objs:
        names = [n for n in ('x', 'y', 'z') if isinstance(o, S) and hasattr(o, n)]
        names += list(getattr(o, '__dict__', ()))
        f.write('%s %s w%d\n' % (type(o).__name__, ' '.join(names), weakref.getweakrefcount(o)))
