#!/usr/bin/env python3
"""Print a comparison table of MPyC and Cohort benchmark results.

Usage: compare_bench.py MPYC_JSONL COHORT_JSONL

Each input holds one JSON object per line, e.g.
    {"workload":"mul","n":10000,"ms":12.3}             (MPyC)
    {"workload":"mul","n":10000,"ms":0.9,"rounds":1}  (Cohort)
Lines that are not JSON objects, lack workload/ms, or name an unknown
workload are ignored. Stdlib only.
"""

import json
import sys

# workload -> target ratio (MPyC ms / Cohort ms) at 3 parties, and at 5 or
# more (the engine issue's targets); None = no target.
TARGETS = {'mul': 100, 'mul_latency': 20, 'lt': 100, 'sort': 100}
TARGETS_MORE_PARTIES = {'mul': 50, 'mul_latency': None, 'lt': 50, 'sort': 50}
ORDER = ['mul', 'mul_latency', 'lt', 'sort']


def load(path):
    """Return {workload: [record, ...]} for the known workloads in a JSONL file."""
    out = {}
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.strip()
            if not line.startswith('{'):
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if not isinstance(rec, dict) or rec.get('workload') not in TARGETS:
                continue
            if not isinstance(rec.get('ms'), (int, float)) or isinstance(rec.get('ms'), bool):
                continue
            out.setdefault(rec['workload'], []).append(rec)
    return out


def pick(recs, n=None):
    """Pick the record matching n if possible, else the last one."""
    if not recs:
        return None
    if n is not None:
        for rec in reversed(recs):
            if rec.get('n') == n:
                return rec
    return recs[-1]


def fmt_ms(v):
    if v is None:
        return '-'
    if v < 1:
        return f'{v:.3f}'
    if v < 100:
        return f'{v:.2f}'
    return f'{v:.1f}'


def main(argv):
    if len(argv) != 3:
        sys.exit(f'usage: {argv[0]} MPYC_JSONL COHORT_JSONL')
    mpyc, cohort = load(argv[1]), load(argv[2])

    header = ['workload', 'n', 'MPyC ms', 'Cohort ms', 'rounds', 'ratio', 'target']
    rows = []
    for w in ORDER:
        m = pick(mpyc.get(w))
        c = pick(cohort.get(w), m.get('n') if m else None)
        if m is None and c is None:
            continue
        n_m = m.get('n') if m else None
        n_c = c.get('n') if c else None
        if m and c and n_m != n_c:
            print(f'warning: {w}: n differs (MPyC {n_m}, Cohort {n_c}); ratio compares unequal work',
                  file=sys.stderr)
        n = n_m if n_m is not None else n_c
        m_ms = m['ms'] if m else None
        c_ms = c['ms'] if c else None
        ratio = f'{m_ms / c_ms:.1f}x' if m_ms is not None and c_ms else '-'
        rounds = c.get('rounds') if c else None
        parties = (c or {}).get('parties', 3)
        target = (TARGETS if parties <= 3 else TARGETS_MORE_PARTIES)[w]
        rows.append([w, '-' if n is None else str(n), fmt_ms(m_ms), fmt_ms(c_ms),
                     '-' if rounds is None else str(rounds), ratio,
                     f'{target}x' if target else '-'])

    if not rows:
        sys.exit('compare_bench.py: no known workloads in either input')

    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    # Left-align the workload name, right-align the numbers.
    def line(r):
        return '  '.join(r[0].ljust(widths[0]) if i == 0 else r[i].rjust(widths[i])
                         for i in range(len(r)))
    print(line(header))
    print('  '.join('-' * w for w in widths))
    for r in rows:
        print(line(r))


if __name__ == '__main__':
    main(sys.argv)
