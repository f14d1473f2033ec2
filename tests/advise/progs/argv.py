# argv.py ARGS... - one instance per sys.argv entry, then sys.exit(3)
# (tests/advise/pyrecord_cli.sh).
import sys
class A(object):
    pass
keep = [A() for a in sys.argv]
sys.exit(3)
