// `npm run bench [-- name ...]`: runs the benchmarks (all, or the named ones) one after another,
// each in its own process so none warms the next, then rewrites BENCHMARKS.md from bench/results/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue, resultsDir, type BenchResult } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const notBenchmarks = new Set(['report.ts', 'run.ts']);
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
  'against) measured in the same run on the same machine. Refresh all with `npm run bench`, or one',
  'with `npm run bench -- <name>`; each section names its own command. Raw results: `bench/results/`.',
  '',
];
for (const r of results) {
  lines.push(`## ${r.title}`, '', `- Reproduce: \`${r.reproduce}\``, `- Workload: ${r.workload}`, `- Machine: ${r.machine}; run at ${r.at}`, '');
  lines.push('| measure | value | vs anchor | goal |', '|---|---:|---:|---|');
  for (const f of r.figures) {
    const goal = f.goal ? `${f.goal}: ${f.met ? '**met**' : '**not met**'}` : '';
    lines.push(`| ${f.name.replace(/\|/g, '\\|')} | ${formatValue(f.value)} ${f.unit} | ${f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`} | ${goal} |`);
  }
  if (r.notes?.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  lines.push('');
}
writeFileSync(join(here, '..', 'BENCHMARKS.md'), lines.join('\n'));
console.log(`\nBENCHMARKS.md: ${results.length} benchmarks`);
if (failed) process.exit(1);
