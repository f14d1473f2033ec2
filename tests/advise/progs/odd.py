# odd.py - an instance whose __dict__ is a dict subclass: counted as odd,
# never recorded; a name that is not a string, last in an instance's
# dict: counted, the others recorded (tests/advise/pyrecord_cli.sh).
class D(dict):
    pass
class A(object):
    pass
a = A()
a.__dict__ = D(x=1)
b = [A() for i in range(3)]


class B(object):
    pass
c = B()
c.__dict__ = {'x': 1, 2: 3}
