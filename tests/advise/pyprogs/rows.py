# Rows built from dicts (key order varies), one attribute deleted from a
# seventh of them, a cache added to a fifth: names set in __init__ and
# deleted since still size CPython 3.11+'s shared keys.
import random
random.seed(5)
class Row(object):
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
