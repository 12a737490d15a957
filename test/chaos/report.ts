// Writes RELIABILITY.md from the figures the long chaos run recorded (test/chaos/results/).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir, type Figure } from './figures.ts';

const figures = existsSync(resultsDir)
  ? readdirSync(resultsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ id: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as Figure & { at: string }) }))
  : [];

const lines = [
  '# Reliability',
  '',
  'Each scenario below drives the real stack (PostgreSQL, the Temporal dev server, `refinery` worker',
  'and API processes) and breaks something on purpose: it crashes a server, kills a process, sends',
  'garbage. The figures come from the last long run (`npm run test:chaos`, which rewrites this file);',
  '`npm test` runs the same scenarios at a smaller scale on every CI run, with the same assertions.',
  '',
];
for (const f of figures) {
  const { id, scenario, command, at, ...measures } = f;
  lines.push(`## ${scenario}`, '', `- Reproduce: \`${command}\``, `- Recorded: ${at} (scenario \`${id}\`)`, '');
  lines.push('| measure | value |', '|---|---:|');
  for (const [name, value] of Object.entries(measures))
    lines.push(
      `| ${name
        .replace(/([A-Z])/g, ' $1')
        .replace(/(?<=[a-z]{2})(?=[0-9])/g, ' ')
        .toLowerCase()} | ${typeof value === 'number' ? value.toLocaleString('en-US') : value} |`,
    );
  lines.push('');
}
writeFileSync(join(resultsDir, '..', '..', '..', 'RELIABILITY.md'), lines.join('\n'));
console.log(`RELIABILITY.md: ${figures.length} scenarios`);
