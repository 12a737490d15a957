// The columnar body's batch as the live path sees it: its columns continue a device's windows exactly
// as the same readings posted as JSON rows do (windows, tails and features), with 9 channels or 6.
import { describe, expect, it } from 'vitest';
import { readingAt, readingColumnsOf } from '../../../domains/sensor/ingest/columnar.ts';
import { createFeatureExtractor } from '../../../lib/imu/features.ts';
import { FEATURE_COUNT } from '../../../lib/imu/catalogue.ts';
import { advanceTail, emptyTail, type DeviceTail } from '../../../lib/imu/live-windows.ts';
import type { ColumnarBatch } from '../../../lib/imu/columnar-batch.ts';

const T0 = Date.UTC(2026, 10, 30, 9);

function batch(seq: number, channels: 6 | 9, sessionId?: string): ColumnarBatch {
  const n = 150;
  return {
    deviceId: 'd',
    batchId: `b-${seq}`,
    ...(sessionId ? { sessionId } : {}),
    // A reading out of order and a repeated timestamp, for the cleaning to deal with alike.
    timestamp: Float64Array.from({ length: n }, (_, i) => T0 + (seq * n + (i === 5 ? 7 : i === 7 ? 5 : i)) * 20 + (i === 9 ? -20 : 0)),
    channels: Array.from({ length: channels }, (_, c) => Float64Array.from({ length: n }, (_, i) => Math.sin((seq * n + i) / (5 + c)) * (c + 1))),
  };
}

describe('a columnar batch in the live path', () => {
  for (const channels of [9, 6] as const) {
    it(`continues the windows as the same readings as rows do (${channels} channels)`, () => {
      let fromRows: DeviceTail = emptyTail();
      let fromColumns: DeviceTail = emptyTail();
      const extractor = createFeatureExtractor();
      let windows = 0;
      for (let seq = 0; seq < 6; seq++) {
        const b = batch(seq, channels, seq < 3 ? 's-1' : undefined);
        const rows = Array.from(b.timestamp, (_, i) => readingAt(b, i));
        const a = advanceTail('d', fromRows, b.sessionId ?? null, rows);
        const c = advanceTail('d', fromColumns, b.sessionId ?? null, readingColumnsOf(b));
        expect(c.windows).toEqual(a.windows);
        expect(c.tail).toEqual(a.tail);
        expect(c.late).toBe(a.late);
        for (let w = 0; w < a.windows.length; w++) {
          const fa = new Float64Array(FEATURE_COUNT);
          const fc = new Float64Array(FEATURE_COUNT);
          extractor.extract(a.columns, a.windows[w]!.window, fa);
          extractor.extract(c.columns, c.windows[w]!.window, fc);
          expect(fc).toEqual(fa);
        }
        windows += a.windows.length;
        fromRows = a.tail;
        fromColumns = c.tail;
      }
      expect(windows).toBeGreaterThan(3);
    });
  }
});
