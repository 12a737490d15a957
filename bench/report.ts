// Shared shape of a benchmark result. Each bench/<name>.ts prints its figures and writes one
// result file; bench/run.ts runs every benchmark and turns the files into BENCHMARKS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export interface BenchFigure {
  /** What was measured, e.g. "COPY writer" or "psql \\copy (anchor)". */
  name: string;
  value: number;
  unit: string;
  /** Ratio against the anchor of the same run, when this figure has one (e.g. 0.93 = 93% of psql). */
  ratio?: number;
  /** The goal from the issue, in words, e.g. "≥0.9× psql". */
  goal?: string;
  /** Whether the goal was met (undefined when the figure has no goal). */
  met?: boolean;
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

export function machineSummary(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Prints the result as a table and saves it under bench/results/<id>.json for bench/run.ts. */
export function writeBenchResult(result: BenchResult): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${result.id}.json`), JSON.stringify({ ...result, machine: machineSummary(), at: new Date().toISOString() }, null, 2));
  console.log(`\n${result.title}`);
  for (const f of result.figures) {
    const ratio = f.ratio === undefined ? '' : `  (${f.ratio.toFixed(2)}× anchor)`;
    const goal = f.goal ? `  goal ${f.goal}: ${f.met ? 'met' : 'NOT met'}` : '';
    console.log(`  ${f.name.padEnd(44)} ${formatValue(f.value).padStart(14)} ${f.unit}${ratio}${goal}`);
  }
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}
