# Instances filled from keyword arguments or a dict: Msg updates its
# __dict__ from **kw (CPython 3.10-3.12 copy kw's table into a dict of the
# instance's own, 3.13 wraps the values in a dict), Cfg assigns a dict (a
# table of its own under every version); Pt sets its attributes one by
# one.  The advice must count each dict as the interpreter made it.
class Msg(object):
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Cfg(object):
    def __init__(self, i):
        self.__dict__ = {'host': 'h', 'port': i, 'user': 'u', 'tls': True}


class Pt(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y


msgs = [Msg(src=i, dst=i + 1, body='x') for i in range(30000)]
cfgs = [Cfg(i) for i in range(10000)]
pts = [Pt(i, i) for i in range(20000)]
