"""The anchor of bench/features.ts: the same window features as lib/imu/features.ts, vectorised with
numpy over batches of windows, the way a Python pipeline would compute them.

Usage: python3 bench/features_peer.py <dir> <windows> <readings per window> <repeats>
Reads <dir>/windows.f32 (windows x 9 channels x readings, float32, ax..mz) and <dir>/fs.f64 (each
window's sample rate), writes <dir>/peer.f64 (windows x features) and prints one JSON line with the
compute time of each timed pass (file reading excluded), after one untimed pass, as bench/features.ts does. Conventions follow lib/imu/features.ts; see its header.
"""
import json
import sys
import time

import numpy as np

BANDS_HZ = [(0, 1), (1, 2), (2, 4), (4, 8), (8, 16)]
PEAK_THRESHOLD_STD = 1.0
CORRELATION_PAIRS = [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5), (0, 3), (1, 4), (2, 5)]
PER_SIGNAL = 14 + 5 + len(BANDS_HZ)
BATCH = 1024


def quantile_sorted(ordered, q):
    """numpy's default (linear) quantile of values already sorted along the last axis."""
    position = q * (ordered.shape[-1] - 1)
    k = int(np.floor(position))
    frac = position - k
    return ordered[..., k] if frac == 0 else ordered[..., k] + (ordered[..., k + 1] - ordered[..., k]) * frac


