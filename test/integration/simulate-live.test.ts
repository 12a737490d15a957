// `refinery simulate --live` against a real `refinery api` process with a production model: devices
// post a batch a second while the command prints each device's live predictions as they arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { seedProductionModel } from '../support/model.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let api: RefineryProcess;
let port: string;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await seedProductionModel(stack.pools.owner);
  const started = await startApiProcess(stack, { LOG_LEVEL: 'warn' });
  api = started.api;
  port = new URL(started.url).port;
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await stack?.close();
});

describe('refinery simulate --live', () => {
  it('prints the predictions of every device as they arrive, in real time', async () => {
    const started = Date.now();
    const run = startRefinery(['simulate', '--live', '--devices', '2', '--seconds', '12'], stackEnv(stack, { API_PORT: String(port), LOG_LEVEL: 'warn' }));
    const code = await run.exited;
    const output = run.output();
    expect(code, output).toBe(0);
    // Twelve seconds of exercise take twelve seconds.
    expect(Date.now() - started).toBeGreaterThan(12_000);
    expect(output).toContain('2 devices exercising for 1 × 12 s, posting every second');
    for (const device of ['sim-wrist-01', 'sim-wrist-02']) {
      const lines = output.split('\n').filter((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\s+${device}\\s+\\d+\\s+[a-z-]+\\s+\\d+%`).test(l));
      expect(lines.length, `${device} in\n${output}`).toBeGreaterThanOrEqual(2);
      const summary = new RegExp(`^${device}: (\\d+) predictions`, 'm').exec(output);
      expect(Number(summary?.[1])).toBe(lines.length);
    }
    const { rows } = await stack.pools.owner.query(`SELECT device_id, count(*)::int AS n FROM registry.live_predictions GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => r.device_id)).toEqual(['sim-wrist-01', 'sim-wrist-02']);
  });

  it('refuses options that make no sense live', async () => {
    const run = startRefinery(['simulate', '--live', '--day', '2026-01-01'], stackEnv(stack, { API_PORT: String(port) }));
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('--day does not go with --live');
  });
});
