# SPDX-License-Identifier: MIT
"""slotslab_pyrecord - the recorder behind `slotslab pyrecord`:
    PYTHON slotslab_pyrecord.py OUT AT -- SCRIPT [ARGS...]
It is slotslab_pyrecord_impl.py, beside this file, imported as a module so
that the interpreter may keep its compiled code (__pycache__/, or a .pyc
under Python 2) between runs: a script is compiled at every run (~10 ms).
Its folder is sys.path[0] when this runs as a script, unless the
interpreter was told not to put it there (-P, -I): then it is put there,
as the recorder replaces sys.path[0] with the program's folder.
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
if not sys.path or os.path.abspath(sys.path[0] or '.') != here:
    sys.path.insert(0, here)
from slotslab_pyrecord_impl import run  # noqa: E402

run()
