// The feature catalogue: the name, group, channel, unit and meaning of every feature of a window,
// in feature-vector order. Silver writes it to a table once and each window's vector as a float array.
// Every vector has all FEATURE_COUNT slots; a device without a magnetometer gets NaN in the slots whose
// channel involves mx, my, mz or mag_norm (see features.ts for that and the other conventions).
import { CHANNELS, channelSensor, sensorRanges } from './reading.ts';

/** Signals features are computed on: the nine channels, then the norms of the three sensor vectors. */
export const SIGNALS = [...CHANNELS, 'acc_norm', 'gyro_norm', 'mag_norm'] as const;
export type Signal = (typeof SIGNALS)[number];

/** Relative band energies are computed for these bands, [low, high) Hz. At 50 Hz the spectrum ends at 25 Hz. */
export const BANDS_HZ: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 2],
  [2, 4],
  [4, 8],
  [8, 16],
];

/** Peaks are excursions above mean + PEAK_THRESHOLD_STD·std (see features.ts). */
export const PEAK_THRESHOLD_STD = 1;

export type FeatureGroup = 'statistics' | 'time' | 'frequency' | 'correlation';

export interface FeatureInfo {
  index: number;
  name: string;
  group: FeatureGroup;
  /** The signal, or the comma-separated signals, the feature is computed on. */
  channel: string;
  unit: string;
  description: string;
}

type Unit = 'u' | 'u²' | 'Hz' | '' | 'crossings/sample' | 'count' | 'fraction';
interface SignalFeature {
  key: string;
  group: FeatureGroup;
  unit: Unit;
  description: string;
}

// The order here is the order features.ts writes them in; the offsets below index into it.
const perSignal: SignalFeature[] = [
  { key: 'mean', group: 'statistics', unit: 'u', description: 'mean' },
  { key: 'std', group: 'statistics', unit: 'u', description: 'population standard deviation (ddof 0)' },
  { key: 'min', group: 'statistics', unit: 'u', description: 'minimum' },
  { key: 'max', group: 'statistics', unit: 'u', description: 'maximum' },
  { key: 'median', group: 'statistics', unit: 'u', description: 'median' },
  { key: 'iqr', group: 'statistics', unit: 'u', description: 'interquartile range, Q3 − Q1, quartiles by linear interpolation (numpy default)' },
  { key: 'skewness', group: 'statistics', unit: '', description: 'skewness, biased moment estimate m3/m2^1.5 (scipy.stats.skew default); 0 when constant' },
  {
    key: 'kurtosis',
    group: 'statistics',
    unit: '',
    description: 'excess (Fisher) kurtosis m4/m2² − 3, biased (scipy.stats.kurtosis default); 0 when constant',
  },
  { key: 'rms', group: 'statistics', unit: 'u', description: 'root mean square' },
  { key: 'energy', group: 'statistics', unit: 'u²', description: 'mean of squares (sum of squares / readings)' },
  { key: 'mad', group: 'time', unit: 'u', description: 'mean absolute deviation from the mean' },
  { key: 'range', group: 'time', unit: 'u', description: 'max − min' },
  {
    key: 'zcr',
    group: 'time',
    unit: 'crossings/sample',
    description: 'zero-crossing rate of the mean-removed signal: sign changes / (readings − 1), where ≥ 0 counts as positive',
  },
  {
    key: 'peaks',
    group: 'time',
    unit: 'count',
    description: `peaks: excursions above mean + ${PEAK_THRESHOLD_STD}·std, each ending only when the signal falls below the mean again`,
  },
  {
    key: 'dom_freq',
    group: 'frequency',
    unit: 'Hz',
    description: 'frequency of the strongest non-DC bin of the Hann-windowed, mean-removed, zero-padded spectrum',
  },
  { key: 'dom_amp', group: 'frequency', unit: 'u', description: 'amplitude of that bin, 2|X|/Σw (the amplitude of a sinusoid centred on it)' },
  { key: 'centroid', group: 'frequency', unit: 'Hz', description: 'spectral centroid, power-weighted mean frequency' },
  { key: 'bandwidth', group: 'frequency', unit: 'Hz', description: 'spectral bandwidth, power-weighted standard deviation of frequency around the centroid' },
  {
    key: 'entropy',
    group: 'frequency',
    unit: '',
    description: 'spectral entropy of the normalised power over the non-DC bins, divided by ln(bins): 1 = flat, 0 = one bin or no power',
  },
  ...BANDS_HZ.map(([lo, hi]): SignalFeature => ({
    key: `band_${lo}_${hi}hz`,
    group: 'frequency',
    unit: 'fraction',
    description: `share of the non-DC power in ${lo}–${hi} Hz`,
  })),
];

