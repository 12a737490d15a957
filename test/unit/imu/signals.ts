// Builds one-window columns from per-channel signal functions, for feature tests.
import { featureCatalogue } from '../../../lib/imu/catalogue.ts';
import { allocateColumns, CHANNELS, type Channel, type ReadingColumns } from '../../../lib/imu/reading.ts';
import type { ReadingWindow } from '../../../lib/imu/windows.ts';

export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** n readings at fs Hz; channels not given are 0 (the magnetometer NaN unless given). */
export function oneWindow(n: number, fs: number, signals: Partial<Record<Channel, (i: number) => number>>): { columns: ReadingColumns; window: ReadingWindow } {
  const columns = allocateColumns(n, ['device-1']);
  for (let i = 0; i < n; i++) columns.timestamp[i] = START + (i * 1000) / fs;
  for (const channel of CHANNELS) {
    const signal = signals[channel];
    if (signal !== undefined) for (let i = 0; i < n; i++) columns[channel][i] = signal(i);
    else if (!channel.startsWith('m')) columns[channel].fill(0);
  }
  return { columns, window: { start: 0, end: n, startTs: columns.timestamp[0], endTs: columns.timestamp[n - 1], deviceId: 'device-1', sessionId: null } };
}

const index = new Map(featureCatalogue.map((f) => [f.name, f.index]));

/** A feature of a vector (or of row `row` of a matrix) by catalogue name. */
export function feature(values: Float64Array, name: string, row = 0): number {
  const i = index.get(name);
  if (i === undefined) throw new Error(`no feature named ${name}`);
  return values[row * featureCatalogue.length + i];
}

/** Standard normal draws from a seeded generator. */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
