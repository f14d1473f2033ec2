# Wide objects: 35 attributes each (past the 30-key cliff of CPython 3.11+).
NAMES = ['f%02d' % i for i in range(35)]

class Row(object):
    __slots__ = tuple(NAMES)
    def __init__(self, i):
        for n in NAMES:
            setattr(self, n, i % 100)

rows = [Row(i) for i in range(4000)]
