// What `refinery dev` runs once the stack is up, so a newcomer sees data flow end to end: the
// reconcilers (triggers and late data); the demo pipeline for yesterday (which triggers
// demo_quality and demo_weekly); simulated devices posting three days of exercise sessions through
// the API, and the sensor pipeline over those days (windows → model → predictions → summaries);
// and the tournament pipeline on the sample Calcutta.
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config.ts';
import { createPool } from '../lib/db/pool.ts';
import { definitions, getPipeline } from '../domains/index.ts';
import type { RunSummary } from '../engine/pipeline/types.ts';
import { connectClient } from '../engine/temporal/client.ts';
import { reconciledPipelines, startReconcilers } from '../engine/temporal/reconcilers.ts';
import { startPipelineRun } from '../engine/temporal/runs.ts';
import { writeSampleTournament } from './commands/tournament.ts';
import { daysEnding, simulateDays } from './simulator/days.ts';

export interface StartupTargets {
  apiUrl: string;
  ownerUrl: string;
}

const SENSOR_DAYS = 3;

async function run(client: Client, config: Config, name: string, partition: string, say: (line: string) => void): Promise<RunSummary | null> {
  const { handle } = await startPipelineRun(client, config, getPipeline(name), partition);
  try {
    const summary = await handle.result();
    const rows = summary.steps.reduce((n, s) => n + (s.rowsWritten ?? 0), 0);
    say(
      `${name} ${partition}: ${summary.status}, ${summary.steps.length} steps, ${rows.toLocaleString('en-US')} rows written (refinery runs show ${summary.runId})`,
    );
    return summary;
  } catch (e) {
    say(`${name} ${partition} did not succeed: ${(e as Error).message} (refinery runs list --pipeline ${name})`);
    return null;
  }
}

export async function runStartupPipelines(config: Config, targets: StartupTargets, say: (line: string) => void): Promise<void> {
  const client = await connectClient(config);
  const owner = createPool(targets.ownerUrl, { applicationName: 'refinery-dev-startup', max: 2 });
  try {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    say(`running pipeline demo for ${yesterday}…`);
    await run(client, config, 'demo', yesterday, say);

    const days = daysEnding(yesterday, SENSOR_DAYS);
    say(`simulating 8 wrist devices for ${days[0]}…${yesterday} (posting through ${targets.apiUrl})…`);
    await simulateDays({
      ownerPool: owner,
      apiUrl: targets.apiUrl,
      devices: 8,
      days,
      sessionsPerDevice: 5,
      sessionSeconds: 60,
      seed: 1,
      sameOnAnyDate: true,
      say,
    });
    for (const day of days) {
      const summary = await run(client, config, 'sensor', day, say);
      const train = summary?.steps.find((s) => s.stepId === 'train')?.metrics;
      const promote = summary?.steps.find((s) => s.stepId === 'promote')?.metrics;
      if (train && promote) {
        say(
          `  exercise-classifier v${train.version}: held-out accuracy ${train.accuracy}, macro F1 ${train.macroF1}; ${promote.promoted ? 'promoted' : 'not promoted'} (${promote.reason})`,
        );
      }
    }

    // A real field: 68 teams with a First Four.
    const sample = writeSampleTournament(config.landingDir, 2026, 68);
    say(`sample Calcutta landing files written to ${sample.dir}; running pipeline tournament for ${sample.key}…`);
    const tournament = await run(client, config, 'tournament', sample.key, say);
    const evaluate = tournament?.steps.find((s) => s.stepId === 'evaluate')?.metrics;
    const optimise = tournament?.steps.find((s) => s.stepId === 'optimise')?.metrics;
    if (evaluate && optimise) {
      say(
        `  payout strategy: expected normalised payout ${optimise.objective} (proportional ${optimise.proportional}, favourite ${optimise.favourite}); rankings at /v1/optimisation-runs/${evaluate.optimisationRunId}/rankings`,
      );
      const pFirst = Object.entries(evaluate)
        .filter(([k]) => k.endsWith('.pFirst'))
        .map(([k, v]) => `${k.slice(0, -'.pFirst'.length)} ${(Number(v) * 100).toFixed(1)}%`);
      if (pFirst.length > 1) say(`  our P(finishing first) by strategy: ${pFirst.join(', ')} (dashboard: Tournament → Optimiser runs)`);
    }
  } finally {
    await owner.end();
    await client.connection.close();
  }
}

/** Starts (or keeps) the reconciler of every pipeline with triggers or a late-data policy. */
export async function startDevReconcilers(config: Config, say: (line: string) => void): Promise<void> {
  const client = await connectClient(config);
  try {
    const started = await startReconcilers(client, config, reconciledPipelines(definitions));
    say(`reconcilers running for ${started.map((s) => s.pipeline).join(', ')} (refinery reconcile status; refinery stale list)`);
  } finally {
    await client.connection.close();
  }
}
