# hook.py FILE - instances of a class whose __getattribute__ would write
# FILE if the recorder ran it (it must not: it reads __dict__ through
# object.__getattribute__, or by the ordinary lookup only for classes
# without such a hook), beside a plain class (tests/advise/pyrecord_cli.sh).
import sys
path = sys.argv[1]
class G(object):
    def __getattribute__(self, name):
        with open(path, 'a') as f:
            f.write(name + '\n')
        return object.__getattribute__(self, name)
class A(object):
    pass
xs = [G() for i in range(3)] + [A() for i in range(3)]
for x in xs:
    x.v = 1
