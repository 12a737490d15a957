// Child processes of the dev stack: started with their output prefixed, stopped together on exit.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  alive(): boolean;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Receives each line the child prints (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Run as this user (root starting postgres). */
  uid?: number;
  gid?: number;
}

export function spawnChild(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      resolve(code ?? signal ?? 'unknown');
    });
    child.on('error', (e) => {
      running = false;
      options.onLine?.(`failed to start: ${e.message}`);
      resolve('spawn-error');
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine?.(line);
    });
  }
  return { name, process: child, exited, alive: () => running };
}

/** Sends `signal` (SIGTERM), then SIGKILL after graceMs, and waits for the process to end. */
export async function stopChild(child: Child, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child.alive()) return;
  child.process.kill(signal);
  const timer = setTimeout(() => child.alive() && child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}
