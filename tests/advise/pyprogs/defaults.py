# A class attribute as the default, overridden in __init__ on a tenth of
# the instances: the first instance puts the name in the shared keys, so
# every later one has room for it (under CPython 3.11 and 3.12 one value
# more, which the recorder sees in the pymalloc size class of the values).
class Job(object):
    retries = 0

    def __init__(self, i):
        self.jid = i
        self.owner = 'u%d' % (i % 10)
        if i % 10 == 0:
            self.retries = 3


jobs = [Job(i) for i in range(30000)]
