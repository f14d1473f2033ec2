# SPDX-License-Identifier: MIT
"""slotslab_pyrecord - the recorder behind `slotslab pyrecord`:
    PYTHON slotslab_pyrecord.py OUT AT -- SCRIPT [ARGS...]
It is slotslab_pyrecord_impl.py, beside this file, imported as a module so
that the interpreter keeps its compiled code (__pycache__/ beside it, or a
.pyc under Python 2) between runs: compiling it costs 10-15 ms at every
run.  The cache is written even under PYTHONDONTWRITEBYTECODE (or -B),
which is meant for the program's modules: sys.dont_write_bytecode is
restored before the program runs.  Nothing is written when the folder is
not writable (an installed share/slotslab/ of another user): then it is
compiled at each run.
Its folder is sys.path[0] when this runs as a script, unless the
interpreter was told not to put it there (-P, -I): then it is put there,
as the recorder replaces sys.path[0] with the program's folder.
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
if not sys.path or os.path.abspath(sys.path[0] or '.') != here:
    sys.path.insert(0, here)
dont_write = sys.dont_write_bytecode
sys.dont_write_bytecode = False
try:
    from slotslab_pyrecord_impl import run  # noqa: E402
finally:
    sys.dont_write_bytecode = dont_write

run()
