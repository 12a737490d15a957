// The Temporal SDK's process-wide runtime: its logs (the TypeScript side and the native core) go
// through the process's pino logger as JSON lines like everything else, and its metrics, when the
// worker serves them, are exported in Prometheus format on a loopback port the worker's own
// metrics endpoint reads (engine/temporal/worker-monitor.ts). Installed once, before any connection.
import { Runtime, type LogLevel as TemporalLevel, type Logger as TemporalLogger, type LogMetadata } from '@temporalio/worker';
import type { Config } from '../../lib/config.ts';
import { createLogger, type Logger } from '../../lib/log.ts';

const order: TemporalLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Temporal's own chatter stays at warn and above unless the process logs at debug or trace. */
function thresholdFor(level: Config['logLevel']): TemporalLevel {
  return level === 'trace' ? 'TRACE' : level === 'debug' ? 'DEBUG' : level === 'fatal' || level === 'error' || level === 'silent' ? 'ERROR' : 'WARN';
}

/** The SDK's Logger interface over pino: `{ "name": ..., "sdkComponent": "worker", "msg": ... }`. */
export function temporalLogger(log: Logger, level: Config['logLevel']): TemporalLogger {
  const min = order.indexOf(thresholdFor(level));
  const write = (lvl: TemporalLevel, message: string, meta?: LogMetadata) => {
    if (order.indexOf(lvl) < min) return;
    // String keys only: the SDK adds a symbol-keyed nanosecond timestamp pino cannot serialise.
    const fields = meta ? Object.fromEntries(Object.entries(meta)) : {};
    const target = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
    log[target[lvl]]({ temporal: true, ...fields }, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}

let installed = false;

export interface RuntimeOptions {
  /** The process's logger; by default a new one named "temporal". */
  log?: Logger;
  /** host:port for the SDK's Prometheus exporter (loopback; the worker's endpoint re-serves it). */
  metricsBindAddress?: string;
}

/** Installs the runtime once per process; later calls are no-ops (tests start many workers). */
export function installRuntime(level: Config['logLevel'], options: RuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const threshold = thresholdFor(level);
  Runtime.install({
    logger: temporalLogger(options.log ?? createLogger(level, 'temporal'), level),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: threshold, other: 'ERROR' } },
      ...(options.metricsBindAddress
        ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
}
