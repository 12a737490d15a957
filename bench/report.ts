// Shared shape of a benchmark result. Each bench/<name>.ts prints its figures and writes one
// result file; bench/run.ts runs every benchmark and turns the files into BENCHMARKS.md. A figure
// measured in repeats carries every repeat's value; its value is their median.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export interface BenchFigure {
  /** What was measured, e.g. "COPY writer" or "psql \\copy (anchor)". */
  name: string;
  /** The median of `runs` when there are runs. */
  value: number;
  unit: string;
  /** Each repeat's value, in `unit`, for the spread. */
  runs?: number[];
  /** Ratio against the anchor of the same run, when this figure has one (e.g. 0.93 = 93% of psql). */
  ratio?: number;
  /** The goal from the issue, in words, e.g. "≥0.9× psql". */
  goal?: string;
  /** Whether the goal was met (undefined when the figure has no goal, or the goal is untested). */
  met?: boolean;
  /** Why this run cannot judge the goal; the goal then reads "untested". */
  untested?: string;
}

export interface BenchResult {
  /** File stem, e.g. "copy"; also the section id in BENCHMARKS.md. */
  id: string;
  title: string;
  /** The command that reproduces this result, e.g. "npx tsx bench/copy.ts". */
  reproduce: string;
  /** What the workload is: sizes, shapes, settings. */
  workload: string;
  figures: BenchFigure[];
  notes?: string[];
}

// Committed, so a run of one benchmark refreshes its section of BENCHMARKS.md and keeps the others.
export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `value` (the median) and `runs` of a figure measured in repeats. */
export function repeated(runs: readonly number[]): { value: number; runs: number[] } {
  if (!runs.length) throw new Error('a repeated figure needs at least one run');
  return { value: median(runs), runs: [...runs] };
}

/** Throws (failing the benchmark) when an output check fails: a benchmark of wrong results measures nothing. */
export function verify(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark output check failed: ${what}`);
}

export function machineSummary(): string {
  const load = os.loadavg()[0]!.toFixed(1);
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${load} at the end`;
}

export function spread(f: BenchFigure): string {
  if (!f.runs || f.runs.length < 2) return '';
  return `${formatValue(Math.min(...f.runs))}–${formatValue(Math.max(...f.runs))} (${f.runs.length} runs)`;
}

export function goalText(f: BenchFigure): string {
  if (!f.goal) return '';
  if (f.untested) return `${f.goal}: **untested** (${f.untested})`;
  return `${f.goal}: ${f.met ? '**met**' : '**not met**'}`;
}

/** Prints the result as a table and saves it under bench/results/<id>.json for bench/run.ts (unless a short development run says not to). */
export function writeBenchResult(result: BenchResult, { save = true }: { save?: boolean } = {}): void {
  mkdirSync(resultsDir, { recursive: true });
  if (save)
    writeFileSync(join(resultsDir, `${result.id}.json`), JSON.stringify({ ...result, machine: machineSummary(), at: new Date().toISOString() }, null, 2));
  console.log(`\n${result.title}`);
  for (const f of result.figures) {
    const ratio = f.ratio === undefined ? '' : `  (${f.ratio.toFixed(2)}× anchor)`;
    const range = spread(f) ? `  [${spread(f)}]` : '';
    const goal = f.goal ? `  goal ${goalText(f).replace(/\*\*/g, '')}` : '';
    console.log(`  ${f.name.padEnd(44)} ${formatValue(f.value).padStart(14)} ${f.unit}${range}${ratio}${goal}`);
  }
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}
