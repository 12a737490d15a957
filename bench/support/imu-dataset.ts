// A labelled IMU feature matrix for the forest benchmark: windows cut from short synthetic sessions
// of many devices (each with its own calibration errors), so the classes overlap the way real
// wrist data does and accuracy is not trivially 100%.
import { FEATURE_COUNT } from '../../lib/imu/catalogue.ts';
import { EXERCISES } from '../../lib/imu/exercises.ts';
import { createFeatureExtractor } from '../../lib/imu/features.ts';
import { generateSession, sessionColumns } from '../../lib/imu/synthetic.ts';
import { cutWindows } from '../../lib/imu/windows.ts';

export interface Dataset {
  x: Float64Array;
  rows: number;
  cols: number;
  labels: string[];
}

export function imuDataset(windows: number, seed = 1): Dataset {
  const extractor = createFeatureExtractor();
  const x = new Float64Array(windows * FEATURE_COUNT);
  const labels: string[] = [];
  for (let s = seed; labels.length < windows; s++) {
    const exercise = EXERCISES[s % EXERCISES.length];
    const session = generateSession({ exercise, deviceId: `wrist-${s % 97}`, sessionId: `s-${s}`, start: Date.UTC(2026, 0, 5), durationS: 60, seed: s });
    const columns = sessionColumns(session);
    for (const window of cutWindows(columns)) {
      if (labels.length >= windows) break;
      extractor.extract(columns, window, x, labels.length * FEATURE_COUNT);
      labels.push(exercise);
    }
  }
  return { x, rows: windows, cols: FEATURE_COUNT, labels };
}
