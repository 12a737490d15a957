"""The anchor of bench/simulation.ts: the same bracket simulation as lib/tournament/simulate.ts,
vectorised with numpy over simulations, the way a Python pipeline would run it.

Usage: python3 bench/simulation_peer.py <dir> <simulations> <seed> <repeats>
Reads <dir>/bracket.i32 (team index per slot) and <dir>/threshold.u32 (n x n, round(p * 2^31)).
Mode "same": one sfc32 generator per simulation keyed by (seed, simulation) exactly as simulate.ts,
so the wins it writes to <dir>/peer.u8 (simulations x n) must equal ours byte for byte.
Mode "idiomatic": numpy's own PCG64 draws all of a round's uniforms at once (different numbers,
same distribution), the fastest plain-numpy form and the anchor. Prints one JSON line with each mode's
time per timed pass, after one untimed pass each (as bench/simulation.ts does for its own).
"""
import json
import sys
import time

import numpy as np

BATCH = 1 << 16
M32 = np.uint32(0xFFFFFFFF)


def fmix32(h):
    h = (h ^ (h >> np.uint32(16))) * np.uint32(0x85EBCA6B)
    h = (h ^ (h >> np.uint32(13))) * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class Sfc32:
    """sfc32, one independent stream per simulation (a vector of states)."""

    def __init__(self, seed, sims):
        key = fmix32(np.array([seed & 0xFFFFFFFF], dtype=np.uint32) ^ np.uint32(0x5BD1E995))
        base = fmix32(key ^ fmix32(sims + np.uint32(0x632BE5AB)))
        self.a = base
        self.b = fmix32(base ^ np.uint32(0x9E3779B9))
        self.c = fmix32(self.b ^ np.uint32(0x7F4A7C15))
        self.d = np.ones_like(base)
        for _ in range(4):
            self.next()

    def next(self):
        t = self.a + self.b + self.d
        self.d = self.d + np.uint32(1)
        self.a = self.b ^ (self.b >> np.uint32(9))
        self.b = self.c + (self.c << np.uint32(3))
        self.c = ((self.c << np.uint32(21)) | (self.c >> np.uint32(11))) + t
        return t


def simulate_same(bracket, threshold, n, seed, start, count):
    rows = np.arange(count)
    rng = Sfc32(seed, (np.arange(start, start + count, dtype=np.uint64) & 0xFFFFFFFF).astype(np.uint32))
    alive = np.tile(bracket, (count, 1))
    out = np.zeros((count, n), dtype=np.uint8)
    size = len(bracket)
    rnd = 0
    m = size // 2
    while m >= 1:
        nxt = np.empty((count, m), dtype=alive.dtype)
        for k in range(m):  # draws are sequential within a simulation, so games go one at a time
            x, y = alive[:, 2 * k], alive[:, 2 * k + 1]
            u = rng.next() >> np.uint32(1)
            w = np.where(u < threshold[x * n + y], x, y)
            out[rows, x ^ y ^ w] = rnd
            nxt[:, k] = w
        alive = nxt
        m //= 2
        rnd += 1
    out[rows, alive[:, 0]] = rnd
    return out


def simulate_idiomatic(bracket, p, n, generator, count):
    rows = np.arange(count)[:, None]
    alive = np.tile(bracket, (count, 1))
    wins = np.zeros((count, n), dtype=np.uint8)
    while alive.shape[1] > 1:
        x, y = alive[:, 0::2], alive[:, 1::2]
        w = np.where(generator.random(x.shape) < p[x * n + y], x, y)
        wins[rows, w] += 1  # a team appears at most once per round, so no index repeats in a row
        alive = w
    return wins


def timed(fn, repeats):
    times = []
    result = None
    for _ in range(repeats + 1):  # the first pass is the warm-up
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[1:], result


def main():
    directory, count, seed, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    bracket = np.fromfile(f"{directory}/bracket.i32", dtype=np.int32).astype(np.intp)
    threshold = np.fromfile(f"{directory}/threshold.u32", dtype=np.uint32)
    n = int(round(len(threshold) ** 0.5))
    p = threshold.astype(np.float64) / 2**31

    def same():
        return np.concatenate([simulate_same(bracket, threshold, n, seed, s, min(BATCH, count - s)) for s in range(0, count, BATCH)])

    def idiomatic():
        generator = np.random.default_rng(seed)
        return np.concatenate([simulate_idiomatic(bracket, p, n, generator, min(BATCH, count - s)) for s in range(0, count, BATCH)])

    same_times, wins = timed(same, repeats)
    wins.tofile(f"{directory}/peer.u8")
    idiomatic_times, other = timed(idiomatic, repeats)
    print(json.dumps({
        "sameTimes": same_times,
        "idiomaticTimes": idiomatic_times,
        # counts of (team, wins), for checking the idiomatic form against the exact distribution
        "idiomaticCounts": np.stack([(other == k).sum(axis=0) for k in range(7)], axis=1).ravel().tolist(),
        "simulations": count,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
