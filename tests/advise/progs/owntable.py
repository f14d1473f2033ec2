# Instances whose __dict__ has a hash table of its own: Cfg's is assigned
# (every CPython), Msg's updated from the keyword arguments before any
# attribute (CPython 3.10-3.12 copy their table; 3.6-3.9 and 3.13 keep
# the shared keys, and 3.13 records the read).  Pt is plain.  Borg's
# instances all share one dict (the Borg pattern): one is recorded, the
# others counted as odd (dict-shared).
class Msg(object):
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Cfg(object):
    def __init__(self, i):
        self.__dict__ = {'host': 'h', 'port': i, 'user': 'u'}


class Pt(object):
    def __init__(self, x):
        self.x = x
        self.y = x


class Borg(object):
    _state = {}

    def __init__(self):
        self.__dict__ = self._state
        self.mode = 'on'


msgs = [Msg(src=i, dst=i, body='b') for i in range(2000)]
cfgs = [Cfg(i) for i in range(1000)]
pts = [Pt(i) for i in range(3000)]
borgs = [Borg() for i in range(10)]
