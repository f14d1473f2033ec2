# serial.py with the advice applied: its own reads of __dict__ go by name.
import copy
import pickle


class Rec(object):
    __slots__ = ('id', 'name', 'score')

    def __init__(self, i):
        self.id = i
        self.name = 'r'
        self.score = 0.5


class Item(object):
    __slots__ = ('sku', 'qty')

    def __init__(self, i):
        self.sku = i
        self.qty = 1


recs = [Rec(i) for i in range(20000)]
rows = [r.id for r in recs[::3]]
items = pickle.loads(pickle.dumps([Item(i) for i in range(20000)]))
clones = [copy.copy(x) for x in items[:5000]]
