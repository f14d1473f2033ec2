# One class, a third of its instances' __dict__ read by vars(): the
# recorder's path without a list of the instances (CPython 3.11-3.13).
class Rec(object):
    def __init__(self, i):
        self.id = i
        self.name = 'r'


recs = [Rec(i) for i in range(3000)]
ids = [vars(r)['id'] for r in recs[::3]]
