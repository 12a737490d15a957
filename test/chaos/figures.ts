// Scale and figures of the chaos suite. `npm test` runs it short; `npm run test:chaos` runs it long
// (CHAOS_SCALE=long) and records each scenario's figures for RELIABILITY.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

export function chaosScale(): { long: boolean } {
  return { long: process.env.CHAOS_SCALE === 'long' };
}

export interface Figure {
  scenario: string;
  command: string;
  [measure: string]: string | number;
}

/** Keeps the figures of a long run (short runs, as in CI, leave the recorded ones alone). */
export function recordFigure(id: string, figure: Figure): void {
  if (!chaosScale().long) return;
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${id}.json`), JSON.stringify({ ...figure, at: new Date().toISOString() }, null, 2));
}
