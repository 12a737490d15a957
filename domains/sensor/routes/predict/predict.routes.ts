// POST /v1/predict: one window of raw readings in, the production exercise model's class
// probabilities out. Read-only: nothing is written.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { limitBody } from '../../../../api/body-limit.ts';
import { ApiError } from '../../../../api/errors.ts';
import { errorResponse, jsonContent, keyed, readErrors } from '../../../../api/openapi.ts';
import { withFastReadings } from '../../ingest/fast-readings.ts';
import { Reading } from '../../ingest/schema.ts';

export const PREDICT_MIN_READINGS = 50;
export const PREDICT_MAX_READINGS = 2_000;

const readingsOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item, { error: (i) => (i.input === undefined ? 'required' : 'must be an array') })
    .min(PREDICT_MIN_READINGS, `must hold at least ${PREDICT_MIN_READINGS} readings (one window, 1 s at 50 Hz)`)
    .max(PREDICT_MAX_READINGS, `must hold at most ${PREDICT_MAX_READINGS} readings (one window)`);

const model = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a model name such as "exercise-classifier"')
  .optional()
  .openapi({ example: 'exercise-classifier' });

const PredictRequest = withFastReadings(
  z
    .object({ model, readings: readingsOf(Reading) })
    .strict()
    .openapi('PredictRequest'),
  z.object({ model, readings: readingsOf(z.unknown()) }).strict(),
);

const Prediction = z
  .object({
    model: z.string(),
    version: z.number().int(),
    modelVersionId: z.number().int(),
    predicted: z.string(),
    probability: z.number(),
    probabilities: z.record(z.string(), z.number()),
    window: z.object({ readings: z.number().int(), durationMs: z.number(), sampleRateHz: z.number() }),
  })
  .openapi('Prediction');

export const predict = createRoute({
  method: 'post',
  path: '/',
  tags: ['sensor'],
  summary: 'Classify one window of readings with the production model (writes nothing)',
  security: keyed,
  middleware: [
    requireRole('reader', 'device'),
    limitBody(512 * 1024, () => {
      throw new ApiError(413, 'the body is larger than 512 KiB; send one window');
    }),
  ] as const,
  request: { body: { required: true, content: { 'application/json': { schema: PredictRequest } } } },
  responses: {
    200: jsonContent(Prediction, 'class probabilities'),
    ...readErrors,
    404: errorResponse('the model has no production version yet'),
    413: errorResponse('body too large'),
    422: errorResponse('too few distinct timestamps remain once duplicates are removed'),
    503: errorResponse('the database is unavailable'),
  },
});