def signal_features(x, fs, fft_size):
    """x: (B, S, n) float64 signals, fs: (B,). Returns (B, S, PER_SIGNAL) and the centred signals."""
    b, s, n = x.shape
    missing = ~np.isfinite(x).all(axis=-1)
    lo = x.min(axis=-1)
    hi = x.max(axis=-1)
    flat = lo == hi
    mean = x.mean(axis=-1)
    d = x - mean[..., None]
    d2 = d * d
    m2 = d2.mean(axis=-1)
    m3 = (d2 * d).mean(axis=-1)
    m4 = (d2 * d2).mean(axis=-1)
    std = np.sqrt(m2)
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = m3 / (m2 * std)
        kurt = m4 / (m2 * m2) - 3
    # Sorting and interpolating is ~10x faster than np.quantile over a batch; same linear definition.
    ordered = np.sort(x, axis=-1)
    q1, median, q3 = (quantile_sorted(ordered, q) for q in (0.25, 0.5, 0.75))
    energy = (x * x).mean(axis=-1)
    mad = np.abs(d).mean(axis=-1)
    positive = d >= 0
    zcr = (positive[..., 1:] != positive[..., :-1]).sum(axis=-1) / (n - 1)

    # Peaks: excursions above mean + k*std that end only below the mean (a hysteresis), vectorised by
    # carrying the last decisive state forward and counting entries into "above".
    # The threshold's std is the one-pass E[u²] − E[u]² of u = x − x[0], as in features.ts.
    u = x - x[..., :1]
    u_mean = u.mean(axis=-1)
    one_pass_std = np.sqrt(np.maximum(0, (u * u).mean(axis=-1) - u_mean * u_mean))
    state = np.where(d > PEAK_THRESHOLD_STD * one_pass_std[..., None], 1, np.where(d < 0, -1, 0)).astype(np.int8)
    last = np.where(state != 0, np.arange(n), 0)
    np.maximum.accumulate(last, axis=-1, out=last)
    carried = np.take_along_axis(state, last, axis=-1)
    before = np.concatenate([np.full((b, s, 1), -1, np.int8), carried[..., :-1]], axis=-1)
    peaks = ((carried == 1) & (before != 1)).sum(axis=-1)

    hann = np.hanning(n)
    spectrum = np.fft.rfft(d * hann, n=fft_size, axis=-1)[..., 1 : fft_size // 2 + 1]
    power = spectrum.real ** 2 + spectrum.imag ** 2
    k = np.arange(1, fft_size // 2 + 1)
    freqs = k[None, :] * (fs / fft_size)[:, None]  # (B, K)
    total = power.sum(axis=-1)
    best = power.argmax(axis=-1)
    # Weighted sums over bins as batched matrix products (one BLAS call each, not an elementwise pass).
    weights = np.stack([freqs, freqs**2] + [((freqs >= lo_hz) & (freqs < hi_hz)).astype(np.float64) for lo_hz, hi_hz in BANDS_HZ], axis=-1)
    sums = np.matmul(power, weights)  # (B, S, 2 + bands)
    log_power = np.log(power, out=np.zeros_like(power), where=power > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dom_freq = np.take_along_axis(freqs, best.reshape(b, -1), axis=-1).reshape(b, s)
        dom_amp = 2 * np.sqrt(np.take_along_axis(power, best[..., None], axis=-1)[..., 0]) / hann.sum()
        centroid = sums[..., 0] / total
        bandwidth = np.sqrt(np.maximum(0, sums[..., 1] / total - centroid**2))
        entropy = (np.log(total) - (power * log_power).sum(axis=-1) / total) / np.log(fft_size // 2)
        bands = [sums[..., 2 + j] / total for j in range(len(BANDS_HZ))]

    out = np.stack(
        [mean, std, lo, hi, median, q3 - q1, skew, kurt, np.sqrt(energy), energy, mad, hi - lo, zcr, peaks,
         dom_freq, dom_amp, centroid, bandwidth, entropy, *bands],
        axis=-1,
    )
    # A constant: mean/min/max/median the value, rms |value|, energy value², everything else 0.
    constant = np.zeros_like(out)
    constant[..., [0, 2, 3, 4]] = lo[..., None]
    constant[..., 8] = np.abs(lo)
    constant[..., 9] = lo * lo
    out = np.where(flat[..., None], constant, out)
    out[missing] = np.nan
    d[flat] = 0
    return out, d, np.where(flat, 0.0, np.where(missing, np.nan, m2 * n))


def window_features(windows, fs, fft_size):
    b, _, n = windows.shape
    acc, gyro, mag = windows[:, 0:3], windows[:, 3:6], windows[:, 6:9]
    norms = np.stack([np.sqrt((v * v).sum(axis=1)) for v in (acc, gyro, mag)], axis=1)
    signals = np.concatenate([windows, norms], axis=1)
    per_signal, centred, sum_squares = signal_features(signals, fs, fft_size)
    sma = np.stack([np.abs(acc).sum(axis=1).mean(axis=-1), np.abs(gyro).sum(axis=1).mean(axis=-1)], axis=-1)
    correlations = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for a, c in CORRELATION_PAIRS:
            cross = (centred[:, a] * centred[:, c]).sum(axis=-1)
            ss = sum_squares[:, a] * sum_squares[:, c]
            correlations.append(np.where(ss == 0, 0.0, np.clip(cross / np.sqrt(ss), -1, 1)))
    return np.concatenate([per_signal.reshape(b, -1), sma, np.stack(correlations, axis=-1)], axis=-1)


def main():
    directory, count, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    windows = np.fromfile(f"{directory}/windows.f32", dtype=np.float32).reshape(count, 9, n).astype(np.float64)
    fs = np.fromfile(f"{directory}/fs.f64", dtype=np.float64)
    fft_size = 1 << (n - 1).bit_length()
    times = []
    for _ in range(repeats + 1):  # the first pass is the warm-up
        started = time.perf_counter()
        result = np.concatenate(
            [window_features(windows[i : i + BATCH], fs[i : i + BATCH], fft_size) for i in range(0, count, BATCH)]
        )
        times.append(time.perf_counter() - started)
    result.astype(np.float64).tofile(f"{directory}/peer.f64")
    print(json.dumps({"times": times[1:], "windows": count, "features": result.shape[1], "numpy": np.__version__}))


if __name__ == "__main__":
    main()
