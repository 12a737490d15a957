// Landing-file triggers and staleness on the real stack: a keyed pipeline whose input is its landing
// folder runs when files appear (once they settled), and again when a file is re-landed with new
// content, saying which files changed; files still being copied (*.part), a folder that is no
// partition key and a file rewritten with the same content start nothing. (The tournament pipeline
// declares this input and trigger.)
import { mkdtempSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';
import { staleReport } from '../../engine/staleness/report.ts';
import { startReconcilers, stopReconciler } from '../../engine/temporal/reconcilers.ts';
import { definitionsWith } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';

const landed: PipelineDefinition = {
  name: 'landed',
  partitioning: { kind: 'keys' },
  inputs: [{ kind: 'landing' }],
  triggers: { on: ['landing'], settle: '1 second' },
  steps: [{ id: 'load', activity: 'noop', layer: 'bronze' }],
};

let stack: TestStack;
let landing: string;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  landing = mkdtempSync(join(tmpdir(), 'refinery-landing-'));
  await stack.startWorkers(['io'], { definitions: definitionsWith(landed), landingDir: landing });
  await startReconcilers(stack.client, stack.config, [landed], { tick: '1 second', taskQueues: stack.taskQueues });
});
afterAll(async () => {
  await stopReconciler(stack.client, 'landed').catch(() => {});
  await stack?.close();
  rmSync(landing, { recursive: true, force: true });
});

/** Lands a file the safe way: written under a temporary name, renamed when complete. */
function land(folder: string, name: string, content: string): void {
  mkdirSync(join(landing, folder), { recursive: true });
  writeFileSync(join(landing, folder, `${name}.part`), content);
  renameSync(join(landing, folder, `${name}.part`), join(landing, folder, name));
}

async function runs() {
  const { rows } = await stack.pools.owner.query<{ partition: string; status: string; trigger: string; reason: string; id: number }>(
    `SELECT partition_key AS partition, status, trigger, reason, id::int FROM ops.pipeline_runs WHERE pipeline = 'landed' ORDER BY id`,
  );
  return rows;
}
const settledRuns = async (n: number) => {
  const r = await runs();
  return r.length === n && r.every((x) => x.status === 'succeeded') ? r : undefined;
};
const quietly = () => new Promise((r) => setTimeout(r, 3500));

describe('landing-file triggers', () => {
  it('run a partition when its files appear, again when one is re-landed with new content, and never for half-copied or unchanged files', async () => {
    land('cup-2026', 'teams.csv', 'team_key\nduke\n');
    land('cup-2026', 'payouts.csv', 'wins,share\n1,1\n');
    const [first] = await until('a run for the new folder', () => settledRuns(1));
    expect(first).toMatchObject({ partition: 'cup-2026', trigger: 'landing', reason: 'landing files payouts.csv, teams.csv appeared' });

    // Half-copied files, a folder named like no key, and a rewrite with the same bytes: nothing runs.
    writeFileSync(join(landing, 'cup-2026', 'bids.csv.part'), 'entry,team_key');
    mkdirSync(join(landing, 'not a key'));
    writeFileSync(join(landing, 'not a key', 'x.csv'), 'x');
    writeFileSync(join(landing, 'cup-2026', 'teams.csv'), 'team_key\nduke\n');
    utimesSync(join(landing, 'cup-2026', 'teams.csv'), new Date(), new Date(Date.now() + 5000));
    await quietly();
    expect(await runs()).toHaveLength(1);

    // A re-landed file with new content and a new file: stale, then run again once, saying why.
    land('cup-2026', 'teams.csv', 'team_key\nduke\nunc\n');
    land('cup-2026', 'bids.csv', 'entry,team_key\nus,duke\n');
    const report = await until('the folder to be stale', async () => {
      const r = await staleReport(stack.pools.api, landed);
      return r.items.length ? r : undefined;
    });
    expect(report.items[0]).toMatchObject({
      partition: 'cup-2026',
      state: 'stale',
      reason: `landing files teams.csv changed, bids.csv added after run ${first!.id}`,
    });
    const [, second] = await until('a second run', () => settledRuns(2));
    expect(second).toMatchObject({ trigger: 'landing', reason: `landing files teams.csv changed, bids.csv added after run ${first!.id}` });
    await quietly();
    expect(await runs()).toHaveLength(2);
    expect((await staleReport(stack.pools.api, landed)).items).toEqual([]);
  }, 120_000);
});
