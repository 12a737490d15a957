// Growing a forest's trees on worker threads. The binned data goes to every worker in one
// SharedArrayBuffer (no copies); each worker grows a contiguous range of tree indices, and since a
// tree's randomness depends only on (seed, index), the forest equals the single-threaded one.
import { Worker } from 'node:worker_threads';
import type { Binned } from './binning.ts';
import type { Grown, Resolved } from './forest.ts';
import type { Target } from './tree.ts';

export interface WorkerJob {
  bins: Uint8Array;
  rows: number;
  cols: number;
  edges: Float64Array[];
  target: Target;
  options: Resolved;
  from: number;
  to: number;
}

function shared<T extends Uint8Array | Int32Array | Float64Array>(a: T): T {
  const Type = a.constructor as { new (b: SharedArrayBuffer): T };
  const copy = new Type(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

export async function growInThreads(data: Binned, target: Target, options: Resolved, threads: number): Promise<Grown[]> {
  const total = options.nEstimators;
  const count = Math.max(1, Math.min(threads, total));
  const bins = shared(data.bins);
  const y = shared(target.y);
  const sharedTarget = { ...target, y } as Target;
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);
  const jobs: Promise<Grown[]>[] = [];
  for (let w = 0; w < count; w++) {
    const from = Math.floor((w * total) / count);
    const to = Math.floor(((w + 1) * total) / count);
    const job: WorkerJob = { bins, rows: data.rows, cols: data.cols, edges: data.edges, target: sharedTarget, options, from, to };
    jobs.push(
      new Promise((resolve, reject) => {
        const worker = new Worker(url, { workerData: job });
        worker.once('message', (grown: Grown[]) => {
          resolve(grown);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`forest worker exited with code ${code}`));
        });
      }),
    );
  }
  return (await Promise.all(jobs)).flat();
}
