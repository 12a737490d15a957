// Benchmark: 100,000 simulated tournaments of the sample field (6.4M rows: tournament, simulation,
// team, wins, round out) simulated and COPY-loaded the way the simulate step does it (same batches,
// same writer), against psql's \copy of exactly those rows from a file prepared beforehand.
// Usage: npx tsx bench/simulation-copy.ts [simulations]   (DATABASE_URL to use your own server)
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { copyBatches } from '../lib/db/copy.ts';
import { rowFormatter } from '../lib/db/copy-format.ts';
import { createPool, withTransaction, type Pool } from '../lib/db/pool.ts';
import { bracketOrder, DEFAULT_GAME_MODEL, probabilityMatrix, sampleTournament } from '../lib/tournament/index.ts';
import { OUTCOME_COLUMNS, outcomeBatches } from '../lib/tournament/outcome-rows.ts';
import { writeBenchResult } from './report.ts';
import { benchDatabase } from './support/database.ts';

const SIMULATIONS = Number(process.argv[2] ?? 100_000);
const REPEATS = 3;
const GOAL = 1.3;

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function reset(pool: Pool) {
  await pool.query('TRUNCATE bench_outcomes');
  await pool.query('CHECKPOINT');
}

async function main() {
  const sample = sampleTournament(2026);
  const options = {
    tournament: sample.tournament.key,
    bracket: bracketOrder(sample.teams),
    p: probabilityMatrix(
      DEFAULT_GAME_MODEL,
      sample.teams.map((t) => t.rating),
    ),
    keys: sample.teams.map((t) => t.key),
    seed: 7,
    from: 0,
    to: SIMULATIONS,
  };
  const rows = SIMULATIONS * sample.teams.length;
  const db = await benchDatabase('simulation_copy');
  const pool = createPool(db.url, { applicationName: 'bench-simulation-copy', max: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-simcopy-'));
  try {
    await pool.query(`DROP TABLE IF EXISTS bench_outcomes;
      CREATE TABLE bench_outcomes (tournament_key text NOT NULL, simulation integer NOT NULL, team_key text NOT NULL, wins smallint NOT NULL, eliminated_round smallint NOT NULL)`);
    console.log(`writing ${rows.toLocaleString('en-US')} rows to a file for psql…`);
    const file = join(dir, 'outcomes.tsv');
    const out = createWriteStream(file);
    const format = rowFormatter(OUTCOME_COLUMNS);
    for (const batch of outcomeBatches(options)) if (!out.write(batch.map(format).join(''))) await once(out, 'drain');
    out.end();
    await once(out, 'finish');

    const ours: number[] = [];
    const psql: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await reset(pool);
      ours.push(
        await timed(() =>
          withTransaction(pool, (client) => copyBatches(client, { table: 'bench_outcomes', columns: OUTCOME_COLUMNS }, outcomeBatches(options))).then(() => {}),
        ),
      );
      const { rows: check } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT simulation)::int AS sims FROM bench_outcomes');
      if (check[0].n !== rows || check[0].sims !== SIMULATIONS) throw new Error(`expected ${rows} rows, found ${check[0].n}`);
      await reset(pool);
      psql.push(
        await timed(
          async () =>
            void execFileSync('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy bench_outcomes (${OUTCOME_COLUMNS.join(', ')}) from '${file}'`]),
        ),
      );
      console.log(`  round ${r + 1}: simulate + COPY writer ${ours[r]!.toFixed(2)} s, psql \\copy ${psql[r]!.toFixed(2)} s`);
    }
    const ratio = median(ours) / median(psql);
    writeBenchResult({
      id: 'simulation-copy',
      title: `Tournament simulations into bronze: ${SIMULATIONS.toLocaleString('en-US')} brackets (${rows.toLocaleString('en-US')} rows)`,
      reproduce: 'npx tsx bench/simulation-copy.ts',
      workload:
        `the 64-team sample field, ${SIMULATIONS.toLocaleString('en-US')} simulations generated in batches of 10,000 rows and COPY-written in one transaction ` +
        `(the simulate step's code path), vs psql \\copy of the same rows from a prepared file; empty table, median of ${REPEATS} rounds; PostgreSQL ${db.version}`,
      figures: [
        { name: 'simulate + COPY writer (time)', value: median(ours), unit: 's', ratio, goal: `≤${GOAL}× psql \\copy`, met: ratio <= GOAL },
        { name: 'psql \\copy from a file (anchor, time)', value: median(psql), unit: 's', ratio: 1 },
        { name: 'simulate + COPY writer (rows)', value: rows / median(ours), unit: 'rows/s' },
      ],
      notes: ['Ours includes simulating the brackets and formatting every row; psql only streams a file written before the clock started.'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
    await db.stop();
  }
}

await main();
