// psql as an anchor, timed the way our side is: one session opened and logged in before the clock
// starts, then each \copy timed from sending the command to psql's echo that it finished, so
// process start and login are outside the measurement (as our pool's connections are).
import { spawn } from 'node:child_process';

export interface PsqlSession {
  /** Seconds for `\copy table (columns) from 'file'` in the open session. */
  copyFrom(table: string, columns: readonly string[], file: string): Promise<number>;
  close(): Promise<void>;
}

export async function openPsql(url: string): Promise<PsqlSession> {
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let waiting: { marker: string; resolve: () => void; reject: (e: Error) => void } | undefined;
  const check = () => {
    if (waiting && out.includes(waiting.marker)) {
      const w = waiting;
      waiting = undefined;
      out = '';
      w.resolve();
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.on('exit', (code) => waiting?.reject(new Error(`psql exited (${code}): ${err.trim()}`)));
  let n = 0;
  const run = (command: string) =>
    new Promise<void>((resolve, reject) => {
      const marker = `__refinery_bench_${n++}__`;
      waiting = { marker, resolve, reject };
      child.stdin.write(`${command}\n\\echo ${marker}\n`);
    });
  await run('SELECT 1;'); // logged in and ready before anything is timed
  return {
    async copyFrom(table, columns, file) {
      const started = process.hrtime.bigint();
      await run(`\\copy ${table} (${columns.join(', ')}) from '${file}'`);
      return Number(process.hrtime.bigint() - started) / 1e9;
    },
    async close() {
      child.stdin.end('\\q\n');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
