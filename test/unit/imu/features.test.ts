import { describe, expect, it } from 'vitest';
import { BANDS_HZ, FEATURE_COUNT, featureCatalogue } from '../../../lib/imu/catalogue.ts';
import { createFeatureExtractor, extractFeatures } from '../../../lib/imu/features.ts';
import { feature, gaussian, oneWindow } from './signals.ts';

const FS = 50;
const N = 200;
const BIN = FS / 256;

function featuresOf(...args: Parameters<typeof oneWindow>): Float64Array {
  const { columns, window } = oneWindow(...args);
  return extractFeatures(columns, [window]);
}

describe('features of a sine', () => {
  for (const f of [1.5, 2.7, 6.1]) {
    it(`finds ${f} Hz with amplitude 2 sampled at 50 Hz`, () => {
      const A = 2;
      const v = featuresOf(N, FS, { ax: (i) => A * Math.sin((2 * Math.PI * f * i) / FS + 0.3) });
      expect(Math.abs(feature(v, 'ax_dom_freq') - f)).toBeLessThanOrEqual(BIN);
      expect(feature(v, 'ax_dom_amp')).toBeGreaterThan(0.85 * A);
      expect(feature(v, 'ax_dom_amp')).toBeLessThan(1.05 * A);
      expect(Math.abs(feature(v, 'ax_centroid') - f)).toBeLessThan(0.1);
      expect(feature(v, 'ax_bandwidth')).toBeLessThan(0.5);
      expect(feature(v, 'ax_rms')).toBeCloseTo(A / Math.SQRT2, 1);
      expect(Math.abs(feature(v, 'ax_zcr') - (2 * f) / FS)).toBeLessThanOrEqual(1.5 / (N - 1));
      expect(Math.abs(feature(v, 'ax_mean'))).toBeLessThan(0.05 * A);
      expect(Math.abs(feature(v, 'ax_skewness'))).toBeLessThan(0.1);
      // Fisher (excess) kurtosis: a sine's is −1.5 (Pearson's would be 1.5).
      expect(feature(v, 'ax_kurtosis')).toBeCloseTo(-1.5, 1);
      expect(Math.abs(feature(v, 'ax_peaks') - (f * N) / FS)).toBeLessThanOrEqual(1);
      expect(feature(v, 'ax_range')).toBeGreaterThan(1.95 * A);
      expect(feature(v, 'ax_entropy')).toBeLessThan(0.35);
      // Well inside a band: the Hann main lobe is ±2 bins (±0.39 Hz) wide.
      const band = BANDS_HZ.findIndex(([lo, hi]) => f >= lo && f < hi);
      expect(feature(v, `ax_${['band_0_1hz', 'band_1_2hz', 'band_2_4hz', 'band_4_8hz', 'band_8_16hz'][band]}`)).toBeGreaterThan(0.95);
    });
  }

  it('uses the sample rate of the timestamps: a 20 Hz sine sampled at 100 Hz peaks at 20 Hz', () => {
    const v = featuresOf(N, 100, { gy: (i) => Math.sin((2 * Math.PI * 20 * i) / 100 + 1) });
    expect(Math.abs(feature(v, 'gy_dom_freq') - 20)).toBeLessThanOrEqual(100 / 256);
  });
});

describe('features of a constant', () => {
  it('has zero spread, no crossings or peaks, and defined (zero) spectral features', () => {
    const v = featuresOf(N, FS, { az: () => 9.81, mx: () => 20, my: () => 0, mz: () => -44 });
    expect(feature(v, 'az_mean')).toBe(9.81);
    expect(feature(v, 'az_median')).toBe(9.81);
    for (const name of ['std', 'iqr', 'skewness', 'kurtosis', 'zcr', 'peaks', 'mad', 'range', 'dom_freq', 'entropy', 'centroid', 'bandwidth', 'band_0_1hz']) {
      expect(feature(v, `az_${name}`), name).toBe(0);
    }
    expect(feature(v, 'az_rms')).toBe(9.81);
    expect(feature(v, 'corr_ax_az')).toBe(0);
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
  });
});

