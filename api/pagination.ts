// Keyset pagination with opaque cursors: a cursor is the sort key of the last item of a page,
// base64url-encoded; the next page starts strictly after it, so no row is lost or repeated even
// while new rows arrive.
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors.ts';

export const MAX_LIMIT = 200;

export const pageQuery = {
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
    .default(50)
    .openapi({ description: `items per page (1–${MAX_LIMIT})` }),
  cursor: z.string().max(512, 'is too long').optional().openapi({ description: 'nextCursor of the previous page' }),
};

export type CursorKey = (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside a cursor, checked against the shape this endpoint sorts by. */
export function decodeCursor(cursor: string | undefined, shape: ('string' | 'number')[]): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i])) return key as CursorKey;
  } catch {
    /* falls through */
  }
  throw new ApiError(400, 'the request is not valid', [{ field: 'query.cursor', reason: 'is not a cursor from this endpoint' }]);
}

/** Rows fetched with limit + 1: the page, and a cursor when there is more. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
