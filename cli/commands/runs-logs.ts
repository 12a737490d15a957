// `refinery runs logs RUN [--step S] [--attempt N] [--follow]`: step logs per attempt from ops,
// with each failed attempt's error, stack and causes; --follow prints new lines until the run ends.
import type { Command } from 'commander';
import { getRun, runStepIds } from '../../engine/history/run-queries.ts';
import { readStepLogs, type AttemptLogs, type LogLine } from '../../engine/history/step-logs.ts';
import type { Pool } from '../../lib/db/pool.ts';
import { positiveInt, printJson, withReaderPool } from '../context.ts';
import { UserError } from '../user-error.ts';

function fields(f: LogLine['fields']): string {
  if (!f) return '';
  return Object.entries(f)
    .filter(([k]) => k !== 'stack' && k !== 'causes' && k !== 'type')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function formatLine(l: LogLine): string {
  return `${l.at.toISOString().slice(11, 23)} ${l.level.toUpperCase().padEnd(5)} ${l.message}${fields(l.fields) ? `  ${fields(l.fields)}` : ''}`;
}

function printAttempt(step: string, a: AttemptLogs, of: number): void {
  console.log(`── ${step} · attempt ${a.attempt} of ${of} · ${a.status} ──`);
  if (a.dropped) console.log(`   … ${a.dropped} earlier lines dropped (an attempt keeps its last 2,000 lines or 1 MiB)`);
  for (const l of a.lines) console.log(formatLine(l));
  if (a.error && a.status !== 'running') {
    console.log(`${a.error.type}: ${a.error.message}`);
    if (a.error.stack) console.log(a.error.stack.split('\n').slice(1).join('\n'));
    for (const c of a.error.causes) {
      console.log(`Caused by ${c.type}: ${c.message}`);
      if (c.stack) console.log(c.stack.split('\n').slice(1).join('\n'));
    }
  }
}

interface LogsOptions {
  step?: string;
  attempt?: number;
  follow?: boolean;
  json?: boolean;
}

async function follow(pool: Pool, runId: number, steps: string[], opts: LogsOptions): Promise<void> {
  const last = new Map<string, number>();
  const announced = new Set<string>();
  for (;;) {
    const run = await getRun(pool, runId);
    for (const step of steps) {
      for (const a of await readStepLogs(pool, runId, step, { attempt: opts.attempt })) {
        const key = `${step}#${a.attempt}`;
        const fresh = a.lines.filter((l) => l.seq > (last.get(key) ?? 0));
        if (!announced.has(key) && (fresh.length || a.status !== 'running')) {
          console.log(`── ${step} · attempt ${a.attempt} ──`);
          announced.add(key);
        }
        for (const l of fresh) console.log(formatLine(l));
        if (fresh.length) last.set(key, fresh[fresh.length - 1]!.seq);
        if (a.error && a.status !== 'running' && !announced.has(`${key}!`)) {
          announced.add(`${key}!`);
          console.log(`${a.error.type}: ${a.error.message}`);
          if (a.error.stack) console.log(a.error.stack.split('\n').slice(1).join('\n'));
          for (const c of a.error.causes) console.log(`Caused by ${c.type}: ${c.message}`);
        }
      }
    }
    if (!run || run.status !== 'running') return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function registerRunLogsCommand(runs: Command): void {
  runs
    .command('logs <run>')
    .description('step logs of a run (by id or workflow id), per attempt, with errors, stacks and causes')
    .option('--step <id>', 'only this step')
    .option('--attempt <n>', 'only this attempt', positiveInt('--attempt'))
    .option('--follow', 'keep printing new lines until the run ends')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: LogsOptions) => {
      await withReaderPool(async (pool) => {
        const run = await getRun(pool, id);
        if (!run) throw new UserError(`no run ${id}`);
        // From the run's definition: --follow may name, or must show, a step that has not started yet.
        const defined = await runStepIds(pool, run.id);
        const known = [...defined, ...run.steps.map((s) => s.stepId).filter((s) => !defined.includes(s))];
        if (opts.step && !known.includes(opts.step)) throw new UserError(`--step: run ${run.id} has no step "${opts.step}" (steps: ${known.join(', ')})`);
        const steps = opts.step ? [opts.step] : known;
        if (opts.follow) return follow(pool, run.id, steps, opts);
        const logs = await Promise.all(steps.map(async (step) => ({ step, attempts: await readStepLogs(pool, run.id, step, { attempt: opts.attempt }) })));
        if (opts.json) return printJson({ runId: run.id, steps: logs });
        const shown = logs.filter((l) => l.attempts.some((a) => a.lines.length || a.error));
        if (!shown.length) return console.log(`run ${run.id}: no step logged anything${opts.attempt ? ` in attempt ${opts.attempt}` : ''}`);
        for (const { step, attempts } of shown) {
          const total = Math.max(...attempts.map((a) => a.attempt));
          for (const a of attempts) printAttempt(step, a, total);
        }
      });
    });
}
