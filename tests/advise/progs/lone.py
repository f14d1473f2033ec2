# lone.py WANT - one class alone, with slots some instances lack, weak
# references to some: the recorder's one-class path (no class list per
# instance).  Writes what each instance holds to WANT, as paths.py does.
import sys, weakref
class Lone(object):
    __slots__ = ('u', 'v', '__weakref__')
objs = []
for i in range(500):
    o = Lone(); o.v = i
    if i % 3:
        o.u = 1
    objs.append(o)
refs = [weakref.ref(o) for o in objs[::7]]
with open(sys.argv[1], 'w') as f:
    for o in objs:
        names = [n for n in ('u', 'v') if hasattr(o, n)]
        f.write('Lone %s w%d\n' % (' '.join(names), weakref.getweakrefcount(o)))
