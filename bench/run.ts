// `npm run bench [-- name ...]`: runs the benchmarks (all, or the named ones) one after another,
// each in its own process so none warms the next, then rewrites BENCHMARKS.md from bench/results/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue, goalText, resultsDir, spread, type BenchResult } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const notBenchmarks = new Set(['report.ts', 'run.ts']);
// `npm run bench -- copy forest` runs a subset; `--report` only rewrites BENCHMARKS.md.
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !notBenchmarks.has(f))
  .map((f) => f.replace(/\.ts$/, ''));
// `--report` only rewrites BENCHMARKS.md from the stored results, running nothing.
const reportOnly = process.argv.includes('--report');
const wanted = process.argv.slice(2).filter((a) => a !== '--report');
for (const name of wanted) if (!all.includes(name)) throw new Error(`no benchmark bench/${name}.ts (have: ${all.join(', ')})`);

let failed = 0;
for (const name of reportOnly ? [] : wanted.length ? wanted : all) {
  console.log(`\n=== bench/${name}.ts`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`bench/${name}.ts failed (exit ${run.status})`);
  }
}

type Stored = BenchResult & { machine: string; at: string };
const results: Stored[] = existsSync(resultsDir)
  ? readdirSync(resultsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as Stored)
  : [];

const lines = [
  '# Benchmarks',
  '',
  'Every figure below comes from one run of its benchmark, with its anchor (the tool we compare',
  'against) measured in the same run on the same machine, timed the same way (connections open, the',
  'same warm-up). Timed figures are the median of repeated runs, with the spread (fastest–slowest)',
  'beside them; every benchmark checks its outputs (rows, checksums, identical values) and fails if',
  "they are wrong. Each section's machine line gives the load average when it finished: on a shared",
  'machine, figures taken under load are lower and wider than on a quiet one. Refresh all with',
  '`npm run bench`, or some with `npm run bench -- <name> [<name> …]`; each section names its own',
  'command. Raw results: `bench/results/`.',
  '',
];
for (const r of results) {
  lines.push(`## ${r.title}`, '', `- Reproduce: \`${r.reproduce}\``, `- Workload: ${r.workload}`, `- Machine: ${r.machine}; run at ${r.at}`, '');
  lines.push('| measure | median | spread | vs anchor | goal |', '|---|---:|---:|---:|---|');
  for (const f of r.figures) {
    const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`;
    lines.push(`| ${f.name.replace(/\|/g, '\\|')} | ${formatValue(f.value)} ${f.unit} | ${spread(f)} | ${ratio} | ${goalText(f)} |`);
  }
  if (r.notes?.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  lines.push('');
}
writeFileSync(join(here, '..', 'BENCHMARKS.md'), lines.join('\n'));
console.log(`\nBENCHMARKS.md: ${results.length} benchmarks`);
if (failed) process.exit(1);
