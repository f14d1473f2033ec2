# lonedict.py WANT - one class alone, without slots: the recorder's common
# path (its instances read in one pass over the objects, not listed, their
# shape numbers made a bytearray at once; listed afterwards for their weak
# references).  Its instances hold their attributes in three orders, some
# a third one, a few weak references.  Writes what each instance holds to
# WANT, as paths.py does, from how it built them: never reading __dict__,
# which would make CPython 3.11+ build the dicts before the recorder does.
import sys, weakref
class Solo(object):
    pass
objs, want = [], []
for i in range(600):
    o = Solo()
    if i % 3 == 0:
        o.a = i; o.b = 1; names = ['a', 'b']
    elif i % 3 == 1:
        o.b = 1; o.a = i; names = ['b', 'a']
    else:
        o.a = i; o.b = 1; o.c = 2; del o.a; o.a = 0; names = ['b', 'c', 'a']
    objs.append(o)
    want.append(names)
refs = [weakref.ref(o) for o in objs[::7]]
with open(sys.argv[1], 'w') as f:
    for o, names in zip(objs, want):
        f.write('Solo %s w%d\n' % (' '.join(names), weakref.getweakrefcount(o)))
