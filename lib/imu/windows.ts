// Sliding windows over cleaned readings: fixed-size runs of consecutive readings of one device and
// one session with no gap inside, which are what features are computed on.
import type { ReadingColumns } from './reading.ts';

export interface WindowOptions {
  /** Readings per window. Default 200 (4 s at 50 Hz). */
  size?: number;
  /** Fraction of a window shared with the next one, in [0, 1). Default 0.5 → step 100. Ignored when `step` is given. */
  overlap?: number;
  /** Readings between the starts of consecutive windows. */
  step?: number;
  /** Readings further apart than this are a gap. Default: `gapFactor` × the device's median interval. */
  maxGapMs?: number;
  /** Default 3: at 50 Hz one or two lost readings (40, 60 ms) are not a gap, three (80 ms) are. */
  gapFactor?: number;
}

/**
 * A window is readings [start, end) of the columns (end exclusive, so end - start = size);
 * startTs and endTs are the timestamps of its first and last reading.
 */
export interface ReadingWindow {
  start: number;
  end: number;
  startTs: number;
  endTs: number;
  deviceId: string;
  /** null when the readings carry no session. */
  sessionId: string | null;
}

export const DEFAULT_WINDOW_SIZE = 200;
export const DEFAULT_OVERLAP = 0.5;
export const DEFAULT_GAP_FACTOR = 3;

/** The step between window starts that the options imply. */
export function windowStep(options: WindowOptions = {}): number {
  const size = options.size ?? DEFAULT_WINDOW_SIZE;
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`window size must be an integer ≥ 2, got ${size}`);
  if (options.step !== undefined) {
    if (!Number.isInteger(options.step) || options.step < 1) throw new RangeError(`window step must be an integer ≥ 1, got ${options.step}`);
    return options.step;
  }
  const overlap = options.overlap ?? DEFAULT_OVERLAP;
  if (!(overlap >= 0 && overlap < 1)) throw new RangeError(`window overlap must be in [0, 1), got ${overlap}`);
  return Math.max(1, size - Math.round(size * overlap));
}

/**
 * Cuts windows over readings grouped by device and ordered by time (as cleanReadings returns them).
 * A window never spans a device change, a session change or a gap; after one, the next window starts
 * at the first reading past it. Readings at the end of a run that do not fill a whole window are not
 * windowed: a short window would have a different spectrum resolution and bias the statistics.
 */
export function cutWindows(columns: ReadingColumns, options: WindowOptions = {}): ReadingWindow[] {
  const size = options.size ?? DEFAULT_WINDOW_SIZE;
  const step = windowStep(options);
  const { timestamp, device, session, length } = columns;
  const windows: ReadingWindow[] = [];

  for (let deviceStart = 0; deviceStart < length;) {
    let deviceEnd = deviceStart + 1;
    while (deviceEnd < length && device[deviceEnd] === device[deviceStart]) deviceEnd++;
    const maxGap = options.maxGapMs ?? (options.gapFactor ?? DEFAULT_GAP_FACTOR) * medianInterval(timestamp, deviceStart, deviceEnd);

    for (let runStart = deviceStart; runStart < deviceEnd;) {
      let runEnd = runStart + 1;
      while (runEnd < deviceEnd && session[runEnd] === session[runStart]) {
        const dt = timestamp[runEnd] - timestamp[runEnd - 1];
        if (!(dt > 0)) {
          throw new RangeError(
            `readings of device ${columns.deviceIds[device[runEnd]]} are not ordered by time at index ${runEnd} ` +
              `(${timestamp[runEnd - 1]} then ${timestamp[runEnd]}); clean them with cleanReadings first`,
          );
        }
        if (dt > maxGap) break;
        runEnd++;
      }
      const deviceId = columns.deviceIds[device[runStart]];
      const sessionId = session[runStart] < 0 ? null : columns.sessionIds[session[runStart]];
      for (let start = runStart; start + size <= runEnd; start += step) {
        windows.push({ start, end: start + size, startTs: timestamp[start], endTs: timestamp[start + size - 1], deviceId, sessionId });
      }
      runStart = runEnd;
    }
    deviceStart = deviceEnd;
  }
  return windows;
}

/**
 * The window's mean sample rate in Hz: (readings − 1) over its time span. Frequency features treat a
 * window's readings as evenly spaced at this rate (an isolated lost reading shifts the rest by one
 * period, which moves spectral peaks by less than a bin).
 */
export function windowSampleRate(window: Pick<ReadingWindow, 'start' | 'end' | 'startTs' | 'endTs'>): number {
  return ((window.end - window.start - 1) * 1000) / (window.endTs - window.startTs);
}

function medianInterval(timestamp: Float64Array, start: number, end: number): number {
  if (end - start < 2) return Infinity;
  const diffs = new Float64Array(end - start - 1);
  for (let i = start + 1; i < end; i++) diffs[i - start - 1] = timestamp[i] - timestamp[i - 1];
  diffs.sort();
  const m = diffs.length >> 1;
  return diffs.length % 2 === 1 ? diffs[m] : (diffs[m - 1] + diffs[m]) / 2;
}
