// Fan-out of live predictions to the SSE streams of this API process. One dedicated connection per
// process LISTENs for the ingest transactions' NOTIFY (whichever process committed them), which
// carries the predictions themselves: each goes straight to the subscribers whose cursor it
// continues. The database is the source for everything else: a subscriber catches up from it on
// subscribe (Last-Event-ID), whenever a notification skips ahead of its cursor, and after the
// listening connection is lost and re-established; one query serves every device waiting.
import pg from 'pg';
import type { Pool } from '../../../lib/db/pool.ts';
import type { Logger } from '../../../lib/log.ts';
import { LIVE_CHANNEL, predictionsAfterEach, type LiveNotification } from './predictions.ts';
import type { LivePrediction } from './prediction.ts';

interface Subscriber {
  deviceId: string;
  /** The newest event id this subscriber has been given. */
  after: number;
  deliver: (prediction: LivePrediction) => void;
  /** Called when the hub closes (the process is stopping): the stream should end. */
  end: () => void;
}

/** Predictions fetched per device per query; a device with more is fetched again at once. */
const PER_DEVICE = 500;

export class LiveHub {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly wanted = new Set<string>();
  private fetching = false;
  private closed = false;
  private retryMs = 250;
  readonly stats = { notifications: 0, queries: 0, delivered: 0, reconnects: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly connect: () => pg.Client = () => new pg.Client(pool.options),
  ) {}

  /** Subscribers now (for metrics and tests). */
  get size(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  /**
   * Delivers the device's predictions after `afterEventId`, in order, to `deliver`; resolves once
   * this process is listening, so nothing committed from then on can be missed. `end` is called if
   * the hub closes first. Returns the unsubscribe function.
   */
  async subscribe(deviceId: string, afterEventId: number, deliver: (prediction: LivePrediction) => void, end: () => void = () => {}): Promise<() => void> {
    if (this.closed) throw new Error('the API is stopping');
    await this.listen();
    const subscriber: Subscriber = { deviceId, after: afterEventId, deliver, end };
    let set = this.subscribers.get(deviceId);
    if (!set) this.subscribers.set(deviceId, (set = new Set()));
    set.add(subscriber);
    this.request([deviceId]);
    return () => {
      set.delete(subscriber);
      if (!set.size && this.subscribers.get(deviceId) === set) this.subscribers.delete(deviceId);
    };
  }

  /** Ends every stream and stops listening (the process is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.subscribers.values()) for (const s of set) s.end();
    this.subscribers.clear();
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
  }

  private listen(): Promise<void> {
    if (this.listener) return Promise.resolve();
    this.connecting ??= this.openListener().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async openListener(): Promise<void> {
    const client = this.connect();
    let lost = false;
    const onLost = (e?: Error) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = null;
      if (!this.closed) this.reconnect(e);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => this.notified(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (e) {
      lost = true;
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw e;
    }
    this.listener = client;
    this.retryMs = 250;
  }

  /** After the connection dropped: listen again, then let every subscriber catch up from the database. */
  private reconnect(cause?: Error): void {
    this.stats.reconnects++;
    this.log.warn({ err: cause?.message }, 'live predictions: listening connection lost; reconnecting');
    const again = () => {
      if (this.closed || this.listener || !this.subscribers.size) return;
      this.listen().then(
        () => this.request([...this.subscribers.keys()]),
        () => setTimeout(again, (this.retryMs = Math.min(this.retryMs * 2, 5_000))),
      );
    };
    setTimeout(again, this.retryMs);
  }

  private notified(payload: string | undefined): void {
    this.stats.notifications++;
    let message: LiveNotification;
    try {
      message = JSON.parse(payload ?? '{}') as LiveNotification;
    } catch {
      return;
    }
    const behind = new Set<string>();
    if ('p' in message) {
      for (const prediction of message.p) {
        for (const s of this.subscribers.get(prediction.deviceId) ?? []) {
          if (prediction.eventId === s.after + 1) this.give(s, prediction);
          else if (prediction.eventId > s.after + 1) behind.add(s.deviceId);
        }
      }
    } else if ('n' in message) {
      for (const [deviceId, newest] of message.n) if ([...(this.subscribers.get(deviceId) ?? [])].some((s) => s.after < newest)) behind.add(deviceId);
    }
    if (behind.size) this.request([...behind]);
  }

  private give(s: Subscriber, prediction: LivePrediction): void {
    s.after = prediction.eventId;
    this.stats.delivered++;
    s.deliver(prediction);
  }

  private request(deviceIds: string[]): void {
    for (const d of deviceIds) this.wanted.add(d);
    if (this.fetching) return;
    this.fetching = true;
    setImmediate(() => void this.fetch());
  }

  /** One query at a time for every device waiting; requests arriving meanwhile are served by the next. */
  private async fetch(): Promise<void> {
    while (this.wanted.size && !this.closed) {
      const after = new Map<string, number>();
      for (const deviceId of this.wanted) {
        const set = this.subscribers.get(deviceId);
        if (set?.size) after.set(deviceId, Math.min(...[...set].map((s) => s.after)));
      }
      this.wanted.clear();
      if (!after.size) break;
      let rows: LivePrediction[];
      try {
        this.stats.queries++;
        rows = await predictionsAfterEach(this.pool, after, PER_DEVICE);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'live predictions: fetch failed; retrying');
        for (const d of after.keys()) this.wanted.add(d);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      const counts = new Map<string, number>();
      for (const row of rows) {
        counts.set(row.deviceId, (counts.get(row.deviceId) ?? 0) + 1);
        for (const s of this.subscribers.get(row.deviceId) ?? []) if (row.eventId === s.after + 1) this.give(s, row);
      }
      for (const [deviceId, n] of counts) if (n === PER_DEVICE) this.wanted.add(deviceId);
    }
    this.fetching = false;
    // A request that arrived between the loop's last check and here.
    if (this.wanted.size && !this.closed) this.request([]);
  }
}
