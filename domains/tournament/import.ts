// `refinery tournament import`: seed 003's Parquet outputs into a loaded tournament — simulated
// tournaments into bronze.simulated_outcomes (replacing the tournament's), and a report (recommended
// bids and entry performance) as an optimisation run of strategy "imported" in gold. Every file is
// checked first (lib/tournament/imports.ts); if any file has a problem nothing is written but the
// record of what was seen (bronze.landing_files, as for CSV landing files), and the problems are thrown.
import { createHash } from 'node:crypto';
import { replacePartitionIn } from '../../lib/db/copy.ts';
import { withTransaction, type Pool, type PoolClient } from '../../lib/db/pool.ts';
import { fieldBracket } from '../../lib/tournament/bracket.ts';
import { checkEntryPerformance, checkRecommendedBids, checkSimulations, IMPORT_FILES, importKind, type ImportKind } from '../../lib/tournament/imports.ts';
import type { Problem } from '../../lib/tournament/landing.ts';
import { readParquetTable, type ParquetTable } from '../../lib/tournament/parquet.ts';
import { OUTCOME_COLUMNS } from '../../lib/tournament/outcome-rows.ts';
import { ensureOutcomesPartition, readTournament, type TournamentData } from './sql/tournament.ts';

export interface ImportFile {
  name: string;
  bytes: Uint8Array;
}

export interface ImportSummary {
  files: { name: string; kind: ImportKind; rows: number }[];
  simulations: number | null;
  optimisationRunId: number | null;
}

