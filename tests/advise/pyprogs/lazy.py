# A cached_property computed on every other invoice (the loop over
# invoices[1::2] reads it): functools.cached_property reads the instance's
# __dict__ (CPython 3.11+ then makes a dict object, 64 bytes) and stores
# the value there, after construction.  The advice: a property over a slot
# of another name (a slot named 'total' would conflict with it).
try:
    from functools import cached_property
except ImportError:             # before 3.8: one like it
    class cached_property(object):
        def __init__(self, func):
            self.func = func
        def __set_name__(self, owner, name):
            self.name = name
        def __get__(self, obj, cls=None):
            if obj is None:
                return self
            v = obj.__dict__[self.name] = self.func(obj)
            return v

class Invoice:
    def __init__(self, number, lines):
        self.number = number
        self.lines = lines
        self.paid = False

    @cached_property
    def total(self):
        return self.lines * 3

invoices = [Invoice(i, i % 11) for i in range(16000)]
due = sum(inv.total for inv in invoices[1::2])
