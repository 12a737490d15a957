// The worker's monitoring endpoint: GET /metrics serves Refinery's own metrics (steps, rows,
// durations, the database pool, the process) followed by the Temporal SDK's (task slots, poll and
// schedule-to-start latencies, sticky cache...) read from the SDK's loopback exporter; GET /healthz
// answers 200 while every worker of the process is running and 503 otherwise.
import { createServer, type Server } from 'node:http';
import type { Worker } from '@temporalio/worker';
import type { Registry } from 'prom-client';

export interface WorkerMonitor {
  url: string;
  close(): Promise<void>;
}

export interface WorkerMonitorOptions {
  host: string;
  port: number;
  registry: Registry;
  workers: { queue: string; worker: Worker }[];
  /** http://127.0.0.1:PORT/metrics of the SDK's Prometheus exporter. */
  sdkMetricsUrl?: string;
}

async function sdkMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : `# Temporal SDK metrics unavailable: HTTP ${res.status}\n`;
  } catch (e) {
    return `# Temporal SDK metrics unavailable: ${(e as Error).message}\n`;
  }
}

export async function startWorkerMonitor(options: WorkerMonitorOptions): Promise<WorkerMonitor> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      void Promise.all([options.registry.metrics(), sdkMetrics(options.sdkMetricsUrl)]).then(
        ([ours, sdk]) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(`${ours}\n${sdk}`),
        (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${e.message}\n`),
      );
    } else if (path === '/healthz') {
      const workers = options.workers.map((w) => ({ queue: w.queue, state: w.worker.getState() }));
      const ok = workers.every((w) => w.state === 'RUNNING');
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', workers }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `WORKER_METRICS_PORT: ${options.port} is already in use` : `WORKER_METRICS_PORT: ${e.message}`)),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
