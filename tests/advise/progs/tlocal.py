# tlocal.py - 30 threading.local objects whose attributes live per thread
# (invisible to a snapshot) and 4 plain instances: the locals are counted
# as odd, not recorded as empty (tests/advise/pyrecord_cli.sh).
import threading

class Session(threading.local):
    def __init__(self, n):
        self.n = n
        self.user = None

class Plain(object):
    def __init__(self, n):
        self.n = n

sessions = [Session(i) for i in range(30)]
plain = [Plain(i) for i in range(4)]
