// Deterministic synthetic events for the foundation's first workflow and the demo pipeline:
// the same partition and seed always give the same rows.

export interface DemoEvent {
  partitionDate: string;
  eventId: number;
  source: string;
  value: number;
  attributes: Record<string, unknown>;
  occurredAt: Date;
}

const SOURCES = ['sensor-a', 'sensor-b', 'gateway', 'batch\tfeed', 'legacy "csv"\nexport'];

/** A small, fast seeded PRNG (mulberry32); good enough for synthetic data, not for cryptography. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* demoEvents(partitionDate: string, count: number, seed = 1): Generator<DemoEvent> {
  const dayStart = Date.parse(`${partitionDate}T00:00:00Z`);
  if (!Number.isFinite(dayStart)) throw new Error(`partition ${partitionDate}: not a date (YYYY-MM-DD)`);
  const random = mulberry32(seed ^ (dayStart / 86_400_000));
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
