// Computes the FEATURE_COUNT features of a window (catalogue.ts names them) straight from reading
// columns into a caller's Float64Array, with preallocated scratch buffers and one FFT per size.
//
// Conventions (the catalogue repeats them per feature):
// - A signal with any missing value in the window (a NaN: an absent magnetometer) gets NaN for all its
//   features and its correlations, so the vector keeps one length whether or not a device has a
//   magnetometer; consumers select or impute those columns by catalogue channel.
// - A constant signal has std, skewness, kurtosis, zero crossings, peaks and every spectral feature
//   0 (entropy 0: no power means nothing spread over bins), and correlation 0 with anything.
// - Spectrum: the mean is removed, a symmetric Hann window (numpy.hanning) applied, and the window
//   zero-padded to the next power of two (200 → 256) for fft.js's radix-4 real transform. Bins 1 ..
//   size/2 are used (DC carries only the Hann-weighted residual of the mean). Bin k is k·fs/size Hz,
//   fs being the window's mean sample rate from its timestamps.
import FFT from 'fft.js';
import { BANDS_HZ, CORRELATION_OFFSET, CORRELATION_PAIRS, F, FEATURE_COUNT, FEATURES_PER_SIGNAL, PEAK_THRESHOLD_STD, SMA_OFFSET } from './catalogue.ts';
import { createQuartileFinder, type QuartileFinder } from './quartiles.ts';
import type { ReadingColumns } from './reading.ts';
import { windowSampleRate, type ReadingWindow } from './windows.ts';

export type WindowSpan = Pick<ReadingWindow, 'start' | 'end' | 'startTs' | 'endTs'>;

export interface FeatureExtractor {
  /** Writes the window's FEATURE_COUNT features to out[offset .. offset + FEATURE_COUNT). */
  extract(columns: ReadingColumns, window: WindowSpan, out: Float64Array, offset?: number): void;
}

const NORM_BASE = 9 * FEATURES_PER_SIGNAL;
const BAND_COUNT = BANDS_HZ.length;
const BAND_LOW = Float64Array.from(BANDS_HZ, (b) => b[0]);
const BAND_HIGH = Float64Array.from(BANDS_HZ, (b) => b[1]);

/** Buffers that depend on the window length; rebuilt only when the length changes. */
interface SizedScratch {
  n: number;
  fftSize: number;
  fft: FFT;
  hann: Float64Array;
  hannSum: number;
  /** Signal times window, zero-padded; the tail beyond n stays 0. */
  fftIn: Float64Array;
  fftOut: Float64Array;
  quartileFinder: QuartileFinder;
  norm: Float64Array;
  /** Mean-removed acc and gyro axes, kept for the correlations. */
  centred: Float64Array[];
}

