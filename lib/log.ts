// Structured logs (pino, JSON lines on stdout). `refinery dev` renders child processes' lines for humans.
import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

export function createLogger(level: Config['logLevel'], name: string): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    // Never log credentials, wherever they turn up in a logged object.
    redact: {
      paths: ['authorization', 'req.headers.authorization', 'headers.authorization', '*.password', 'password', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
