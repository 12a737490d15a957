// How a device posts to the ingest API: each batch keeps its batch id across retries, so a batch
// whose acknowledgement was lost (timeout, restart) is stored once and acknowledged as a duplicate.
// Retries network errors, 5xx and 429 with capped exponential backoff; a 4xx is the batch's fault.

export interface DeviceClientOptions {
  /** Give up on a batch after this long (default 2 minutes). */
  deadlineMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  maxBackoffMs?: number;
}

export interface Delivery {
  status: 'stored' | 'duplicate';
  /** The acknowledgement as the API sent it (server time, the newest live prediction, …). */
  ack: Record<string, unknown>;
  attempts: number;
  /** Failed attempts by cause, e.g. { '503': 2, network: 1 }. */
  failures: Record<string, number>;
}

export class BatchRejected extends Error {
  override name = 'BatchRejected';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`the API refused the batch with ${status}: ${JSON.stringify(body)}`);
  }
}

export class DeviceClient {
  constructor(
    /** The API's URL, or a function giving the current one (it may move, e.g. after a restart). */
    private readonly baseUrl: string | (() => string),
    private readonly token: string,
    private readonly options: DeviceClientOptions = {},
  ) {}

  post(path: '/v1/ingest/readings' | '/v1/ingest/sessions', body: unknown): Promise<Delivery> {
    return this.deliver(path, JSON.stringify(body));
  }

  private async deliver(path: string, text: string): Promise<Delivery> {
    const deadline = Date.now() + (this.options.deadlineMs ?? 120_000);
    const failures: Record<string, number> = {};
    for (let attempt = 1; ; attempt++) {
      let cause: string;
      try {
        const base = typeof this.baseUrl === 'function' ? this.baseUrl() : this.baseUrl;
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          body: text,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        const body = (await res.json().catch(() => null)) as ({ status?: 'stored' | 'duplicate' } & Record<string, unknown>) | null;
        if (res.status === 201 || res.status === 200) return { status: body!.status!, ack: body!, attempts: attempt, failures };
        if (res.status < 500 && res.status !== 429) throw new BatchRejected(res.status, body);
        cause = String(res.status);
      } catch (e) {
        if (e instanceof BatchRejected) throw e;
        cause = (e as Error).name === 'TimeoutError' ? 'timeout' : 'network';
      }
      failures[cause] = (failures[cause] ?? 0) + 1;
      if (Date.now() > deadline) throw new Error(`gave up after ${attempt} attempts: ${JSON.stringify(failures)}`);
      const backoff = Math.min(this.options.maxBackoffMs ?? 2000, 50 * 2 ** Math.min(attempt, 8));
      await new Promise((r) => setTimeout(r, backoff * (0.5 + Math.random() / 2)));
    }
  }
}
