# twice.py - 2000 instances of a plain class, then SIGUSR1 twice: two
# snapshots (tests/advise/pyrecord_cli.sh).  The first must not leave a
# __dict__ on the instances that the second would take for the program's.
import os
import signal


class P(object):
    def __init__(self, i):
        self.a = i
        self.b = i


ps = [P(i) for i in range(2000)]
os.kill(os.getpid(), signal.SIGUSR1)
os.kill(os.getpid(), signal.SIGUSR1)
