// The API's one error shape, { "error": { code, message, details? } }, and the typed errors
// routes throw instead of building error responses inline.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import type { Logger } from '../lib/log.ts';

export const errorCodes = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  500: 'internal',
  503: 'unavailable',
} as const;

export type ErrorStatus = keyof typeof errorCodes;

export interface ErrorDetail {
  /** Where the problem is, e.g. "readings[3].ax" or "query.limit". */
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly details?: ErrorDetail[],
    readonly code: string = errorCodes[status],
  ) {
    super(message);
  }
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'bad_request' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

export function errorBody(c: Context, status: ErrorStatus, message: string, details?: ErrorDetail[], code?: string) {
  const requestId = c.get('requestId' as never) as string | undefined;
  return { error: { code: code ?? errorCodes[status], message, ...(details?.length ? { details } : {}), ...(requestId ? { requestId } : {}) } };
}

/** Turns a zod failure into details that name each field by its path (readings[3].ax). */
export function zodDetails(error: z.ZodError, prefix?: string): ErrorDetail[] {
  const path = (parts: PropertyKey[]) => {
    let field = prefix ?? '';
    for (const part of parts) field += typeof part === 'number' ? `[${part}]` : field ? `.${String(part)}` : String(part);
    return field;
  };
  const details = (issues: readonly z.core.$ZodIssue[], at: PropertyKey[]): ErrorDetail[] =>
    issues.flatMap((issue) => {
      const where = [...at, ...issue.path];
      // An unknown key is reported once per key, named, so a typo in a filter is easy to spot.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({ field: path([...where, key]), reason: prefix === 'query' ? 'is not a known parameter' : 'is not a known field' }));
      }
      // A value in one of several shapes (a flat or a nested reading): name the problems of the shape
      // it came closest to, unless it is none of them at all.
      if (issue.code === 'invalid_union' && issue.errors.length) {
        // Fields of another shape weigh most: an object with `ax` is a flat reading gone wrong.
        const distance = (branch: readonly z.core.$ZodIssue[]) => branch.reduce((d, i) => d + (i.code === 'unrecognized_keys' ? 10 * i.keys.length : 1), 0);
        const closest = issue.errors.reduce((a, b) => (distance(b) < distance(a) ? b : a));
        const notEvenClose = issue.errors.every((branch) => branch.every((i) => i.path.length === 0));
        if (!notEvenClose) return details(closest, where);
      }
      return [{ field: path(where) || '(body)', reason: issue.message }];
    });
  return details(error.issues, []);
}

export function onError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ApiError) {
      return c.json(errorBody(c, err.status, err.message, err.details, err.code), err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      const status = (err.status in errorCodes ? err.status : 500) as ErrorStatus;
      return c.json(errorBody(c, status, err.message || errorCodes[status]), status as ContentfulStatusCode);
    }
    // A statement_timeout or a pool that cannot connect is "try again", not a server bug.
    const code = (err as { code?: string }).code;
    if (code === '57014' || /timeout|ECONNREFUSED|Connection terminated/i.test(err.message)) {
      log.warn({ err: err.message, requestId: c.get('requestId' as never) }, 'dependency unavailable');
      return c.json(errorBody(c, 503, 'a dependency is unavailable or too slow; retry later'), 503);
    }
    log.error({ err, requestId: c.get('requestId' as never) }, 'unhandled error');
    return c.json(errorBody(c, 500, 'internal error'), 500);
  };
}
