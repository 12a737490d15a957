// Following a device's live predictions over Server-Sent Events, as an app would: a WHATWG
// EventSource (the `eventsource` package) with the API key in a header, which reconnects on its own
// and resumes with Last-Event-ID, so a dropped connection loses nothing.
import { EventSource } from 'eventsource';
import type { LivePrediction } from '../../domains/sensor/live/prediction.ts';

export interface FollowOptions {
  /** Resume after this event id (sent as Last-Event-ID on the first connection too). */
  lastEventId?: number;
  /** Seconds the server keeps each connection (it ends the stream after that; we reconnect). */
  maxSeconds?: number;
  onPrediction: (prediction: LivePrediction) => void;
  /** Connection trouble; the client keeps retrying unless closed. */
  onError?: (message: string) => void;
  onOpen?: () => void;
}

export interface Following {
  close(): void;
  /** Resolves once the first connection is open. */
  opened: Promise<void>;
}

export function followDevice(apiUrl: string, token: string, deviceId: string, o: FollowOptions): Following {
  const url = `${apiUrl}/v1/devices/${encodeURIComponent(deviceId)}/live${o.maxSeconds ? `?maxSeconds=${o.maxSeconds}` : ''}`;
  let first = true;
  const source = new EventSource(url, {
    fetch: (input, init) => {
      const headers: Record<string, string> = { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` };
      if (first && o.lastEventId !== undefined) headers['last-event-id'] = String(o.lastEventId);
      first = false;
      return fetch(input, { ...init, headers });
    },
  });
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => (opened = resolve));
  source.addEventListener('open', () => {
    opened();
    o.onOpen?.();
  });
  source.addEventListener('prediction', (event) => o.onPrediction(JSON.parse(event.data) as LivePrediction));
  source.addEventListener('error', (event) => o.onError?.(event.message ?? `connection error${event.code ? ` (HTTP ${event.code})` : ''}`));
  return { close: () => source.close(), opened: openedPromise };
}
