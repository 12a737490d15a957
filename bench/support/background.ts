// What else the database and the machine were doing while a benchmark measured latency: PostgreSQL's
// checkpointer writing, autovacuum workers at work, and how busy the cores were, sampled a few times a
// second. A read's tail (its p99 is its 20 slowest of 2,000) moves with background work on a 2-core
// machine; this says which work was there, so a slow tail is explained, not guessed.
import { existsSync, readFileSync } from 'node:fs';
import type { Pool } from '../../lib/db/pool.ts';

export interface Background {
  /** Seconds sampled. */
  seconds: number;
  /** Share of samples in which the checkpointer was writing (any wait other than its idle main loop). */
  checkpointing: number;
  /** Buffers the checkpointer wrote, and checkpoints it completed, during the window. */
  checkpointBuffers: number;
  checkpoints: number;
  /** Share of samples with at least one autovacuum worker running, and the tables they worked on. */
  autovacuum: number;
  autovacuumTables: string[];
  /** Average cores busy (of all), from /proc/stat; undefined off Linux. */
  coresBusy?: number;
}

function cpuTicks(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

async function checkpointer(owner: Pool): Promise<{ buffers: number; done: number }> {
  const { rows } = await owner.query<{ buffers: string; done: string }>(
    'SELECT buffers_written AS buffers, (num_done)::bigint AS done FROM pg_stat_checkpointer',
  );
  return { buffers: Number(rows[0]!.buffers), done: Number(rows[0]!.done) };
}

/** Starts sampling every `everyMs`; `stop()` returns what was seen. Uses one connection of `owner`. */
export async function sampleBackground(owner: Pool, everyMs = 200): Promise<{ stop(): Promise<Background> }> {
  const cpuBefore = cpuTicks();
  const cpBefore = await checkpointer(owner);
  const started = performance.now();
  let samples = 0;
  let writing = 0;
  let vacuuming = 0;
  const tables = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await owner.query<{ backend_type: string; wait_event: string | null; query: string | null }>(
        `SELECT backend_type, wait_event, query FROM pg_stat_activity WHERE backend_type IN ('checkpointer', 'autovacuum worker')`,
      );
      samples++;
      if (rows.some((r) => r.backend_type === 'checkpointer' && r.wait_event !== 'CheckpointerMain')) writing++;
      const workers = rows.filter((r) => r.backend_type === 'autovacuum worker' && r.query);
      if (workers.length > 0) vacuuming++;
      for (const w of workers) tables.add(w.query!.replace(/^autovacuum:\s*/, '').slice(0, 80));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const cpuAfter = cpuTicks();
      const cpAfter = await checkpointer(owner);
      return {
        seconds: (performance.now() - started) / 1000,
        checkpointing: samples ? writing / samples : 0,
        checkpointBuffers: cpAfter.buffers - cpBefore.buffers,
        checkpoints: cpAfter.done - cpBefore.done,
        autovacuum: samples ? vacuuming / samples : 0,
        autovacuumTables: [...tables].sort(),
        ...(cpuBefore && cpuAfter
          ? {
              coresBusy:
                ((cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total)) * (readFileSync('/proc/stat', 'utf8').match(/^cpu\d+/gm)?.length ?? 1),
            }
          : {}),
      };
    },
  };
}

/** One line for the console and the report's notes. */
export function describeBackground(b: Background): string {
  const parts = [
    `checkpointer writing ${(b.checkpointing * 100).toFixed(0)}% of the time (${b.checkpointBuffers} buffers, ${b.checkpoints} checkpoints done)`,
    `autovacuum ${(b.autovacuum * 100).toFixed(0)}%${b.autovacuumTables.length ? ` (${b.autovacuumTables.join(', ')})` : ''}`,
  ];
  if (b.coresBusy !== undefined) parts.push(`${b.coresBusy.toFixed(2)} cores busy`);
  return parts.join(', ');
}
