import { describe, expect, it } from 'vitest';
import { AttemptLog } from '../../../engine/activities/attempt-log.ts';
import type { LogLine } from '../../../engine/history/step-logs.ts';

/** A store that behaves like ops.step_logs: inserts, then deletes lines before the kept window. */
function store() {
  const rows = new Map<number, LogLine>();
  return {
    rows,
    async write(lines: LogLine[], firstKept: number) {
      for (const l of lines) rows.set(l.seq, l);
      for (const seq of rows.keys()) if (seq < firstKept) rows.delete(seq);
    },
  };
}

describe('the log of one attempt', () => {
  it('keeps the last lines within the line limit and says how many were dropped', async () => {
    const s = store();
    const log = new AttemptLog(s.write, { lines: 100, bytes: 1 << 20, lineBytes: 1000 });
    for (let i = 1; i <= 250; i++) {
      log.add('info', `line ${i}`);
      if (i % 70 === 0) await log.flush();
    }
    await log.close();
    const seqs = [...s.rows.keys()].sort((a, b) => a - b);
    expect(seqs.length).toBe(100);
    expect(seqs[0]).toBe(151);
    expect(s.rows.get(250)!.message).toBe('line 250');
  });

  it('keeps within the byte limit too', async () => {
    const s = store();
    const log = new AttemptLog(s.write, { lines: 2000, bytes: 10_000, lineBytes: 2000 });
    for (let i = 0; i < 50; i++) log.add('info', 'x'.repeat(1000));
    await log.close();
    const kept = [...s.rows.values()];
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.length).toBeGreaterThan(5);
    expect(Math.min(...kept.map((l) => l.seq))).toBe(51 - kept.length);
  });

  it('redacts messages and fields, and cuts very long lines', async () => {
    const s = store();
    const log = new AttemptLog(s.write, { lines: 10, bytes: 1 << 20, lineBytes: 50 });
    log.add('warn', 'retrying postgres://u:secret@db/x', { password: 'p', url: 'https://a:b@h' });
    log.add('info', 'y'.repeat(80));
    await log.close();
    expect(s.rows.get(1)).toMatchObject({
      level: 'warn',
      message: 'retrying postgres://u:***@db/x',
      fields: { password: '[redacted]', url: 'https://a:***@h' },
    });
    expect(s.rows.get(2)!.message).toBe(`${'y'.repeat(50)}… (line cut at 50 characters)`);
  });

  it('keeps lines whose write failed for the next flush', async () => {
    let fail = true;
    const s = store();
    const log = new AttemptLog(async (lines, first) => {
      if (fail) throw new Error('database restarting');
      await s.write(lines, first);
    });
    log.add('info', 'a');
    await log.flush();
    fail = false;
    log.add('info', 'b');
    await log.close();
    expect([...s.rows.values()].map((l) => l.message)).toEqual(['a', 'b']);
  });

  it('writes nothing when nothing was logged', async () => {
    let writes = 0;
    const log = new AttemptLog(async () => void writes++);
    await log.close();
    expect(writes).toBe(0);
  });
});
