# rows.py with the advice applied.
import random
random.seed(5)
class Row(object):
    __slots__ = ('a', 'b', 'c', 'd', '_cache')
    def __init__(self, d):
        for k, v in d.items():
            setattr(self, k, v)
    def total(self):
        if not hasattr(self, '_cache'):
            self._cache = self.a + self.b
        return self._cache

keys = ['a', 'b', 'c', 'd']
rows = []
for i in range(30000):
    ks = keys[:]
    if i % 4 == 0:
        random.shuffle(ks)
    rows.append(Row(dict((k, i) for k in ks)))
for r in rows[::5]:
    r.total()
for r in rows[::7]:
    del r.d
