# Subclasses of C-implemented types with instance attributes: a str that
# knows where it was read, a list that knows its owner.  Under CPython
# 3.11+ their instances get a dict with values for all the shared keys'
# room (list's, str's and dict's constructors, not object's, make them).
# A base named dict is not a base with a dict; deque is a heap type under
# 3.12+ (its __new__ tells it is C), and takes weak references itself.
class Word(str):
    def __new__(cls, text, line):
        w = str.__new__(cls, text)
        w.line = line
        return w

class Batch(list):
    def __init__(self, owner):
        list.__init__(self)
        self.owner = owner
        self.sealed = False
        self.size = 0

words = [Word('w%d' % (i % 300), i) for i in range(12000)]
batches = [Batch(i) for i in range(8000)]

class Headers(dict):
    def __init__(self, source):
        dict.__init__(self)
        self.source = source

headers = [Headers(i) for i in range(5000)]

from collections import deque

class Window(deque):
    def __init__(self, limit):
        deque.__init__(self, (), 8)
        self.limit = limit

windows = [Window(i) for i in range(4000)]
