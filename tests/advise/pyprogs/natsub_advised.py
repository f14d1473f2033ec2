# natsub.py with the advice applied.
class Word(str):
    __slots__ = ('line',)
    def __new__(cls, text, line):
        w = str.__new__(cls, text)
        w.line = line
        return w

class Batch(list):
    __slots__ = ('owner', 'sealed', 'size')
    def __init__(self, owner):
        list.__init__(self)
        self.owner = owner
        self.sealed = False
        self.size = 0

words = [Word('w%d' % (i % 300), i) for i in range(12000)]
batches = [Batch(i) for i in range(8000)]

class Headers(dict):
    __slots__ = ('source',)
    def __init__(self, source):
        dict.__init__(self)
        self.source = source

headers = [Headers(i) for i in range(5000)]

from collections import deque

class Window(deque):
    __slots__ = ('limit',)
    def __init__(self, limit):
        deque.__init__(self, (), 8)
        self.limit = limit

windows = [Window(i) for i in range(4000)]