export class ImportRejected extends Error {
  constructor(readonly problems: Problem[]) {
    super(`import rejected: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
}

export async function importTournamentFiles(pool: Pool, tournament: string, files: ImportFile[], options: { entry: string }): Promise<ImportSummary> {
  const t = await readTournament(pool, tournament);
  const problems: Problem[] = [];
  const tables = new Map<ImportKind, { file: ImportFile; table: ParquetTable }>();
  for (const file of files) {
    const kind = importKind(file.name);
    const base = file.name.split(/[\\/]/).pop()!;
    if (!kind) {
      const known = Object.values(IMPORT_FILES).flatMap((k) => k.names);
      problems.push({ file: base, line: null, column: null, reason: `is not an import file (expected ${known.join(', ')})` });
      continue;
    }
    if (tables.has(kind)) {
      problems.push({ file: base, line: null, column: null, reason: `is a second ${kind} file (also ${tables.get(kind)!.table.file})` });
      continue;
    }
    const table = await readParquetTable(base, file.bytes, IMPORT_FILES[kind].spec);
    problems.push(...table.problems);
    tables.set(kind, { file, table });
  }
  const simulations = tables.get('simulations');
  const bids = tables.get('recommendedBids');
  const performance = tables.get('entryPerformance');
  if (!bids !== !performance) {
    const [has, lacks] = bids ? [bids.table.file, 'entry_performance.parquet'] : [performance!.table.file, 'recommended_entry_bids.parquet'];
    problems.push({ file: has, line: null, column: null, reason: `is half of a report: import it with ${lacks}` });
  }
  const bracket = fieldBracket(t.teams);
  let simulated: ReturnType<typeof checkSimulations> | undefined;
  if (simulations && !simulations.table.problems.length) {
    simulated = checkSimulations(simulations.table, t.teams, bracket, tournament);
    problems.push(...simulated.problems);
  }
  const spend = new Map<string, number>();
  for (const b of t.bids) spend.set(b.entry, (spend.get(b.entry) ?? 0) + b.amount);
  const ctx = {
    teams: t.teams,
    spend,
    ours: options.entry,
    budget: t.calcutta.budgetPerEntry,
    minBid: t.calcutta.minBid,
    maxTeams: t.calcutta.maxTeamsPerEntry,
  };
  if (bids && !bids.table.problems.length) problems.push(...checkRecommendedBids(bids.table, ctx));
  if (performance && !performance.table.problems.length) problems.push(...checkEntryPerformance(performance.table, ctx));

  const seen = [...tables.entries()];
  const sha = (f: ImportFile) => createHash('sha256').update(f.bytes).digest('hex');
  const record = async (client: PoolClient) => {
    const rejectedFiles = [...new Set(problems.map((x) => x.file))];
    // A file with no problem of its own is still not loaded when another is rejected: it is recorded as seen, saying why.
    for (const [kind, { file, table }] of seen) {
      const own = problems.filter((x) => x.file === table.file);
      const why = own.length ? own : [{ file: table.file, line: null, column: null, reason: `not loaded: ${rejectedFiles.join(', ')} rejected` }];
      await recordFile(
        client,
        tournament,
        table.file,
        kind,
        sha(file),
        problems.length ? 'rejected' : 'loaded',
        problems.length ? 0 : table.rows,
        problems.length ? why : [],
      );
    }
  };
  if (problems.length) {
    await withTransaction(pool, record);
    throw new ImportRejected(problems);
  }
  // The tournament's own partition first, committed, so the replacing transaction never waits on DDL.
  if (simulated) await ensureOutcomesPartition(pool, tournament);
  return withTransaction(pool, async (client) => {
    let runId: number | null = null;
    if (simulated) {
      await replacePartitionIn(client, { table: 'bronze.simulated_outcomes', columns: OUTCOME_COLUMNS }, { tournament_key: tournament }, simulated.rows);
    }
    if (bids && performance) runId = await writeReport(client, t, options.entry, bids, performance, simulated?.simulations);
    await record(client);
    return {
      files: seen.map(([kind, { table }]) => ({ name: table.file, kind, rows: table.rows })),
      simulations: simulated?.simulations ?? null,
      optimisationRunId: runId,
    };
  });
}

/** The report as an optimisation run of strategy "imported" (re-importing the same file names replaces it). */
async function writeReport(
  client: PoolClient,
  t: TournamentData,
  ours: string,
  bids: { file: ImportFile; table: ParquetTable },
  performance: { file: ImportFile; table: ParquetTable },
  simulations: number | undefined,
): Promise<number> {
  const b = bids.table.columns as { team_key: string[]; bid_amount: number[] };
  const p = performance.table.columns as Record<string, (number | string | null)[]>;
  const others = new Map<string, number>();
  for (const x of t.bids) if (x.entry !== ours) others.set(x.team, (others.get(x.team) ?? 0) + x.amount);
  const spend = b.bid_amount.reduce((a, x) => a + x, 0);
  const pool = [...others.values()].reduce((a, x) => a + x, 0) + spend;
  const oursRow = p.entry_key.indexOf(ours);
  const normalised = Number(p.mean_normalized_payout[oursRow]);
  const entries = performance.table.rows;
  const { rows } = await client.query(
    `INSERT INTO gold.optimisation_runs (tournament_key, run_key, entry, method, params, seed, simulations, budget, spend, objective, expected_payout, baselines, strategy, strategy_params)
     VALUES ($1, $2, $3, 'import', $4, 0, $5, $6, $7, $8, $9, '{}', 'imported', $4)
     ON CONFLICT (run_key) DO UPDATE SET params = EXCLUDED.params, simulations = EXCLUDED.simulations, budget = EXCLUDED.budget, spend = EXCLUDED.spend,
       objective = EXCLUDED.objective, expected_payout = EXCLUDED.expected_payout, strategy_params = EXCLUDED.strategy_params, updated_at = now()
     RETURNING id`,
    [
      t.key,
      `${t.key}|imported|entry=${ours}|${bids.table.file}|${performance.table.file}`,
      ours,
      { files: [bids, performance].map((f) => ({ name: f.table.file, rows: f.table.rows, sha256: createHash('sha256').update(f.file.bytes).digest('hex') })) },
      simulations ?? 0,
      t.calcutta.budgetPerEntry,
      spend,
      normalised,
      normalised * spend,
    ],
  );
  const id = Number(rows[0].id);
  await replacePartitionIn(
    client,
    { table: 'gold.recommended_bids', columns: ['optimisation_run_id', 'team_key', 'amount', 'predicted_others', 'ownership'] },
    { optimisation_run_id: id },
    b.team_key.map((team, i) => [id, team, b.bid_amount[i], others.get(team) ?? 0, b.bid_amount[i] / ((others.get(team) ?? 0) + b.bid_amount[i])]),
  );
  const spendOf = new Map<string, number>([[ours, spend]]);
  for (const x of t.bids) if (x.entry !== ours) spendOf.set(x.entry, (spendOf.get(x.entry) ?? 0) + x.amount);
  await replacePartitionIn(
    client,
    {
      table: 'gold.entry_performance',
      columns: [
        'optimisation_run_id',
        'entry',
        'ours',
        'spend',
        'mean_points',
        'mean_payout',
        'mean_normalised_payout',
        'p_first',
        'mean_rank',
        'mean_percentile',
        'simulations',
      ],
    },
    { optimisation_run_id: id },
    p.entry_key.map((entry, i) => {
      const percentile = Number(p.percentile_rank[i]);
      // Without a mean rank, the one the mean percentile implies: percentile = (entries − rank) / (entries − 1).
      const meanRank = p.mean_rank[i] ?? 1 + (1 - percentile) * (entries - 1);
      return [
        id,
        entry,
        entry === ours,
        spendOf.get(String(entry)) ?? 0,
        (100 * Number(p.mean_payout[i])) / pool,
        p.mean_payout[i],
        p.mean_normalized_payout[i],
        p.p_top1[i],
        meanRank,
        percentile,
        simulations ?? 0,
      ];
    }),
  );
  return id;
}

async function recordFile(
  client: PoolClient,
  tournament: string,
  file: string,
  kind: string,
  sha256: string,
  status: string,
  rows: number,
  problems: Problem[],
) {
  await client.query(
    `INSERT INTO bronze.landing_files (tournament_key, file_name, kind, sha256, status, rows, problems) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tournament_key, file_name) DO UPDATE SET kind = EXCLUDED.kind, sha256 = EXCLUDED.sha256, status = EXCLUDED.status,
       rows = EXCLUDED.rows, problems = EXCLUDED.problems, seen_at = now()`,
    [tournament, file, kind, sha256, status, rows, JSON.stringify(problems.slice(0, 200))],
  );
}
