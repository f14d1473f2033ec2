# fail.py - 10 instances, then an uncaught ValueError: pyrecord still writes
# their trace and exits 1 (tests/advise/pyadvise_verify.sh).
class A(object):
    pass
xs = [A() for i in range(10)]
for x in xs: x.v = 1
raise ValueError("boom")
