// Refinery's own worker metrics, per pipeline and step: attempts started, succeeded and failed,
// rows written, and attempt duration. The step runner reports every attempt here; the worker
// serves the registry on its metrics port next to the Temporal SDK's metrics.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface StepAttemptLabels {
  pipeline: string;
  step: string;
  queue: string;
}

export interface StepMetrics {
  started(labels: StepAttemptLabels): void;
  finished(labels: StepAttemptLabels, outcome: 'succeeded' | 'failed' | 'cancelled', seconds: number, rowsWritten: number): void;
}

export function createStepMetrics(registry: Registry): StepMetrics {
  const labelNames = ['pipeline', 'step', 'queue'] as const;
  const registers = [registry];
  const started = new Counter({ name: 'refinery_steps_started_total', help: 'Step attempts started', labelNames, registers });
  const succeeded = new Counter({ name: 'refinery_steps_succeeded_total', help: 'Step attempts that succeeded (checks passed)', labelNames, registers });
  const failed = new Counter({
    name: 'refinery_steps_failed_total',
    help: 'Step attempts that failed or were cancelled (Temporal may retry them)',
    labelNames: [...labelNames, 'outcome'] as const,
    registers,
  });
  const rows = new Counter({ name: 'refinery_rows_written_total', help: 'Rows written by succeeded step attempts', labelNames, registers });
  const duration = new Histogram({
    name: 'refinery_step_duration_seconds',
    help: 'Step attempt duration, checks included, by outcome',
    labelNames: [...labelNames, 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers,
  });
  return {
    started: (labels) => started.inc(labels),
    finished(labels, outcome, seconds, rowsWritten) {
      duration.observe({ ...labels, outcome }, seconds);
      if (outcome === 'succeeded') {
        succeeded.inc(labels);
        if (rowsWritten > 0) rows.inc(labels, rowsWritten);
      } else failed.inc({ ...labels, outcome });
    },
  };
}
