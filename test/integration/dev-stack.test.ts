// `refinery dev` as a newcomer runs it: embedded PostgreSQL, a Temporal dev server with its UI,
// workers and API as real processes, a first pipeline run, and Ctrl-C leaving nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.ts';

const bin = fileURLToPath(new URL('../../bin/refinery', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'refinery-dev-test-'));
let running: ChildProcess | undefined;
// A failed assertion must not leave the stack running: Ctrl-C it as a person would, then kill
// whatever is still alive.
afterAll(async () => {
  const dev = running;
  if (dev && dev.exitCode === null) {
    const children = descendants(dev.pid!);
    const gone = new Promise((r) => dev.once('exit', r));
    dev.kill('SIGINT');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
    for (const pid of [dev.pid!, ...children].filter(alive)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
    }
  }
  rmSync(home, { recursive: true, force: true });
});

/** Every live process whose ancestry includes pid (from /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const found: number[] = [];
  for (const [child] of parents) {
    for (let p = parents.get(child); p; p = parents.get(p)) {
      if (p === pid) {
        found.push(child);
        break;
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('refinery dev', () => {
  it('brings the stack up, runs a pipeline, prints the URLs, and stops everything on Ctrl-C', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, REFINERY_HOME: home, API_PORT: '0', LOG_LEVEL: 'warn' };
    for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'WORKER_DATABASE_URL', 'INGEST_DATABASE_URL', 'API_DATABASE_URL']) delete env[k];
    const dev = spawn(process.execPath, [bin, 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running = dev;
    let output = '';
    dev.stdout.on('data', (d) => (output += d));
    dev.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));

    // npm start's whole show: the demo, three simulated days through the sensor pipeline, the tournament.
    const deadline = Date.now() + 360_000;
    while (!/ready: open http/.test(output)) {
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`dev did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const api = /API\s+(http:\/\/\S+)/.exec(output)![1]!;
    const ui = /Temporal UI\s+(http:\/\/\S+)/.exec(output)![1]!;
    expect(output).toMatch(/API docs\s+http:\/\/\S+\/docs/);
    expect(output).toMatch(/demo \S+: succeeded, 5 steps, [\d,]+ rows written/);
    expect(output.match(/sensor \S+: succeeded, 5 steps/g)).toHaveLength(3);
    expect(output).toMatch(/exercise-classifier v1: held-out accuracy [\d.]+, macro F1 [\d.]+; promoted/);
    expect(output).toMatch(/tournament ncaa-tournament-2026: succeeded, 11 steps/);
    expect(output).toContain('reconcilers running for demo_quality, demo_weekly, sensor, tournament');
    expect(output).not.toMatch(/did not succeed/);

    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api}/readyz`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    expect((await fetch(ui)).status).toBe(200);
    // The workers' metrics ports: the sample runs moved the step counters of both queues.
    const [, ioMetrics, computeMetrics] = /Worker metrics\s+(http:\S+) \(io\), (http:\S+) \(compute\)/.exec(output)!;
    expect(await (await fetch(ioMetrics!)).text()).toMatch(/^refinery_steps_succeeded_total\{pipeline="demo",step="land",queue="[^"]+"\} [1-9]/m);
    expect(await (await fetch(computeMetrics!)).text()).toMatch(/^refinery_steps_succeeded_total\{pipeline="demo",step="clean",queue="[^"]+"\} [1-9]/m);
    expect((await fetch(computeMetrics!.replace(/metrics$/, 'healthz'))).status).toBe(200);
    const key = /Admin API key\s+(rfy_\S+)/.exec(output)![1]!;
    expect((await fetch(`${api}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    // The demo day's success triggered its downstream pipelines through their reconcilers.
    for (const pipeline of ['demo_quality', 'demo_weekly']) {
      const runs = await until(
        `a triggered ${pipeline} run`,
        async () => {
          const res = await fetch(`${api}/v1/runs?pipeline=${pipeline}`, { headers: { authorization: `Bearer ${key}` } });
          const items = ((await res.json()) as { items: { status: string; trigger: string }[] }).items;
          return items.some((r) => r.status === 'succeeded') ? items : undefined;
        },
        90_000,
        1000,
      );
      expect(runs.map((r) => r.trigger)).toEqual(['upstream']);
    }

    const started = descendants(dev.pid!);
    expect(started.length).toBeGreaterThanOrEqual(5); // postgres (+ its backends), temporal, io, compute, api
    dev.kill('SIGINT');
    expect(await exited).toBe(0);
    // Processes that are exiting may take a moment to be reaped; anything alive after 5 s is a leak.
    for (let i = 0; i < 50 && started.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    const label = (p: number) => {
      try {
        return `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
      } catch {
        return `${p}`;
      }
    };
    expect(started.filter(alive).map(label)).toEqual([]);
    expect(output).toContain('nothing left running');
  }, 420_000);
});
