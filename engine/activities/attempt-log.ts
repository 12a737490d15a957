// The log of one step attempt: lines a step writes through its logger (`deps.log`) are kept per
// attempt, redacted, bounded to the last 2,000 lines or 1 MiB (older lines are dropped; the reader
// shows how many), and flushed to ops.step_logs every second and when the attempt ends. A step that
// logs nothing costs nothing: no timer, no write.
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';
import { appendStepLog, type AttemptKey, type LogLine } from '../history/step-logs.ts';
import type { Queryable } from '../../lib/db/pool.ts';
import { redactFields, redactText } from '../../lib/redact.ts';

export const LOG_LIMITS = { lines: 2000, bytes: 1024 * 1024, lineBytes: 16 * 1024 };

const LEVELS: Record<number, LogLine['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export class AttemptLog {
  /** seq of the next line; seq counts from 1. */
  private next = 1;
  /** Lines not yet written to the database. */
  private pending: LogLine[] = [];
  /** Byte size of every kept line, oldest first, to know which to drop. */
  private kept: number[] = [];
  private keptBytes = 0;
  private firstKept = 1;
  private flushedFirstKept = 1;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flushTo: (lines: LogLine[], firstKept: number) => Promise<void>,
    private readonly limits = LOG_LIMITS,
  ) {}

  add(level: LogLine['level'], message: string, fields?: Record<string, unknown>, at = new Date()): void {
    let text = redactText(message);
    if (text.length > this.limits.lineBytes) text = `${text.slice(0, this.limits.lineBytes)}… (line cut at ${this.limits.lineBytes} characters)`;
    const clean = fields && Object.keys(fields).length ? (redactFields(fields) as Record<string, unknown>) : undefined;
    const line: LogLine = { seq: this.next++, at, level, message: text, fields: clean };
    const bytes = Buffer.byteLength(text) + (clean ? Buffer.byteLength(JSON.stringify(clean)) : 0) + 32;
    this.pending.push(line);
    this.kept.push(bytes);
    this.keptBytes += bytes;
    while (this.kept.length > this.limits.lines || (this.keptBytes > this.limits.bytes && this.kept.length > 1)) {
      this.keptBytes -= this.kept.shift()!;
      this.firstKept++;
    }
    if (this.pending.length > this.limits.lines) this.pending = this.pending.filter((l) => l.seq >= this.firstKept);
    this.timer ??= setInterval(() => void this.flush(), 1000).unref();
  }

  /** Writes what is pending (never two flushes at once); errors are left to the next flush. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const lines = this.pending.filter((l) => l.seq >= this.firstKept);
    if (!lines.length && this.firstKept === this.flushedFirstKept) return Promise.resolve();
    this.pending = [];
    const firstKept = this.firstKept;
    this.flushing = this.flushTo(lines, firstKept)
      .then(
        () => {
          this.flushedFirstKept = firstKept;
        },
        () => {
          this.pending = [...lines, ...this.pending];
        },
      )
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and writes the rest. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }
}

const current = new AsyncLocalStorage<AttemptLog>();

/** Runs a step's code with its attempt log as the destination of the step logger's lines. */
export function withAttemptLog<T>(log: AttemptLog, fn: () => Promise<T>): Promise<T> {
  return current.run(log, fn);
}

export function attemptLogFor(db: Queryable, key: AttemptKey): AttemptLog {
  return new AttemptLog((lines, firstKept) => appendStepLog(db, key, lines, firstKept));
}

const META = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * The logger steps get as `deps.log`: every line at debug or above goes to the current attempt's
 * log, and lines at or above the worker's own level also to the worker's output.
 */
export function createStepLogger(workerLog: Logger): Logger {
  const threshold = workerLog.levels.values[workerLog.level] ?? 30;
  return pino(
    { name: 'step', level: 'debug', base: undefined },
    {
      write(json: string) {
        const parsed = JSON.parse(json) as Record<string, unknown>;
        const level = Number(parsed.level);
        if (level >= threshold) process.stdout.write(redactText(json));
        const log = current.getStore();
        if (!log) return;
        const fields = Object.fromEntries(Object.entries(parsed).filter(([k]) => !META.has(k)));
        log.add(LEVELS[level] ?? 'info', String(parsed.msg ?? ''), fields, new Date(Number(parsed.time)));
      },
    },
  );
}
