// Sliding windows over cleaned readings: fixed-size runs of consecutive readings of one device, one
// session and one UTC day with no gap inside, which are what features are computed on.
//
// Windows are decided candidate by candidate, each from its own readings only: a gap is an interval
// longer than gapFactor × the median interval inside the candidate (not of the whole day), and a
// session or day change inside a candidate moves the start past it. So the windows of a stream of
// readings do not depend on readings that have not arrived yet: the live path (live-windows.ts) cuts
// exactly the windows the nightly batch cuts, feeding the same function a few readings at a time.
import type { ReadingColumns } from './reading.ts';

export interface WindowOptions {
  /** Readings per window. Default 200 (4 s at 50 Hz). */
  size?: number;
  /** Fraction of a window shared with the next one, in [0, 1). Default 0.5 → step 100. Ignored when `step` is given. */
  overlap?: number;
  /** Readings between the starts of consecutive windows. */
  step?: number;
  /** Readings further apart than this are a gap. Default: `gapFactor` × the median interval of the candidate window. */
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
 * A window never spans a device change, a session change, a UTC day change or a gap; after one, the
 * next window starts at the first reading past it. Readings at the end of a run that do not fill a
 * whole window are not windowed: a short window would have a different spectrum resolution and bias
 * the statistics.
 */
export function cutWindows(columns: ReadingColumns, options: WindowOptions = {}): ReadingWindow[] {
  const { timestamp, device, session, length } = columns;
  const windows: ReadingWindow[] = [];
  for (let deviceStart = 0; deviceStart < length;) {
    let deviceEnd = deviceStart + 1;
    while (deviceEnd < length && device[deviceEnd] === device[deviceStart]) {
      if (!(timestamp[deviceEnd] > timestamp[deviceEnd - 1])) {
        throw new RangeError(
          `readings of device ${columns.deviceIds[device[deviceEnd]]} are not ordered by time at index ${deviceEnd} ` +
            `(${timestamp[deviceEnd - 1]} then ${timestamp[deviceEnd]}); clean them with cleanReadings first`,
        );
      }
      deviceEnd++;
    }
    const deviceId = columns.deviceIds[device[deviceStart]];
    scanWindows(columns, deviceStart, deviceEnd, options, (start, end) =>
      windows.push({
        start,
        end,
        startTs: timestamp[start],
        endTs: timestamp[end - 1],
        deviceId,
        sessionId: session[start] < 0 ? null : columns.sessionIds[session[start]],
      }),
    );
    deviceStart = deviceEnd;
  }
  return windows;
}

const DAY_MS = 86_400_000;

/**
 * The candidate scan over one device's readings [from, to), strictly ordered in time: calls `emit`
 * for each window and returns where the next candidate starts. Readings from there on are all the
 * state a caller needs to continue when more arrive (no session, day or gap change lies inside
 * them). Feeding a stream in pieces gives the windows of feeding it whole.
 */
export function scanWindows(columns: ReadingColumns, from: number, to: number, options: WindowOptions, emit: (start: number, end: number) => void): number {
  const size = options.size ?? DEFAULT_WINDOW_SIZE;
  const step = windowStep(options);
  const factor = options.gapFactor ?? DEFAULT_GAP_FACTOR;
  const { timestamp, session } = columns;
  let s = from;
  for (;;) {
    // A session or day change inside the candidate (or inside what has arrived of it) moves the start past it.
    const limit = Math.min(s + size, to);
    let moved = false;
    for (let i = limit - 1; i > s; i--) {
      if (session[i] !== session[i - 1] || Math.floor(timestamp[i] / DAY_MS) !== Math.floor(timestamp[i - 1] / DAY_MS)) {
        s = i;
        moved = true;
        break;
      }
    }
    if (moved) continue;
    if (s + size > to) return s;
    const threshold = options.maxGapMs ?? gapThreshold(timestamp, s, s + size, factor);
    for (let i = s + size - 1; i > s; i--) {
      if (timestamp[i] - timestamp[i - 1] > threshold) {
        s = i;
        moved = true;
        break;
      }
    }
    if (moved) continue;
    emit(s, s + size);
    s += step;
  }
}

/**
 * The window's mean sample rate in Hz: (readings − 1) over its time span. Frequency features treat a
 * window's readings as evenly spaced at this rate (an isolated lost reading shifts the rest by one
 * period, which moves spectral peaks by less than a bin).
 */
export function windowSampleRate(window: Pick<ReadingWindow, 'start' | 'end' | 'startTs' | 'endTs'>): number {
  return ((window.end - window.start - 1) * 1000) / (window.endTs - window.startTs);
}

const scratch = { intervals: new Float64Array(0) };

/** factor × the median interval of readings [start, end), or Infinity when no interval can exceed it. */
function gapThreshold(timestamp: Float64Array, start: number, end: number, factor: number): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start + 1; i < end; i++) {
    const dt = timestamp[i] - timestamp[i - 1];
    if (dt < min) min = dt;
    if (dt > max) max = dt;
  }
  // The median is at least the shortest interval, so when even the longest is within factor × the
  // shortest there is no gap, and no median to sort for (the usual case of an evenly sampled stream).
  if (max <= factor * min) return Infinity;
  if (scratch.intervals.length < end - start - 1) scratch.intervals = new Float64Array(end - start - 1);
  const diffs = scratch.intervals.subarray(0, end - start - 1);
  for (let i = start + 1; i < end; i++) diffs[i - start - 1] = timestamp[i] - timestamp[i - 1];
  diffs.sort();
  const m = diffs.length >> 1;
  return factor * (diffs.length % 2 === 1 ? diffs[m] : (diffs[m - 1] + diffs[m]) / 2);
}
