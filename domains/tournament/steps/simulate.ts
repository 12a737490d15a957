// Simulation step (compute queue), one of `chunks` steps that split the run's simulations between
// them: simulations [from, to) of the bracket from the silver game predictions, seeded so that a
// simulation's result depends only on (seed, index), written to bronze.simulated_outcomes in COPY
// batches of 10,000 rows, heartbeating progress. The chunk replaces its own range (the last chunk
// also clears anything beyond the run's count, from an earlier, larger run), in the tournament's own
// partition (migrations/0092).
import { ApplicationFailure, Context } from '@temporalio/activity';
import { copyBatches } from '../../../lib/db/copy.ts';
import { withTransaction } from '../../../lib/db/pool.ts';
import { ensureOutcomesPartition, readGameMatrix, readTournament } from '../sql/tournament.ts';
import { fieldBracket } from '../../../lib/tournament/index.ts';
import { OUTCOME_COLUMNS, outcomeBatches } from '../../../lib/tournament/outcome-rows.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { tournamentParams } from './params.ts';

const ROWS_PER_BATCH = 10_000;

export function chunkRange(total: number, chunk: number, chunks: number): [number, number] {
  return [Math.floor((chunk * total) / chunks), Math.floor(((chunk + 1) * total) / chunks)];
}

export const simulateTournamentChunk: StepFactory =
  ({ pools, log }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const chunk = Number(input.params.chunk ?? 0);
    const chunks = Number(input.params.chunks ?? 1);
    if (!(Number.isInteger(chunks) && chunks >= 1 && Number.isInteger(chunk) && chunk >= 0 && chunk < chunks)) {
      throw ApplicationFailure.nonRetryable(`chunk ${input.params.chunk} of ${input.params.chunks} is not a valid chunk`, 'BadParameter');
    }
    const [from, to] = chunkRange(params.simulations, chunk, chunks);
    const t = await readTournament(pools.worker, tournament);
    const n = t.teams.length;
    const p = await readGameMatrix(pools.worker, tournament, t.teams);
    const bracket = fieldBracket(t.teams);
    const keys = t.teams.map((x) => x.key);
    const ctx = Context.current();
    async function* batches() {
      let done = 0;
      for (const rows of outcomeBatches({ tournament, bracket, p, keys, seed: params.seed, from, to, rowsPerBatch: ROWS_PER_BATCH })) {
        yield rows;
        done += rows.length / n;
        ctx.heartbeat({ simulations: done, of: to - from });
        // Let heartbeats and cancellation through between batches of CPU work.
        await new Promise((r) => setImmediate(r));
      }
    }
    // The tournament's own partition (rows of a tournament without one land in the default partition).
    await ensureOutcomesPartition(pools.worker, tournament).catch((e: Error) => {
      log.warn({ tournament, err: e.message }, 'no partition for the tournament yet (a lock held too long); its outcomes land in the default partition');
    });
    const written = await withTransaction(pools.worker, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`bronze.simulated_outcomes|${tournament}|${chunk}`]);
      const last = chunk === chunks - 1;
      await client.query(
        `DELETE FROM bronze.simulated_outcomes WHERE tournament_key = $1 AND simulation >= $2 ${last ? '' : 'AND simulation < $3'}`,
        last ? [tournament, from] : [tournament, from, to],
      );
      return copyBatches(client, { table: 'bronze.simulated_outcomes', columns: OUTCOME_COLUMNS }, batches());
    });
    return {
      written: { 'bronze.simulated_outcomes': written },
      metrics: { from, to, seed: params.seed },
    };
  };
