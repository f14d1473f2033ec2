"""slotbench.advise - the `advise` part of make bench: the seeds' programs
(MyClass, Player) and a real-world-shaped one (shop), each with its advised
twin, in every CPython among 3.8, 3.11, 3.13 found (and PyPy for recording):
the saving `slotslab advise` predicts from a `slotslab pyrecord` trace next
to the saving tracemalloc measures, and what recording cost (CPU time and
peak RSS, medians of alternated runs).

    PYTHONPATH=scripts /usr/bin/python3 -m slotbench.advise --slotslab B/slotslab --out DIR

Writes DIR/advise.json, DIR/sections/60-advise.md, DIR/advise.png/.svg.
"""
import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile

from slotbench import common as benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
PROGS = os.path.join(HERE, 'programs')
PROGRAMS = ['myclass', 'player', 'shop']
VERSIONS = ['3.8', '3.11', '3.13']


def interpreters():
    out = []
    for v in VERSIONS:
        found = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python' % v)))
        out.append((v, found[-1] if found else None))
    return out


def child_cost(cmd):
    """(CPU seconds, max RSS KiB) of running cmd, from its rusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, after.ru_maxrss


def measure(py, prog):
    out = subprocess.run([py, os.path.join(PROGS, 'measure.py'), os.path.join(PROGS, prog + '.py')],
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def rss_of(cmd):
    """Peak RSS (KiB) of cmd alone, through /usr/bin/time."""
    r = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(r.stderr.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--slotslab', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, 'sections'), exist_ok=True)
    rows = []
    tmp = tempfile.mkdtemp()
    for v, py in interpreters():
        for prog in PROGRAMS:
            row = {'python': v, 'program': prog, 'interpreter': py}
            rows.append(row)
            if not py:
                row['note'] = 'CPython %s not installed' % v
                continue
            path = os.path.join(PROGS, prog + '.py')
            row['measured_saving_bytes'] = measure(py, prog) - measure(py, prog + '_advised')
            trace = os.path.join(tmp, '%s-%s.bin' % (prog, v))
            plain, rec = [], []
            rss_plain, rss_rec = [], []
            for _ in range(a.reps):     # alternated
                plain.append(child_cost([py, path])[0])
                rec.append(child_cost([a.slotslab, 'pyrecord', '-o', trace, '--', py, path])[0])
                rss_plain.append(rss_of([py, path]))
                rss_rec.append(rss_of([a.slotslab, 'pyrecord', '-o', trace, '--', py, path]))
            row['cpu_seconds'] = benchlib.median(plain)
            row['cpu_seconds_recording'] = benchlib.median(rec)
            row['rss_kib'] = benchlib.median(rss_plain)
            row['rss_kib_recording'] = benchlib.median(rss_rec)
            r = subprocess.run([a.slotslab, 'advise', '--json', trace], capture_output=True, text=True)
            if r.returncode == 0:
                d = json.loads(r.stdout)
                row['predicted_saving_bytes'] = d['total_saving_bytes']
                row['profile'] = d['profile']
                row['advice'] = dict((c['name'], c['advice']) for c in d['classes'])
                m = row['measured_saving_bytes']
                row['error'] = (d['total_saving_bytes'] - m) / float(m) if m else None
            else:
                row['note'] = r.stderr.strip().replace('slotslab advise: ', '')
    res = {'part': 'advise', 'provenance': benchlib.provenance(os.path.dirname(a.slotslab)),
           'goal': 'predicted within 10 % of measured; recording <= 2x time and memory',
           'rows': rows}
    with open(os.path.join(a.out, 'advise.json'), 'w') as f:
        json.dump(res, f, indent=1)
    md = ['## The slots advisor: predicted and measured saving', '',
          'Each program runs in real CPython twice, as written and as `slotslab advise` '
          'says to write it (a hand-written twin); tracemalloc measures the difference. '
          '`slotslab pyrecord` records the original and `slotslab advise` predicts the '
          'saving under the recorded version\'s profile.  Recording cost: medians of %d '
          'alternated runs (CPU time and peak RSS of the whole run, recording vs plain), '
          'on shared, loaded cores.' % a.reps, '',
          '| program | python | profile | predicted | measured | error | CPU x | RSS x | note |',
          '|---|---|---|---:|---:|---:|---:|---:|---|']
    for r in rows:
        pred = r.get('predicted_saving_bytes')
        meas = r.get('measured_saving_bytes')
        err = r.get('error')
        cpu = (r['cpu_seconds_recording'] / r['cpu_seconds']) if r.get('cpu_seconds') else None
        rss = (r['rss_kib_recording'] / float(r['rss_kib'])) if r.get('rss_kib') else None
        note = r.get('note', '')
        if err is not None and abs(err) > 0.10:
            note = (note + '; ' if note else '') + 'MISSED the 10 % goal'
        if cpu is not None and cpu > 2:
            note = (note + '; ' if note else '') + ('recording over 2x CPU: the program only '
                                                    'builds objects, the snapshot costs ~0.3-0.8 us each')
        md.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r['program'], r['python'], r.get('profile', '-'),
            '%.0f' % pred if pred is not None else '-',
            '%.0f' % meas if meas is not None else '-',
            '%+.1f %%' % (100 * err) if err is not None else '-',
            '%.2f' % cpu if cpu else '-', '%.2f' % rss if rss else '-', note))
    md += ['', 'An interpreter without a profile is said, not guessed: '
           '`advise --profile auto` refuses an interpreter no profile models.', '']
    with open(os.path.join(a.out, 'sections', '60-advise.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        done = [r for r in rows if r.get('predicted_saving_bytes') is not None]
        if done:
            fig, ax = plt.subplots(figsize=(7, 3.5))
            xs = range(len(done))
            ax.bar([x - 0.2 for x in xs], [r['predicted_saving_bytes'] / 1e6 for r in done], 0.4,
                   label='predicted')
            ax.bar([x + 0.2 for x in xs], [r['measured_saving_bytes'] / 1e6 for r in done], 0.4,
                   label='measured (tracemalloc)')
            ax.set_xticks(list(xs))
            ax.set_xticklabels(['%s\n%s' % (r['program'], r['python']) for r in done])
            ax.set_ylabel('saving, MB')
            ax.legend()
            fig.tight_layout()
            for ext in ('png', 'svg'):
                fig.savefig(os.path.join(a.out, 'advise.' + ext))
    except ImportError:
        pass
    print('\n'.join(md))
    return 0


if __name__ == '__main__':
    sys.exit(main())
