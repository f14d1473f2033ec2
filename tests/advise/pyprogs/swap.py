# The state pattern by __class__ assignment: tickets are opened, and every
# other one is closed by changing its class (same attributes, same layout).
# CPython 3.13 makes a closed ticket's dict and gives it a copy of its
# inline values (the originals stay, invalid): ~64 bytes of dict and the
# copy more per closed ticket, which __slots__ on both classes save.
class Open(object):
    def __init__(self, number, owner):
        self.number = number
        self.owner = owner
        self.notes = None

    def close(self):
        self.__class__ = Closed


class Closed(object):
    def __init__(self, number, owner):
        self.number = number
        self.owner = owner
        self.notes = None


tickets = [Open(i, i % 7) for i in range(20000)]
for t in tickets[::2]:
    t.close()
