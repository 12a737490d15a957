// The Temporal SDK's logs go through the process's pino logger: JSON lines with the SDK's fields,
// Temporal's chatter below warn dropped unless the process logs at debug.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { temporalLogger } from '../../../engine/temporal/runtime.ts';

function capture(level: 'info' | 'debug') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level, name: 'worker-io' }, sink), lines };
}

describe('Temporal SDK logs through pino', () => {
  it('writes warnings and errors as JSON lines with the SDK metadata, and drops its info chatter at level info', () => {
    const { log, lines } = capture('info');
    const sdk = temporalLogger(log, 'info');
    sdk.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    sdk.warn('Activity failed', { sdkComponent: 'worker', activityType: 'landDemoEvents', [Symbol('ts')]: 1n });
    sdk.log('ERROR', 'Core error', { sdkComponent: 'core' });
    expect(lines.map((l) => [l.level, l.msg, l.name, l.temporal])).toEqual([
      [40, 'Activity failed', 'worker-io', true],
      [50, 'Core error', 'worker-io', true],
    ]);
    expect(lines[0]).toMatchObject({ sdkComponent: 'worker', activityType: 'landDemoEvents' });
  });

  it('passes debug logs on when the process logs at debug', () => {
    const { log, lines } = capture('debug');
    temporalLogger(log, 'debug').debug('Activity completed', { sdkComponent: 'worker' });
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: 'Activity completed', sdkComponent: 'worker' })]);
  });
});
