// Scale and figures of the chaos suite. `npm test` runs it short; `npm run test:chaos` runs it long
// (CHAOS_SCALE=long) and records each scenario's figures for RELIABILITY.md. Each test records the
// measures it computed and asserted itself; the first record of a scenario in a run starts its file
// afresh, so a measure whose test failed is missing rather than stale.
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

const recorded = new Map<string, Figure>();

/**
 * Keeps the figures of a long run (short runs, as in CI, leave the recorded ones alone). Called by
 * several tests of one scenario, it adds their measures to what this run recorded so far.
 */
export function recordFigure(id: string, figure: Figure | (Partial<Figure> & Record<string, string | number>)): void {
  if (!chaosScale().long) return;
  const merged = { ...recorded.get(id), ...figure } as Figure;
  recorded.set(id, merged);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${id}.json`), JSON.stringify({ ...merged, at: new Date().toISOString() }, null, 2));
}
