# fwd.py SENTINEL - signals its parent (slotslab pyrecord) with SIGUSR1,
# which passes it on, then waits for the recorder's trace SENTINEL to
# appear (tests/advise/pyrecord_cli.sh).
import os, signal, sys, time
class A(object):
    pass
xs = [A() for i in range(4)]
os.kill(os.getppid(), signal.SIGUSR1)     # to slotslab, which passes it on
for i in range(200):
    if os.path.exists(sys.argv[1]):
        break
    time.sleep(0.05)
del xs
