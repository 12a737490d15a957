// The live path in /metrics, read at scrape time: windows classified, late readings, time spent
// classifying inside ingest transactions, device tails locked without reading them back and read back, failures (readings landed without classification), and
// this process's SSE streams and listening-connection losses.
import { Gauge, type Registry } from 'prom-client';
import type { LiveStats } from './classifier.ts';
import type { LiveHub } from './hub.ts';

export function registerLiveMetrics(registry: Registry, sources: { stats?: LiveStats; failures: () => number; hub: LiveHub }): void {
  new Gauge({
    name: 'refinery_live',
    help: 'Live classification in this API process since it started, by measure (windows, predictions, late_readings, classify_seconds, tails_remembered, tails_read, failures, streams, reconnects)',
    labelNames: ['measure'] as const,
    registers: [registry],
    collect() {
      const { stats, hub } = sources;
      if (stats) {
        this.set({ measure: 'windows' }, stats.windows);
        this.set({ measure: 'predictions' }, stats.predictions);
        this.set({ measure: 'late_readings' }, stats.lateReadings);
        this.set({ measure: 'classify_seconds' }, stats.busyMs / 1000);
        this.set({ measure: 'tails_remembered' }, stats.tailHits);
        this.set({ measure: 'tails_read' }, stats.tailMisses);
      }
      this.set({ measure: 'failures' }, sources.failures());
      this.set({ measure: 'streams' }, hub.size);
      this.set({ measure: 'reconnects' }, hub.stats.reconnects);
    },
  });
}
