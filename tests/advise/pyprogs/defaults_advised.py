# defaults.py with the advice applied: the default moves into __init__.
class Job(object):
    __slots__ = ('jid', 'owner', 'retries')

    def __init__(self, i):
        self.jid = i
        self.owner = 'u%d' % (i % 10)
        self.retries = 0
        if i % 10 == 0:
            self.retries = 3


jobs = [Job(i) for i in range(30000)]
