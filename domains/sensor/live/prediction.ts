// A live prediction: one window of a device classified by the production model as its readings
// arrived. The same shape goes out on the SSE stream, in the polling answer and in the ingest
// acknowledgement; its event id orders a device's predictions (1, 2, 3, …).
import { z } from '@hono/zod-openapi';

export const LivePrediction = z
  .object({
    eventId: z.number().int().openapi({ description: "the prediction's place in its device's stream (1, 2, 3, …); the SSE event id" }),
    deviceId: z.string(),
    sessionId: z.string().nullable(),
    day: z.string().openapi({ description: 'the UTC day of the window (the batch pipeline’s partition)', example: '2026-11-23' }),
    windowIndex: z.number().int().openapi({ description: "the window's index among its device's windows of the day (the batch pipeline's window_index)" }),
    startTs: z.string().openapi({ format: 'date-time' }),
    endTs: z.string().openapi({ format: 'date-time' }),
    model: z.string(),
    version: z.number().int(),
    modelVersionId: z.number().int(),
    predicted: z.string().openapi({ example: 'squat' }),
    probability: z.number(),
    probabilities: z.record(z.string(), z.number()).openapi({ description: 'every class, rounded to 6 decimals' }),
    classifiedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('LivePrediction');

export type LivePrediction = z.infer<typeof LivePrediction>;
