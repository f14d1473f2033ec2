# odd.py - an instance whose __dict__ is a dict subclass: counted as odd,
# never recorded (tests/advise/pyrecord_cli.sh).
class D(dict):
    pass
class A(object):
    pass
a = A()
a.__dict__ = D(x=1)
b = [A() for i in range(3)]
