"""slotbench - the benchmark harness behind `make bench` (scripts/bench.sh).

Every module is run as `PYTHONPATH=scripts /usr/bin/python3 -m slotbench.NAME`
from the repository's root; scripts/README.md lists them and what each may
import.  pyreplay.py is the exception: a standalone file that other
interpreters (CPython 2.7 to 3.13, PyPy) execute by path.
"""
