# Weak references: every node is weakly referenced from a registry.
import weakref

class Node(object):
    __slots__ = ('key', 'parent', '__weakref__')
    def __init__(self, key):
        self.key = key
        self.parent = None

nodes = [Node(i % 200) for i in range(25000)]
registry = [weakref.ref(n) for n in nodes]
