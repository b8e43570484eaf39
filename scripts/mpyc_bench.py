#!/usr/bin/env python3
"""MPyC reference benchmarks for Cohort (see scripts/bench-vs-mpyc).

Run with three local parties (party 0 spawns parties 1 and 2):

    target/mpyc-venv/bin/python scripts/mpyc_bench.py -M3 [--runs 3] [--only mul,lt]

Party 0 prints one JSON object per workload on stdout, e.g.
    {"workload":"mul","n":10000,"ms":12.3}
where ms is the minimum over --runs runs. All parties use SecInt(32).

Timing: inputs are secret-shared by party 0 (mpc.input) and the parties then
synchronise by opening a dummy value. The clock runs from that synchronisation
point until this party's result shares are ready (mpc.gather on the secure
result); opening the result is not timed.
"""

import argparse
import json
import sys
import time

import numpy as np
from mpyc.runtime import mpc

# (name, n) in output order.
WORKLOADS = [('mul', 10000), ('mul_latency', 1000), ('lt', 1000), ('sort', 256)]
SEED = 20240611
LO, HI = -2**30, 2**30  # inputs in [-2^30, 2^30), within SecInt(32)

secint = mpc.SecInt(32)


def parse_args():
    # MPyC parses its own options (-M, -I, -B, ...) from sys.argv; ignore those here.
    # allow_abbrev=False so that e.g. MPyC's --no-log is never taken as one of ours.
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    p.add_argument('--runs', type=int, default=3, help='runs per workload (minimum reported)')
    p.add_argument('--only', type=str, default='',
                   help='comma-separated workload names (default: all)')
    args, _ = p.parse_known_args()
    if args.runs < 1:
        sys.exit('mpyc_bench.py: --runs must be >= 1')
    return args


def rand_array(rng, n):
    return rng.integers(LO, HI, size=n, dtype=np.int64)


async def sync():
    """Synchronise all parties: open a dummy value (needs every party's share)."""
    await mpc.barrier()
    await mpc.output(secint(0))


async def secret_array(values):
    """Secret-share a numpy array from party 0 and wait until the shares arrive."""
    a = mpc.input(secint.array(values), senders=0)
    await mpc.gather(a)
    return a


async def secret_scalar(value):
    a = mpc.input(secint(int(value)), senders=0)
    await mpc.gather(a)
    return a


async def run_mul(rng, n):
    x = await secret_array(rand_array(rng, n))
    y = await secret_array(rand_array(rng, n))
    await sync()
    t0 = time.perf_counter()
    z = x * y
    await mpc.gather(z)
    t1 = time.perf_counter()
    return t1 - t0, (z, x, y)


async def run_mul_latency(rng, n):
    x0, y0 = rand_array(rng, 2)
    x = await secret_scalar(x0)
    y = await secret_scalar(y0)
    await sync()
    t0 = time.perf_counter()
    for _ in range(n):
        x = x * y
        await mpc.gather(x)  # strictly one multiplication in flight at a time
    t1 = time.perf_counter()
    return t1 - t0, None


async def run_lt(rng, n):
    a = await secret_array(rand_array(rng, n))
    b = await secret_array(rand_array(rng, n))
    await sync()
    t0 = time.perf_counter()
    c = a < b
    await mpc.gather(c)
    t1 = time.perf_counter()
    return t1 - t0, (c, a, b)


async def run_sort(rng, n):
    a = await secret_array(rand_array(rng, n))
    await sync()
    t0 = time.perf_counter()
    s = mpc.np_sort(a)
    await mpc.gather(s)
    t1 = time.perf_counter()
    return t1 - t0, (s, a)


RUNNERS = {'mul': run_mul, 'mul_latency': run_mul_latency, 'lt': run_lt, 'sort': run_sort}


async def check(name, res):
    """Untimed sanity check of the last run's result (all parties take part)."""
    if res is None:
        return
    if name == 'mul':
        z, x, y = res
        z, x, y = [await mpc.output(v) for v in (z, x, y)]
        ok = np.array_equal(z, np.vectorize(lambda u, v: mod_signed(int(u) * int(v)),
                                            otypes=[object])(x, y).astype(z.dtype))
    elif name == 'lt':
        c, a, b = res
        c, a, b = [await mpc.output(v) for v in (c, a, b)]
        ok = np.array_equal(c, (a < b).astype(c.dtype))
    elif name == 'sort':
        s, a = res
        s, a = [await mpc.output(v) for v in (s, a)]
        ok = np.array_equal(s, np.sort(a))
    else:
        ok = True
    if not ok and mpc.pid == 0:
        print(f'mpyc_bench.py: WARNING: {name} result check failed', file=sys.stderr)


def mod_signed(v):
    p = secint.field.modulus
    v %= p
    return v - p if v > p // 2 else v


async def main():
    args = parse_args()
    only = {w for w in args.only.split(',') if w}
    unknown = only - set(RUNNERS)
    if unknown:
        sys.exit(f'mpyc_bench.py: unknown workload(s): {",".join(sorted(unknown))}')

    await mpc.start()
    rng = np.random.default_rng(SEED)  # same seed at every party; only party 0's inputs matter
    for name, n in WORKLOADS:
        if only and name not in only:
            continue
        times = []
        res = None
        for _ in range(args.runs):
            dt, res = await RUNNERS[name](rng, n)
            times.append(dt)
        await check(name, res)
        if mpc.pid == 0:
            line = {'workload': name, 'n': n, 'ms': round(min(times) * 1000, 3)}
            print(json.dumps(line, separators=(',', ':')), flush=True)
    await mpc.shutdown()


if __name__ == '__main__':
    mpc.run(main())
