// Deterministic synthetic events for the foundation's first workflow and the demo pipeline:
// the same partition and seed always give the same rows.
import { seededRandom } from './random.ts';

export interface DemoEvent {
  partitionDate: string;
  eventId: number;
  source: string;
  value: number;
  attributes: Record<string, unknown>;
  occurredAt: Date;
}

const SOURCES = ['sensor-a', 'sensor-b', 'gateway', 'batch\tfeed', 'legacy "csv"\nexport'];

export function* demoEvents(partitionDate: string, count: number, seed = 1): Generator<DemoEvent> {
  const dayStart = Date.parse(`${partitionDate}T00:00:00Z`);
  if (!Number.isFinite(dayStart)) throw new Error(`partition ${partitionDate}: not a date (YYYY-MM-DD)`);
  const { next: random } = seededRandom(seed ^ (dayStart / 86_400_000));
  for (let i = 0; i < count; i++) {
    const source = SOURCES[Math.floor(random() * SOURCES.length)]!;
    yield {
      partitionDate,
      eventId: i + 1,
      source,
      value: Math.round((random() * 200 - 100) * 1000) / 1000,
      attributes: { quality: random() < 0.9 ? 'good' : 'suspect', note: random() < 0.1 ? 'back\\slash ✓' : null },
      occurredAt: new Date(dayStart + Math.floor(random() * 86_400_000)),
    };
  }
}
