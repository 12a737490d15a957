// A promise per key, reused for a moment: concurrent and repeated asks within `ttlMs` share one
// computation, a failed one is forgotten at once, and the map is emptied past `max` keys.
export class TtlMemo<T> {
  private entries = new Map<string, { until: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    if (this.entries.size >= this.max) this.entries.clear();
    const value = compute();
    this.entries.set(key, { until: Date.now() + this.ttlMs, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
