# kwargs.py with the advice applied: slots, so each attribute is set
# (setattr) instead of the dict being updated or assigned.
class Msg(object):
    __slots__ = ('src', 'dst', 'body')

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


class Cfg(object):
    __slots__ = ('host', 'port', 'user', 'tls')

    def __init__(self, i):
        for k, v in {'host': 'h', 'port': i, 'user': 'u', 'tls': True}.items():
            setattr(self, k, v)


class Pt(object):
    __slots__ = ('x', 'y')

    def __init__(self, x, y):
        self.x = x
        self.y = y


msgs = [Msg(src=i, dst=i + 1, body='x') for i in range(30000)]
cfgs = [Cfg(i) for i in range(10000)]
pts = [Pt(i, i) for i in range(20000)]
