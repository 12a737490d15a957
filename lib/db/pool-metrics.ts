// A Prometheus gauge of PostgreSQL pool usage (total, idle, waiting per pool), read at scrape time.
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from './pool.ts';

export function registerPoolGauge(registry: Registry, pools: Record<string, Pool>): void {
  new Gauge({
    name: 'refinery_db_pool_connections',
    help: 'PostgreSQL pool connections by pool and state',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
    collect() {
      for (const [name, pool] of Object.entries(pools)) {
        this.set({ pool: name, state: 'total' }, pool.totalCount);
        this.set({ pool: name, state: 'idle' }, pool.idleCount);
        this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
      }
    },
  });
}
