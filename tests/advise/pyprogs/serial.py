# Records the program reads through __dict__ (vars, pickle, copy): under
# CPython 3.11+ each such instance carries a dict object (64 bytes) more.
import copy
import pickle


class Rec(object):
    def __init__(self, i):
        self.id = i
        self.name = 'r'
        self.score = 0.5


class Item(object):
    def __init__(self, i):
        self.sku = i
        self.qty = 1


recs = [Rec(i) for i in range(20000)]
rows = [vars(r)['id'] for r in recs[::3]]      # a third of them read
items = pickle.loads(pickle.dumps([Item(i) for i in range(20000)]))
clones = [copy.copy(x) for x in items[:5000]]
