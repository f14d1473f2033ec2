# many.py - 300 instances of 300 shapes (one attribute each, named apart),
# and one instance with 300 weak references: the recorder's snapshot then
# holds 4-byte numbers (tests/advise/pyrecord_cli.sh).
import weakref
class A(object):
    pass
xs = [A() for i in range(300)]
for i, x in enumerate(xs):
    setattr(x, 'a%d' % i, i)
refs = [weakref.ref(xs[7], lambda r: None) for i in range(300)]
