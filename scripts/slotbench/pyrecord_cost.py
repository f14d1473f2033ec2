"""slotbench.pyrecord_cost - what `slotslab pyrecord` costs a program: CPU
time (user+sys) and peak RSS of the recorded run against the plain run.

    PYTHONPATH=scripts /usr/bin/python3 -m slotbench.pyrecord_cost \\
        --slotslab build/slotslab [--python PY]... [--program FILE]... \\
        [--reps 5] [--json OUT] [--before RECORDER]

Per interpreter and program: REPS pairs of runs, plain then recorded,
alternated (so that a change in the machine's load hits both alike); each
pair's ratio, and the median of the ratios (and of each side's figures).
Each run's cost is its own wait4() rusage: the process and its reaped
children (the interpreter under `slotslab pyrecord`), so peak RSS is the
largest of them.  The recorder's bytecode is cached by a warm-up run
first.  --before RECORDER (another slotslab_pyrecord.py, e.g. an older
revision's, through $SLOTSLAB_PYRECORD) adds a third run to each round,
recorded by it: both recorders' ratios under the same load.  Defaults: every pyenv CPython 3.6+ and pypy3; the advise part's
programs (scripts/slotbench/programs), tests/advise/pyprogs, each with its
advised twin (classes with __slots__), and `flat4`, 200 000 instances of
4 attributes (written to a temporary folder).  Prints a Markdown table;
exits 2 on bad usage.  Timing only: no goal is asserted here.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

from slotbench import common

ROOT = common.ROOT
FLAT4 = ('class Flat(object):\n'
         '    def __init__(self, i):\n'
         '        self.a = i\n        self.b = None\n        self.c = 0\n        self.d = ()\n\n'
         'objs = [Flat(i) for i in range(200000)]\n')


def default_pythons():
    out = []
    for p in glob.glob(os.path.expanduser('~/.pyenv/versions/3.*/bin/python')):
        v = os.path.basename(os.path.dirname(os.path.dirname(p)))
        out.append((tuple(int(x) for x in v.split('.')), p))
    out = [p for _, p in sorted(out)]
    for p in ('/usr/bin/pypy3',):
        if os.path.exists(p):
            out.append(p)
    return out


def default_programs(tmp):
    progs = []
    for d in ('scripts/slotbench/programs', 'tests/advise/pyprogs'):
        for p in sorted(glob.glob(os.path.join(ROOT, d, '*.py'))):
            if os.path.basename(p) != 'measure.py':
                progs.append(p)
    flat = os.path.join(tmp, 'flat4.py')
    with open(flat, 'w') as f:
        f.write(FLAT4)
    return [flat] + progs


def run(cmd, env=None):
    """(CPU seconds, peak RSS KiB) of cmd and its children, from wait4()."""
    with open(os.devnull, 'wb') as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=null, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = 0   # reaped here
    if status != 0:
        raise RuntimeError('%s: exit status %d' % (' '.join(cmd), status))
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def version_of(py):
    return subprocess.check_output(
        [py, '-c', 'import sys; i = getattr(sys, "implementation", None); '
         'print("%s %d.%d.%d" % ((i.name if i else "cpython",) + tuple(sys.version_info[:3])))'],
        universal_newlines=True).strip()


def main():
    ap = common.argparser('pyrecord_cost', __doc__)
    ap.add_argument('--slotslab', default=os.path.join(ROOT, 'build', 'slotslab'))
    ap.add_argument('--python', action='append', help='an interpreter (repeatable)')
    ap.add_argument('--program', action='append', help='a Python program (repeatable)')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--json', help='write the figures there')
    ap.add_argument('--before', help='another recorder (slotslab_pyrecord.py) to compare')
    a = ap.parse_args()
    if a.reps < 1 or not os.access(a.slotslab, os.X_OK):
        ap.error('--reps must be >= 1 and --slotslab an executable')
    tmp = tempfile.mkdtemp(prefix='pyrecord-cost-')
    pythons = a.python or default_pythons()
    programs = a.program or default_programs(tmp)
    trace = os.path.join(tmp, 'trace.bin')
    rows = []
    env_before = None
    if a.before:
        env_before = dict(os.environ, SLOTSLAB_PYRECORD=os.path.abspath(a.before))
    print('| python | program | CPU plain s | CPU x | RSS plain MiB | RSS x |%s' % (
        ' CPU x before | RSS x before |' if a.before else ''))
    print('|---|---|---:|---:|---:|---:|%s' % ('---:|---:|' if a.before else ''))
    for py in pythons:
        ver = version_of(py)
        for prog in programs:
            rec = [a.slotslab, 'pyrecord', '-o', trace, '--', py, prog]
            run(rec)          # warm-up: the recorder's bytecode cached
            if a.before:
                run(rec, env_before)
            pc, rc, pr, rr, bc, br = [], [], [], [], [], []
            for _ in range(a.reps):
                c0, m0 = run([py, prog])
                c1, m1 = run(rec)
                pc.append(c0)
                rc.append(c1)
                pr.append(m0)
                rr.append(m1)
                if a.before:
                    c2, m2 = run(rec, env_before)
                    bc.append(c2 / c0)
                    br.append(m2 / float(m0))
            row = {'python': ver, 'interpreter': py, 'program': os.path.basename(prog),
                   'cpu_plain': common.median(pc), 'cpu_recorded': common.median(rc),
                   'cpu_ratio': common.median([r / p for r, p in zip(rc, pc)]),
                   'rss_plain_kib': common.median(pr), 'rss_recorded_kib': common.median(rr),
                   'rss_ratio': common.median([r / float(p) for r, p in zip(rr, pr)]),
                   'reps': a.reps}
            if a.before:
                row['cpu_ratio_before'] = common.median(bc)
                row['rss_ratio_before'] = common.median(br)
            rows.append(row)
            print('| %s | %s | %.3f | %.2f | %.1f | %.2f |%s' % (
                ver, row['program'], row['cpu_plain'], row['cpu_ratio'],
                row['rss_plain_kib'] / 1024.0, row['rss_ratio'],
                ' %.2f | %.2f |' % (row['cpu_ratio_before'], row['rss_ratio_before'])
                if a.before else ''))
            sys.stdout.flush()
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'part': 'pyrecord_cost', 'provenance': common.provenance(
                os.path.dirname(os.path.abspath(a.slotslab))), 'rows': rows}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
