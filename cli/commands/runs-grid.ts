// `refinery runs grid PIPELINE [--from --to]`: partitions × steps in the terminal, one line per
// partition with its latest run, one mark per step (as Airflow's grid, turned on its side).
import type { Command } from 'commander';
import { partitionGrid, type GridCell } from '../../engine/history/grid.ts';
import { addDays, checkPartition, localDate } from '../../engine/pipeline/partitions.ts';
import { asUserError, pipelineNamed, printJson, withReaderPool } from '../context.ts';

const colours: Record<string, number> = { succeeded: 32, failed: 31, skipped: 90, cancelled: 33, running: 34, reused: 36 };
const marks: Record<string, string> = { succeeded: '✓', failed: '✗', skipped: '–', cancelled: '⊘', running: '…', reused: '↺' };

function paint(text: string, status: string | undefined, tty: boolean): string {
  const c = status ? colours[status] : undefined;
  return tty && c ? `\x1b[${c}m${text}\x1b[0m` : text;
}

function cell(c: GridCell | null, tty: boolean): string {
  return c ? paint(marks[c.status] ?? '?', c.status, tty) : '·';
}

export function registerRunGridCommand(runs: Command): void {
  runs
    .command('grid <pipeline>')
    .description("partitions × steps: each partition's latest run and every step's status")
    .option('--from <partition>', 'first partition (default: 30 days ago for daily pipelines)')
    .option('--to <partition>', 'last partition (default: yesterday)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { from?: string; to?: string; json?: boolean }) => {
      const pipeline = pipelineNamed(name);
      let { from, to } = opts;
      if (pipeline.partitioning.kind === 'daily') {
        for (const [flag, value] of [
          ['--from', from],
          ['--to', to],
        ] as const) {
          if (value !== undefined) {
            try {
              checkPartition(pipeline.partitioning, value, flag);
            } catch (e) {
              asUserError(e);
            }
          }
        }
        const today = localDate(new Date(), pipeline.partitioning.timezone);
        to ??= addDays(today, -1);
        from ??= addDays(to, -29);
      }
      const grid = await withReaderPool((pool) => partitionGrid(pool, pipeline, { from, to })).catch(asUserError);
      if (opts.json) return printJson(grid);
      const tty = Boolean(process.stdout.isTTY);
      const width = Math.max(9, ...grid.partitions.map((p) => p.partition.length));
      const tallest = Math.max(...grid.steps.map((s) => s.length));
      const pad = ' '.repeat(width + 9);
      for (let i = 0; i < tallest; i++) console.log(`${pad}${grid.steps.map((s) => s[i] ?? ' ').join(' ')}`);
      for (const row of grid.partitions) {
        const run = row.run ? String(row.run.id).padStart(7) : '       ';
        const status = row.run ? paint(row.run.status, row.run.status, tty) : paint('no run', undefined, tty);
        console.log(`${row.partition.padEnd(width)} ${run}  ${row.cells.map((c) => cell(c, tty)).join(' ')}  ${status}`);
      }
      const counts = new Map<string, number>();
      for (const row of grid.partitions) counts.set(row.run?.status ?? 'no run', (counts.get(row.run?.status ?? 'no run') ?? 0) + 1);
      console.log(
        `${grid.partitions.length} partitions: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}   ✓ succeeded ✗ failed – skipped ↺ reused … running · not run`,
      );
    });
}