/** Offsets of each feature within a signal's block (must follow `perSignal`). */
export const F = {
  mean: 0,
  std: 1,
  min: 2,
  max: 3,
  median: 4,
  iqr: 5,
  skewness: 6,
  kurtosis: 7,
  rms: 8,
  energy: 9,
  mad: 10,
  range: 11,
  zcr: 12,
  peaks: 13,
  domFreq: 14,
  domAmp: 15,
  centroid: 16,
  bandwidth: 17,
  entropy: 18,
  band0: 19,
} as const;
export const FEATURES_PER_SIGNAL = perSignal.length;

/** Pearson correlations: acc axis pairs, gyro axis pairs, then acc–gyro of the same axis. */
export const CORRELATION_PAIRS: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [3, 4],
  [3, 5],
  [4, 5],
  [0, 3],
  [1, 4],
  [2, 5],
];

export const SMA_OFFSET = SIGNALS.length * FEATURES_PER_SIGNAL;
export const CORRELATION_OFFSET = SMA_OFFSET + 2;
export const FEATURE_COUNT = CORRELATION_OFFSET + CORRELATION_PAIRS.length;

function signalUnit(signal: Signal): string {
  const sensor = signal.endsWith('_norm') ? (signal.slice(0, -5) as keyof typeof sensorRanges) : channelSensor[signal as (typeof CHANNELS)[number]];
  return sensorRanges[sensor].unit;
}

function signalLabel(signal: Signal): string {
  return signal.endsWith('_norm') ? `|${signal.slice(0, -5)}|` : signal;
}

function buildCatalogue(): FeatureInfo[] {
  const list: Omit<FeatureInfo, 'index'>[] = [];
  for (const signal of SIGNALS) {
    const u = signalUnit(signal);
    for (const f of perSignal) {
      list.push({
        name: `${signal}_${f.key}`,
        group: f.group,
        channel: signal,
        unit: f.unit === 'u' ? u : f.unit === 'u²' ? `(${u})²` : f.unit,
        description: `${f.description} of ${signalLabel(signal)}`,
      });
    }
  }
  list.push(
    { name: 'acc_sma', group: 'time', channel: 'ax,ay,az', unit: 'm/s²', description: 'signal magnitude area: mean of |ax| + |ay| + |az| (gravity included)' },
    { name: 'gyro_sma', group: 'time', channel: 'gx,gy,gz', unit: 'rad/s', description: 'signal magnitude area: mean of |gx| + |gy| + |gz|' },
  );
  for (const [a, b] of CORRELATION_PAIRS) {
    list.push({
      name: `corr_${CHANNELS[a]}_${CHANNELS[b]}`,
      group: 'correlation',
      channel: `${CHANNELS[a]},${CHANNELS[b]}`,
      unit: '',
      description: `Pearson correlation of ${CHANNELS[a]} and ${CHANNELS[b]}; 0 when either is constant`,
    });
  }
  return list.map((f, index) => ({ index, ...f }));
}

/** Every feature of a window, in feature-vector order. */
export const featureCatalogue: readonly FeatureInfo[] = buildCatalogue();