export function createFeatureExtractor(): FeatureExtractor {
  const ffts = new Map<number, FFT>();
  let s: SizedScratch | undefined;
  /** Sum of squared deviations of ax..gz in the current window (NaN when missing, 0 when constant). */
  const sumSquares = new Float64Array(6);
  const quartiles = new Float64Array(3);
  let power = new Float64Array(0);
  const bins = new Int32Array(2 * BAND_COUNT);
  let binsDf = Number.NaN;

  function sized(n: number): SizedScratch {
    if (s !== undefined && s.n === n) return s;
    let fftSize = 2;
    while (fftSize < n) fftSize <<= 1;
    let fft = ffts.get(fftSize);
    if (fft === undefined) ffts.set(fftSize, (fft = new FFT(fftSize)));
    const hann = new Float64Array(n);
    let hannSum = 0;
    for (let i = 0; i < n; i++) hannSum += hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    s = {
      n,
      fftSize,
      fft,
      hann,
      hannSum,
      fftIn: new Float64Array(fftSize),
      fftOut: new Float64Array(2 * fftSize),
      quartileFinder: createQuartileFinder(n),
      norm: new Float64Array(n),
      centred: Array.from({ length: 6 }, () => new Float64Array(n)),
    };
    power = new Float64Array(fftSize / 2 + 1);
    binsDf = Number.NaN;
    return s;
  }

  function signalFeatures(x: Float64Array, base: number, fs: number, out: Float64Array, o: number, channel: number): void {
    const { n, fftIn, fftOut, hann } = s!;
    const correlated = channel >= 0 && channel < 6;
    // Shifted sums (about the first value) give the variance for the peak threshold in this pass
    // without the cancellation of E[x²] − mean² when the mean is large against the spread.
    const shift = x[base];
    let sum = 0,
      sumSq = 0,
      shiftedSum = 0,
      shiftedSq = 0,
      min = Infinity,
      max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[base + i];
      const u = v - shift;
      sum += v;
      sumSq += v * v;
      shiftedSum += u;
      shiftedSq += u * u;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!Number.isFinite(sum)) {
      out.fill(Number.NaN, o, o + FEATURES_PER_SIGNAL);
      if (correlated) sumSquares[channel] = Number.NaN;
      return;
    }
    if (min === max) {
      out.fill(0, o, o + FEATURES_PER_SIGNAL);
      out[o + F.mean] = out[o + F.min] = out[o + F.max] = out[o + F.median] = min;
      out[o + F.rms] = Math.abs(min);
      out[o + F.energy] = min * min;
      if (correlated) sumSquares[channel] = 0;
      return;
    }

    const mean = sum / n;
    const centred = correlated ? s!.centred[channel] : null;
    // A peak starts when the signal rises above mean + k·std and ends only once it is back below the
    // mean, so noise around the threshold cannot count one excursion twice. Its std comes from the
    // first pass (equal to the two-pass std to rounding) so that peaks are counted in the same pass
    // as the moments; the state machine is branch-free because noisy signals mispredict branches.
    const shiftedMean = shiftedSum / n;
    const threshold = PEAK_THRESHOLD_STD * Math.sqrt(Math.max(0, shiftedSq / n - shiftedMean * shiftedMean));
    let m2 = 0,
      m3 = 0,
      m4 = 0,
      absDev = 0,
      crossings = 0,
      peaks = 0,
      armed = 1;
    let prevPositive = +(x[base] - mean >= 0);
    for (let i = 0; i < n; i++) {
      const d = x[base + i] - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
      absDev += Math.abs(d);
      const positive = +(d >= 0);
      crossings += positive ^ prevPositive;
      prevPositive = positive;
      const above = +(d > threshold);
      peaks += armed & above;
      armed = (armed & (above ^ 1)) | (positive ^ 1);
      fftIn[i] = d * hann[i];
      if (centred !== null) centred[i] = d;
    }
    if (correlated) sumSquares[channel] = m2;
    const variance = m2 / n;
    const std = Math.sqrt(variance);

    out[o + F.mean] = mean;
    out[o + F.std] = std;
    out[o + F.min] = min;
    out[o + F.max] = max;
    s!.quartileFinder.quartiles(x, base, n, min, max, quartiles);
    out[o + F.median] = quartiles[1];
    out[o + F.iqr] = quartiles[2] - quartiles[0];
    out[o + F.skewness] = m3 / n / (variance * std);
    out[o + F.kurtosis] = m4 / n / (variance * variance) - 3;
    out[o + F.rms] = Math.sqrt(sumSq / n);
    out[o + F.energy] = sumSq / n;
    out[o + F.mad] = absDev / n;
    out[o + F.range] = max - min;
    out[o + F.zcr] = crossings / (n - 1);
    out[o + F.peaks] = peaks;

    s!.fft.realTransform(fftOut, fftIn);
    const half = s!.fftSize >> 1;
    const df = fs / s!.fftSize;
    let total = 0,
      best = -1,
      bestK = 0,
      sumK = 0,
      sumK2 = 0,
      plogp = 0;
    for (let k = 1; k <= half; k++) {
      const re = fftOut[2 * k],
        im = fftOut[2 * k + 1];
      const p = re * re + im * im;
      power[k] = p;
      total += p;
      if (p > best) {
        best = p;
        bestK = k;
      }
      sumK += k * p;
      sumK2 += k * k * p;
      if (p > 0) plogp += p * Math.log(p);
    }
    if (total > 0) {
      const centroidK = sumK / total;
      out[o + F.domFreq] = bestK * df;
      out[o + F.domAmp] = (2 * Math.sqrt(best)) / s!.hannSum;
      out[o + F.centroid] = centroidK * df;
      out[o + F.bandwidth] = Math.sqrt(Math.max(0, sumK2 / total - centroidK * centroidK)) * df;
      out[o + F.entropy] = (Math.log(total) - plogp / total) / Math.log(half);
      const bins = bandBins(df, half);
      for (let j = 0; j < BAND_COUNT; j++) {
        let e = 0;
        for (let k = bins[2 * j]; k < bins[2 * j + 1]; k++) e += power[k];
        out[o + F.band0 + j] = e / total;
      }
    } else {
      out.fill(0, o + F.domFreq, o + F.band0 + BAND_COUNT);
    }
  }

  /** For each band, the bins [first, end) whose frequency k·df lies in [low, high); cached per df. */
  function bandBins(df: number, half: number): Int32Array {
    if (df === binsDf) return bins;
    binsDf = df;
    for (let j = 0; j < BAND_COUNT; j++) {
      let k = 1;
      while (k <= half && k * df < BAND_LOW[j]) k++;
      bins[2 * j] = k;
      while (k <= half && k * df < BAND_HIGH[j]) k++;
      bins[2 * j + 1] = k;
    }
    return bins;
  }

  /** Fills s.norm with the Euclidean norm of three channels; returns the mean of |x|+|y|+|z| (the SMA). */
  function norm(x: Float64Array, y: Float64Array, z: Float64Array, base: number): number {
    const { n, norm: out } = s!;
    let area = 0;
    for (let i = 0; i < n; i++) {
      const a = x[base + i],
        b = y[base + i],
        c = z[base + i];
      out[i] = Math.sqrt(a * a + b * b + c * c);
      area += Math.abs(a) + Math.abs(b) + Math.abs(c);
    }
    return area / n;
  }

  return {
    extract(columns, window, out, offset = 0) {
      const n = window.end - window.start;
      if (n < 2) throw new RangeError(`a window needs at least 2 readings, got ${n}`);
      if (offset < 0 || offset + FEATURE_COUNT > out.length) {
        throw new RangeError(`features need out[${offset} .. ${offset + FEATURE_COUNT}), but out has ${out.length} slots`);
      }
      sized(n);
      const fs = windowSampleRate(window);
      const base = window.start;
      const channels = [columns.ax, columns.ay, columns.az, columns.gx, columns.gy, columns.gz, columns.mx, columns.my, columns.mz];
      for (let c = 0; c < 9; c++) signalFeatures(channels[c], base, fs, out, offset + c * FEATURES_PER_SIGNAL, c);
      const accSma = norm(columns.ax, columns.ay, columns.az, base);
      signalFeatures(s!.norm, 0, fs, out, offset + NORM_BASE, -1);
      const gyroSma = norm(columns.gx, columns.gy, columns.gz, base);
      signalFeatures(s!.norm, 0, fs, out, offset + NORM_BASE + FEATURES_PER_SIGNAL, -1);
      norm(columns.mx, columns.my, columns.mz, base);
      signalFeatures(s!.norm, 0, fs, out, offset + NORM_BASE + 2 * FEATURES_PER_SIGNAL, -1);
      out[offset + SMA_OFFSET] = accSma;
      out[offset + SMA_OFFSET + 1] = gyroSma;

      for (let p = 0; p < CORRELATION_PAIRS.length; p++) {
        const [a, b] = CORRELATION_PAIRS[p];
        out[offset + CORRELATION_OFFSET + p] = correlation(s!.centred[a], sumSquares[a], s!.centred[b], sumSquares[b], n);
      }
    },
  };
}

/** Features of many windows as a row-major matrix, windows × FEATURE_COUNT. */
export function extractFeatures(columns: ReadingColumns, windows: readonly WindowSpan[], extractor = createFeatureExtractor()): Float64Array {
  const out = new Float64Array(windows.length * FEATURE_COUNT);
  for (let w = 0; w < windows.length; w++) extractor.extract(columns, windows[w], out, w * FEATURE_COUNT);
  return out;
}

function correlation(a: Float64Array, ssA: number, b: Float64Array, ssB: number, n: number): number {
  if (Number.isNaN(ssA) || Number.isNaN(ssB)) return Number.NaN;
  if (ssA === 0 || ssB === 0) return 0;
  let cross = 0;
  for (let i = 0; i < n; i++) cross += a[i] * b[i];
  const r = cross / Math.sqrt(ssA * ssB);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
