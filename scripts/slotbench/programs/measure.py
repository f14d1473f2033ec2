# scripts/slotbench/programs/measure.py PROG: the bytes tracemalloc sees live
# after PROG ran (its globals kept), less what was live before.  Python 3.4+.
# The one copy: the `advise` part of make bench (slotbench/advise.py) and
# tests/advise/pyadvise_verify.sh both measure with it.
import gc
import runpy
import sys
import tracemalloc

gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
g = runpy.run_path(sys.argv[1], run_name='__main__')
gc.collect()
print(tracemalloc.get_traced_memory()[0] - before)