describe('features of white noise', () => {
  const noise = gaussian(7);
  const windows = Array.from({ length: 40 }, () => {
    const values = Array.from({ length: 6 }, () => Array.from({ length: N }, noise));
    return featuresOf(N, FS, {
      ax: (i) => values[0][i],
      ay: (i) => values[1][i],
      az: (i) => values[2][i],
      gx: (i) => values[3][i],
      gy: (i) => values[4][i],
      gz: (i) => values[5][i],
    });
  });

  it('has a spectral entropy near 1', () => {
    for (const v of windows) expect(feature(v, 'ax_entropy')).toBeGreaterThan(0.85);
  });

  it('has dominant frequencies spread over the spectrum', () => {
    const dominant = windows.map((v) => feature(v, 'ay_dom_freq'));
    expect(new Set(dominant).size).toBeGreaterThan(20);
    expect(Math.min(...dominant)).toBeLessThan(8);
    expect(Math.max(...dominant)).toBeGreaterThan(17);
  });

  it('shows no correlation between independent channels', () => {
    const correlations = windows.flatMap((v) => ['corr_ax_ay', 'corr_gy_gz', 'corr_az_gz'].map((name) => feature(v, name)));
    for (const r of correlations) expect(Math.abs(r)).toBeLessThan(0.3);
    expect(Math.abs(correlations.reduce((a, b) => a + b, 0) / correlations.length)).toBeLessThan(0.05);
  });
});

describe('correlations', () => {
  it('are 1 for linearly related axes and −1 for opposed ones', () => {
    const noise = gaussian(3);
    const x = Array.from({ length: N }, noise);
    const v = featuresOf(N, FS, { ax: (i) => x[i], ay: (i) => 3 * x[i] + 1, az: (i) => -0.5 * x[i], gx: (i) => 0.01 * x[i], gy: (i) => Math.sin(i) });
    expect(feature(v, 'corr_ax_ay')).toBeCloseTo(1, 12);
    expect(feature(v, 'corr_ax_az')).toBeCloseTo(-1, 12);
    expect(feature(v, 'corr_ay_az')).toBeCloseTo(-1, 12);
    expect(feature(v, 'corr_ax_gx')).toBeCloseTo(1, 12);
    expect(Math.abs(feature(v, 'corr_gx_gy'))).toBeLessThan(0.3);
  });
});

describe('statistics against a sorting reference', () => {
  for (const n of [200, 151, 64]) {
    it(`match median, IQR, skewness and kurtosis of ${n} quantised values with ties`, () => {
      const noise = gaussian(n);
      for (let trial = 0; trial < 20; trial++) {
        const x = Array.from({ length: n }, () => Math.round(noise() * 4) / 4 + (trial % 3 === 0 ? Math.abs(noise()) : 0));
        const v = featuresOf(n, FS, { gx: (i) => x[i] });
        const sorted = [...x].sort((a, b) => a - b);
        const q = (p: number) => {
          const pos = p * (n - 1),
            lo = Math.floor(pos);
          return lo === pos ? sorted[lo] : sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - lo);
        };
        const mean = x.reduce((a, b) => a + b, 0) / n;
        const m = (k: number) => x.reduce((a, b) => a + (b - mean) ** k, 0) / n;
        expect(feature(v, 'gx_median')).toBeCloseTo(q(0.5), 12);
        expect(feature(v, 'gx_iqr')).toBeCloseTo(q(0.75) - q(0.25), 12);
        expect(feature(v, 'gx_skewness')).toBeCloseTo(m(3) / m(2) ** 1.5, 10);
        expect(feature(v, 'gx_kurtosis')).toBeCloseTo(m(4) / m(2) ** 2 - 3, 10);
        expect(feature(v, 'gx_min')).toBe(sorted[0]);
        expect(feature(v, 'gx_max')).toBe(sorted[n - 1]);
      }
    });
  }
});

