# swap.py with the advice applied: the same __slots__ on both classes, so
# that __class__ assignment between them still works.
class Open(object):
    __slots__ = ('number', 'owner', 'notes')

    def __init__(self, number, owner):
        self.number = number
        self.owner = owner
        self.notes = None

    def close(self):
        self.__class__ = Closed


class Closed(object):
    __slots__ = ('number', 'owner', 'notes')

    def __init__(self, number, owner):
        self.number = number
        self.owner = owner
        self.notes = None


tickets = [Open(i, i % 7) for i in range(20000)]
for t in tickets[::2]:
    t.close()
