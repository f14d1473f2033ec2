# scan.py OUT - every kind of instance dict the snapshot's dict checks
# tell (a __dict__ read, a table of its own, one shared by several
# instances, values detached by a __class__ assignment), for comparing
# the recorder's C loop (libslotslab-pyscan.so) with its Python path
# (tests/advise/pyrecord_cli.sh); writes to OUT whether the recorder's
# SLOTSLAB_PYSCAN reached the program's environment.  The collector is
# off so that the instances' order does not follow the recorder's own
# allocations.
import gc
import os
import sys
gc.disable()


class A(object):
    def __init__(self, i):
        self.u = i
        self.v = i


class B(object):
    def __init__(self, i):
        self.u = i
        self.v = i


class Kw(object):
    def __init__(self, **kw):
        self.__dict__.update(kw)


shared = {'s': 1}
xs = [A(i) for i in range(3000)] + [B(i) for i in range(2000)] + [Kw(a=i, b=i) for i in range(3000)]
for x in xs[::3]:
    x.__class__ = B if type(x) is A else A
for x in xs[1::7]:
    x.__dict__
for x in xs[2::11]:
    x.__dict__ = {'u': 1, 'w': 2}
for x in xs[5::13]:
    x.__dict__ = shared
with open(sys.argv[1], 'w') as f:
    f.write('SLOTSLAB_PYSCAN' in os.environ and 'seen\n' or 'unseen\n')
