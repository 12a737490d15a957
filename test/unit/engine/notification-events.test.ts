import { describe, expect, it } from 'vitest';
import { runEvents, webhookBody } from '../../../engine/notifications/events.ts';
import type { RunSummary } from '../../../engine/pipeline/types.ts';

const summary = (status: RunSummary['status'], steps: RunSummary['steps']): RunSummary => ({
  pipeline: 'sensor',
  partition: '2026-11-29',
  runId: 42,
  status,
  steps,
  startedAt: '2026-11-30T01:00:00.000Z',
  endedAt: '2026-11-30T01:05:00.000Z',
});

describe('notification events of a run', () => {
  it('a failed run raises one run.failed event, keyed by the run', () => {
    const events = runEvents(
      summary('failed', [
        { stepId: 'windows', status: 'succeeded', attempt: 1 },
        { stepId: 'train', status: 'failed', attempt: 0, error: 'out of memory' },
        { stepId: 'predict', status: 'skipped', attempt: 0, error: 'upstream train did not succeed' },
      ]),
      { id: 41, status: 'succeeded' },
      'http://ui/namespaces/default/workflows/sensor%2F2026-11-29/r/history',
    );
    expect(events).toEqual([
      {
        id: 'run.failed/42',
        type: 'run.failed',
        occurredAt: '2026-11-30T01:05:00.000Z',
        title: 'sensor 2026-11-29 failed: train: out of memory',
        pipeline: 'sensor',
        partition: '2026-11-29',
        runId: 42,
        facts: { run: '42', 'failed steps': 'train', skipped: 'predict' },
        links: { temporal: 'http://ui/namespaces/default/workflows/sensor%2F2026-11-29/r/history' },
      },
    ]);
  });

  it('a success after a failed run is a recovery; after a success it raises nothing', () => {
    const ok = summary('succeeded', [{ stepId: 'windows', status: 'succeeded', attempt: 1 }]);
    expect(runEvents(ok, { id: 41, status: 'failed' }).map((e) => [e.id, e.title])).toEqual([
      ['run.recovered/42', 'sensor 2026-11-29 recovered: run 42 succeeded after run 41 failed'],
    ]);
    expect(runEvents(ok, { id: 41, status: 'succeeded' })).toEqual([]);
    expect(runEvents(ok, undefined)).toEqual([]);
  });

  it('warn checks that did not pass raise check.warning on a succeeded run', () => {
    const warned = summary('succeeded', [
      {
        stepId: 'summaries',
        status: 'succeeded',
        attempt: 1,
        warnings: [{ check: 'rowCount(gold.device_daily)', severity: 'warn', passed: false, observed: 0, detail: '0 rows (expected ≥ 1)' }],
      },
    ]);
    const [event] = runEvents(warned, undefined);
    expect(event!.type).toBe('check.warning');
    expect(event!.title).toBe('sensor 2026-11-29: 1 check did not pass (warn): summaries rowCount(gold.device_daily): 0 rows (expected ≥ 1)');
  });

  it('a Slack target gets text and blocks; a JSON target the event itself', () => {
    const [event] = runEvents(summary('failed', [{ stepId: 'train', status: 'failed', attempt: 0, error: 'boom' }]), undefined, 'http://ui/x');
    expect(webhookBody(event!, 'json')).toBe(event);
    const slack = webhookBody(event!, 'slack') as { text: string; blocks: { type: string }[] };
    expect(slack.text).toBe(':x: sensor 2026-11-29 failed: train: boom');
    expect(slack.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
    expect(JSON.stringify(slack.blocks[2])).toContain('<http://ui/x|Open in Temporal>');
  });
});
