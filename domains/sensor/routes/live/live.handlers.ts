// Handlers for a device's live predictions. The SSE stream subscribes to this process's LiveHub and
// writes each prediction as it is delivered; a client too slow to keep up (a long queue) has its
// stream ended and resumes from the database with Last-Event-ID, so it loses nothing and the
// server's memory stays bounded.
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../../../../api/errors.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppEnv } from '../../../../api/types.ts';
import type { Pool } from '../../../../lib/db/pool.ts';
import type { LiveHub } from '../../live/hub.ts';
import type { LivePrediction } from '../../live/prediction.ts';
import { latestPredictions, newestEventId, predictionsAfter } from '../../live/predictions.ts';
import type * as routes from './live.routes.ts';

const KEEPALIVE_MS = 15_000;
/** Predictions waiting for one slow client before its stream is ended. */
const MAX_QUEUED = 1_000;

function mayRead(principal: AppEnv['Variables']['principal'], deviceId: string): void {
  if (principal.role === 'device' && principal.deviceId !== deviceId) {
    throw new ApiError(403, `this key may only read device ${principal.deviceId}`, [
      { field: 'path.deviceId', reason: `is not this key's device (${principal.deviceId})` },
    ]);
  }
}

export function liveHandlers(db: Pool, hub: LiveHub) {
  const live: AppRouteHandler<typeof routes.live> = async (c) => {
    const { deviceId } = c.req.valid('param');
    mayRead(c.get('principal'), deviceId);
    const { maxSeconds } = c.req.valid('query');
    const resumeAfter = c.req.valid('header')['last-event-id'];
    const after = resumeAfter ?? (await newestEventId(db, deviceId));
    const queue: LivePrediction[] = [];
    let overflow = false;
    let ended = false;
    let wake: (() => void) | null = null;
    const unsubscribe = await hub.subscribe(
      deviceId,
      after,
      (p) => {
        if (queue.length >= MAX_QUEUED) overflow = true;
        else queue.push(p);
        wake?.();
      },
      () => {
        ended = true;
        wake?.();
      },
    );
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => {
        ended = true;
        wake?.();
      });
      const deadline = Date.now() + maxSeconds * 1000;
      try {
        await stream.write(`retry: 1000\n: live predictions of ${deviceId} after event ${after}\n\n`);
        while (!ended && !stream.aborted && !overflow && Date.now() < deadline) {
          while (queue.length && !stream.aborted) {
            const p = queue.shift()!;
            await stream.writeSSE({ event: 'prediction', id: String(p.eventId), data: JSON.stringify(p) });
          }
          const waited = await new Promise<'woken' | 'idle'>((resolve) => {
            const timer = setTimeout(() => resolve('idle'), Math.min(KEEPALIVE_MS, Math.max(0, deadline - Date.now())));
            wake = () => {
              clearTimeout(timer);
              resolve('woken');
            };
          });
          wake = null;
          if (waited === 'idle' && !stream.aborted) await stream.write(': keepalive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  };

  const predictions: AppRouteHandler<typeof routes.predictions> = async (c) => {
    const { deviceId } = c.req.valid('param');
    mayRead(c.get('principal'), deviceId);
    const { since, limit } = c.req.valid('query');
    const items = since === undefined ? await latestPredictions(db, deviceId, limit) : await predictionsAfter(db, deviceId, since, limit);
    return c.json({ deviceId, items, lastEventId: items.at(-1)?.eventId ?? since ?? 0 }, 200);
  };

  return { live, predictions };
}
