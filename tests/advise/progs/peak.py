# peak.py - 300 000 instances live inside work(), 10 after it: what
# `pyrecord --at peak` must catch (tests/advise/pyrecord_cli.sh).
class A(object):
    def __init__(self, i):
        self.i = i
def work():
    xs = [A(i) for i in range(300000)]
    return sum(x.i for x in xs)
work()
ys = [A(i) for i in range(10)]