describe('spectrum against a direct DFT', () => {
  it('matches dominant frequency, centroid, bandwidth, entropy and bands of a random signal', () => {
    const noise = gaussian(11);
    const fs = 48.7; // not a round rate, so bin frequencies come from the timestamps
    const x = Array.from({ length: N }, (_, i) => Math.sin(i / 3) + 0.5 * noise());
    const { columns, window } = oneWindow(N, fs, { mz: (i) => x[i], mx: () => 1, my: () => 2 });
    const v = extractFeatures(columns, [window]);
    const actualFs = ((N - 1) * 1000) / (window.endTs - window.startTs);

    const mean = x.reduce((a, b) => a + b, 0) / N;
    const y = x.map((xi, i) => (xi - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1))));
    const power: number[] = [];
    for (let k = 1; k <= 128; k++) {
      let re = 0,
        im = 0;
      for (let i = 0; i < N; i++) {
        re += y[i] * Math.cos((2 * Math.PI * i * k) / 256);
        im -= y[i] * Math.sin((2 * Math.PI * i * k) / 256);
      }
      power.push(re * re + im * im);
    }
    const freq = power.map((_, j) => ((j + 1) * actualFs) / 256);
    const total = power.reduce((a, b) => a + b, 0);
    const best = power.indexOf(Math.max(...power));
    const centroid = power.reduce((a, p, j) => a + p * freq[j], 0) / total;
    const bandwidth = Math.sqrt(power.reduce((a, p, j) => a + p * (freq[j] - centroid) ** 2, 0) / total);
    const entropy = -power.reduce((a, p) => a + (p / total) * Math.log(p / total), 0) / Math.log(128);
    expect(feature(v, 'mz_dom_freq')).toBeCloseTo(freq[best], 10);
    expect(feature(v, 'mz_dom_amp')).toBeCloseTo(
      (2 * Math.sqrt(power[best])) / y.reduce((a, _, i) => a + 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1)), 0),
      10,
    );
    expect(feature(v, 'mz_centroid')).toBeCloseTo(centroid, 9);
    expect(feature(v, 'mz_bandwidth')).toBeCloseTo(bandwidth, 9);
    expect(feature(v, 'mz_entropy')).toBeCloseTo(entropy, 10);
    BANDS_HZ.forEach(([lo, hi]) => {
      const share = power.reduce((a, p, j) => a + (freq[j] >= lo && freq[j] < hi ? p : 0), 0) / total;
      expect(feature(v, `mz_band_${lo}_${hi}hz`)).toBeCloseTo(share, 10);
    });
  });
});

describe('feature vectors', () => {
  it('are NaN for the magnetometer, and only for it, when a device has none', () => {
    const v = featuresOf(N, FS, { ax: (i) => Math.sin(i / 5), ay: (i) => Math.cos(i / 7), az: () => 9.8, gx: (i) => Math.sin(i / 2) });
    featureCatalogue.forEach((f) => {
      const isMag = /(^|,)(mx|my|mz|mag_norm)(,|$)/.test(f.channel);
      expect(Number.isNaN(v[f.index]), f.name).toBe(isMag);
    });
  });

  it('are written at the offset asked for, leaving the rest of the matrix alone', () => {
    const { columns, window } = oneWindow(N, FS, { ax: (i) => Math.sin(i / 5), mx: () => 1, my: () => 1, mz: () => 1 });
    const alone = extractFeatures(columns, [window]);
    const matrix = new Float64Array(3 * FEATURE_COUNT).fill(-7);
    createFeatureExtractor().extract(columns, window, matrix, FEATURE_COUNT);
    expect(matrix.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT)).toEqual(alone);
    expect(matrix.subarray(0, FEATURE_COUNT).every((x) => x === -7)).toBe(true);
    expect(matrix.subarray(2 * FEATURE_COUNT).every((x) => x === -7)).toBe(true);
    expect(() => createFeatureExtractor().extract(columns, window, matrix, 2 * FEATURE_COUNT + 1)).toThrow(/out has/);
  });

  it('are deterministic and do not depend on the windows computed before', () => {
    const a = oneWindow(N, FS, { ax: (i) => Math.sin(i / 5), gz: (i) => i % 7 });
    const b = oneWindow(120, 25, { ay: (i) => Math.cos(i / 3) });
    const extractor = createFeatureExtractor();
    const first = new Float64Array(FEATURE_COUNT);
    const again = new Float64Array(FEATURE_COUNT);
    extractor.extract(a.columns, a.window, first);
    extractor.extract(b.columns, b.window, again);
    extractor.extract(a.columns, a.window, again);
    expect(again).toEqual(first);
  });
});
