// Worker-thread entry: grows one range of a forest's trees (see parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { growTrees } from './forest.ts';
import type { WorkerJob } from './parallel.ts';

const job = workerData as WorkerJob;
const grown = growTrees({ bins: job.bins, rows: job.rows, cols: job.cols, edges: job.edges }, job.target, job.options, job.from, job.to);
const transfer = grown.flatMap((g) => [
  g.tree.feature.buffer,
  g.tree.threshold.buffer,
  g.tree.left.buffer,
  g.tree.right.buffer,
  g.tree.values.buffer,
  g.inBag.buffer,
  g.importance.buffer,
]);
parentPort!.postMessage(grown, transfer as ArrayBuffer[]);
