// `refinery retention`: each table's retention policy, its oldest hot day and what is archived;
// `refinery retention set TABLE --hot-days N`: change a policy; `refinery archive restore TABLE
// --from --to`: bring archived days back into PostgreSQL for a backfill (checksum-compared).
import type { Command } from 'commander';
import { loadPolicies, partitionDays } from '../../lib/archive/archive.ts';
import { dayRanges, daysInRange, DayError, rangeText } from '../../lib/archive/policy.ts';
import { restoreDays, RestoreError } from '../../lib/archive/restore.ts';
import type { Queryable } from '../../lib/db/pool.ts';
import { openStorage } from '../../lib/storage/index.ts';
import { examples, printJson, withOwnerPool, withReaderPool, withWorkerPool } from '../context.ts';
import { UserError } from '../user-error.ts';

interface TableState {
  table: string;
  hotDays: number;
  aheadDays: number;
  keepRestoredDays: number;
  oldestHotDay: string | null;
  newestDay: string | null;
  archived: string[];
  restored: string[];
  /** Days part-way through archiving (the next run carries on), with the last error if any. */
  inProgress: { day: string; state: string; error: string | null }[];
}

async function tableStates(db: Queryable): Promise<TableState[]> {
  const states: TableState[] = [];
  for (const p of await loadPolicies(db)) {
    const days = await partitionDays(db, p.table);
    const { rows } = await db.query<{ day: string; state: string; error: string | null }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, state, error FROM ops.partition_archives WHERE table_name = $1 ORDER BY day`,
      [p.table],
    );
    states.push({
      table: p.table,
      hotDays: p.hotDays,
      aheadDays: p.aheadDays,
      keepRestoredDays: p.keepRestoredDays,
      oldestHotDay: days[0] ?? null,
      newestDay: days.at(-1) ?? null,
      archived: rows.filter((r) => r.state === 'dropped').map((r) => r.day),
      restored: rows.filter((r) => r.state === 'restored').map((r) => r.day),
      inProgress: rows.filter((r) => !['dropped', 'restored'].includes(r.state)),
    });
  }
  return states;
}

const ranges = (days: string[]) => (days.length ? dayRanges(days).map(rangeText).join(', ') : 'none');

function printStates(states: TableState[]): void {
  for (const s of states) {
    console.log(`${s.table}: ${s.hotDays} days hot, partitions made ${s.aheadDays} days ahead, restored days kept ${s.keepRestoredDays} days`);
    console.log(`  in PostgreSQL: ${s.oldestHotDay ? `${s.oldestHotDay} .. ${s.newestDay}` : 'no day partitions'}`);
    console.log(`  archived (Parquet, dropped from PostgreSQL): ${ranges(s.archived)}`);
    if (s.restored.length) console.log(`  restored from the archive: ${ranges(s.restored)}`);
    for (const p of s.inProgress) console.log(`  ${p.day}: ${p.state.toUpperCase()}, the next run carries on${p.error ? ` (last: ${p.error})` : ''}`);
  }
}

function positiveInt(field: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UserError(`${field}: expected a whole number of days (got "${v}")`);
  return Number(v);
}

export function registerRetentionCommands(program: Command): void {
  const retention = program
    .command('retention')
    .description('retention policies: days kept hot in PostgreSQL per table, and what is archived')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'refinery retention                                         # policies, oldest hot day, archived ranges',
        'refinery retention set bronze.imu_segments --hot-days 120',
        'refinery run retention --partition 2026-11-30              # apply now (it runs daily at 02:40 UTC)',
      ),
    )
    .action(async (opts: { json?: boolean }) => {
      const states = await withReaderPool((pool) => tableStates(pool));
      if (opts.json) printJson(states);
      else printStates(states);
    });
  retention
    .command('set')
    .description("change a table's retention policy (applied by the next retention run)")
    .argument('<table>', 'schema-qualified table, e.g. bronze.imu_segments')
    .option('--hot-days <n>', 'days kept in PostgreSQL, counting the run day (at least 7)')
    .option('--ahead-days <n>', 'partitions made this many days ahead (0-62)')
    .option('--keep-restored-days <n>', 'a restored day stays this long before it is archived again')
    .action(async (table: string, opts: { hotDays?: string; aheadDays?: string; keepRestoredDays?: string }) => {
      const hot = positiveInt('--hot-days', opts.hotDays);
      const ahead = positiveInt('--ahead-days', opts.aheadDays);
      const keep = positiveInt('--keep-restored-days', opts.keepRestoredDays);
      if (hot === undefined && ahead === undefined && keep === undefined)
        throw new UserError('nothing to change: give --hot-days, --ahead-days or --keep-restored-days');
      if (hot !== undefined && (hot < 7 || hot > 36600)) throw new UserError(`--hot-days: must be 7 to 36600 (got ${hot})`);
      if (ahead !== undefined && ahead > 62) throw new UserError(`--ahead-days: must be 0 to 62 (got ${ahead})`);
      if (keep !== undefined && (keep < 1 || keep > 3660)) throw new UserError(`--keep-restored-days: must be 1 to 3660 (got ${keep})`);
      await withOwnerPool(async (pool) => {
        const { rowCount } = await pool.query(
          `UPDATE ops.retention_policies SET hot_days = coalesce($2, hot_days), ahead_days = coalesce($3, ahead_days),
                  keep_restored_days = coalesce($4, keep_restored_days), updated_at = now() WHERE table_name = $1`,
          [table, hot ?? null, ahead ?? null, keep ?? null],
        );
        if (!rowCount) {
          const known = (await loadPolicies(pool)).map((p) => p.table).join(', ');
          throw new UserError(`no retention policy for ${table} (policies: ${known})`);
        }
        printStates((await tableStates(pool)).filter((s) => s.table === table));
      });
    });

  const archive = program.command('archive').description('archived days of tables with a retention policy');
  archive
    .command('restore')
    .description('bring archived days back into PostgreSQL (identical rows, checksum-compared), e.g. for a backfill')
    .argument('<table>', 'schema-qualified table, e.g. bronze.imu_segments')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
    .addHelpText('after', examples('refinery archive restore bronze.imu_segments --from 2026-08-01 --to 2026-08-31'))
    .action(async (table: string, opts: { from: string; to: string }) => {
      let days: string[];
      try {
        days = daysInRange(opts.from, opts.to);
      } catch (e) {
        if (e instanceof DayError) throw new UserError(e.message);
        throw e;
      }
      await withWorkerPool(async (pool, config) => {
        if (!(await loadPolicies(pool, table)).length) throw new UserError(`no retention policy for ${table}: nothing of it is archived`);
        const { storage } = await openStorage(config.storage);
        try {
          const outcomes = await restoreDays({ pool, storage, progress: (what) => console.log(what) }, table, days);
          const restored = outcomes.filter((o) => o.outcome === 'restored');
          const already = outcomes.filter((o) => o.outcome === 'restored already').map((o) => o.day);
          const hot = outcomes.filter((o) => o.outcome === 'hot').map((o) => o.day);
          console.log(
            `${table}: ${restored.length} day(s) restored, ${restored.reduce((n, o) => n + (o.rows ?? 0), 0)} rows, checksums equal to the archived ones`,
          );
          if (already.length) console.log(`  restored before: ${ranges(already)}`);
          if (hot.length) console.log(`  not archived (in PostgreSQL or never held): ${ranges(hot)}`);
        } catch (e) {
          if (e instanceof RestoreError) throw new UserError(e.message);
          throw e;
        }
      });
    });
}
