// The silver windows a training run used, written as a CSV dataset version (one row per window:
// partition, device, window, session, label and the features), so the registry can say exactly
// what the model saw: the version is the SHA-256 of these bytes, and a re-run over changed silver
// data makes a new version instead of changing the recorded one. Numbers print in JavaScript's
// shortest round-trip form, so the same windows always give the same bytes.
import { Readable } from 'node:stream';
import type { WindowRow } from './sql/windows.ts';

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function windowsCsv(rows: WindowRow[], x: Float64Array, featureNames: string[]): Readable {
  const cols = featureNames.length;
  return Readable.from(
    (function* () {
      yield Buffer.from(['partition', 'device_id', 'window_index', 'session_id', 'label', ...featureNames].map(quote).join(',') + '\n');
      for (let start = 0; start < rows.length; start += 256) {
        let chunk = '';
        for (let i = start; i < Math.min(rows.length, start + 256); i++) {
          const r = rows[i];
          chunk += `${r.partition},${quote(r.deviceId)},${r.windowIndex},${quote(r.sessionId ?? '')},${quote(r.label ?? '')}`;
          for (let f = 0; f < cols; f++) {
            const v = x[i * cols + f];
            chunk += Number.isNaN(v) ? ',' : `,${v}`;
          }
          chunk += '\n';
        }
        yield Buffer.from(chunk);
      }
    })(),
  );
}
