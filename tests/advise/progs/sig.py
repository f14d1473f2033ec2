# sig.py - 5 instances live when it sends itself SIGUSR1, none after:
# what `pyrecord --at signal:USR1` must catch (tests/advise/pyadvise_verify.sh).
import os, signal
class A(object):
    pass
xs = [A() for i in range(5)]
os.kill(os.getpid(), signal.SIGUSR1)
del xs
