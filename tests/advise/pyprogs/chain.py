# An inheritance chain: Base -> Mid -> Leaf, instances of each.
class Base(object):
    def __init__(self, uid):
        self.uid = uid
        self.name = None

class Mid(Base):
    def __init__(self, uid):
        Base.__init__(self, uid)
        self.score = 0

class Leaf(Mid):
    def __init__(self, uid):
        Mid.__init__(self, uid)
        self.level = 1
        self.owner = None

objs = [Leaf(i % 200) for i in range(20000)]
objs += [Mid(i % 200) for i in range(5000)]
objs += [Base(i % 200) for i in range(5000)]
