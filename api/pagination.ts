// Keyset pagination with cursors: a cursor is the sort key of the last item of a page, one part per
// sort column joined by '.', each part in a form whose pattern the OpenAPI document declares and
// every string of which decodes to a key (so any schema-valid cursor gets a page, never a 400).
import { z } from '@hono/zod-openapi';

export const MAX_LIMIT = 200;

/** How one sort column travels in a cursor: a pattern, and a decoder total on strings matching it. */
interface CursorPart<T> {
  pattern: string;
  encode(value: T): string;
  decode(part: string): T;
}

const wholeNumber = (digits: number): CursorPart<number> => ({
  pattern: `[0-9]{1,${digits}}`,
  encode: String,
  decode: Number,
});

export const cursorParts = {
  /** A row id (below 10^15, so a whole JavaScript number). */
  id: wholeNumber(15),
  /** A calendar year, as PostgreSQL's integer holds it. */
  year: wholeNumber(4),
  /** An instant, as epoch milliseconds (up to the year 2286). */
  time: {
    pattern: '[0-9]{1,13}',
    encode: (d: Date) => String(d.getTime()),
    decode: (s: string) => new Date(Number(s)),
  } satisfies CursorPart<Date>,
  /** A float8, as its 16 hexadecimal IEEE-754 digits: exact, and every pattern is some double (NaN and ±Infinity included). */
  float: {
    pattern: '[0-9a-f]{16}',
    encode: (n: number) => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(n);
      return b.toString('hex');
    },
    decode: (s: string) => Buffer.from(s, 'hex').readDoubleBE(0),
  } satisfies CursorPart<number>,
  /** Text, base64url-encoded UTF-8; bytes that are not UTF-8 decode to U+FFFD, NUL (which no stored key holds) is dropped. */
  text: {
    pattern: '[A-Za-z0-9_-]{0,400}',
    encode: (s: string) => Buffer.from(s, 'utf8').toString('base64url'),
    decode: (s: string) => Buffer.from(s, 'base64url').toString('utf8').replaceAll('\u0000', ''),
  } satisfies CursorPart<string>,
};

/** Any part: its encoder takes its own value type, its decoder gives it back. */
type SomePart = { pattern: string; encode(value: never): string; decode(part: string): unknown };
type Decoded<P> = { -readonly [I in keyof P]: P[I] extends { decode(part: string): infer T } ? T : never };

/** A cursor over the given sort columns: its query parameter (declared pattern, decoded tuple) and its encoder. */
export function cursorOf<const P extends readonly SomePart[]>(...parts: P) {
  const pattern = `^${parts.map((p) => p.pattern).join('\\.')}$`;
  const param = z
    .string()
    .regex(new RegExp(pattern), 'is not a cursor from this endpoint')
    .transform((s) => {
      const pieces = s.split('.');
      return parts.map((p, i) => p.decode(pieces[i]!)) as Decoded<P>;
    })
    .optional()
    .openapi({ type: 'string', pattern, description: 'nextCursor of the previous page' });
  const encode = (key: Decoded<P>) => parts.map((p, i) => (p.encode as (v: unknown) => string)(key[i])).join('.');
  return { pattern, param, encode };
}

export type Cursor<K> = { encode(key: K): string };

export const limitParam = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
  .default(50)
  .openapi({ description: `items per page (1–${MAX_LIMIT})` });

/** The query parameters of a paged list: limit and a cursor of this endpoint's shape. */
export const pageQuery = <T extends z.ZodType>(cursor: { param: T }) => ({ limit: limitParam, cursor: cursor.param });

/** Rows fetched with limit + 1: the page, and a cursor when there is more. */
export function pageOf<T, K>(rows: T[], limit: number, cursor: Cursor<K>, keyOf: (row: T) => K): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursor.encode(keyOf(items[items.length - 1]!)) : null };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
