// The OpenAPI pieces every route module shares, declared once: timestamps, JSON content, the keyed
// routes' security, the standard error and 304 responses, and the handler type a resource's
// handlers are written against (the w3cj/hono-open-api-starter shape).
import { OpenAPIHono, z, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import { ErrorSchema } from './errors.ts';
import type { AppEnv } from './types.ts';

export const Timestamp = z.string().openapi({ format: 'date-time' });

/** A row id in a path: a positive whole number up to 2^53 − 1 (what zod's int() and a JS number hold), declared as such. */
export const rowId = (what: string) =>
  z.coerce
    .number({ error: `must be ${what}` })
    .int(`must be ${what}`)
    .positive(`must be ${what}`)
    .max(Number.MAX_SAFE_INTEGER, `must be ${what}`);

/** Free text in a parameter: 1–max characters, no control characters (PostgreSQL's text holds no NUL), declared as a pattern. */
export const printable = (max: number) =>
  z.string().regex(new RegExp(`^[^\\u0000-\\u001f\\u007f]{1,${max}}$`), `must be 1–${max} characters, none of them a control character`);

/**
 * A string matching a Unicode regex (\p{L} and the like), its pattern declared as the regex's source:
 * zod-to-openapi writes a regex's flags after the pattern (`…$/u`), which no string matches.
 */
export const unicodeText = (pattern: RegExp, message: string) => z.string().regex(pattern, message).openapi({ pattern: pattern.source });

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** An error response in the API's one envelope. */
export const errorResponse = (description: string) => jsonContent(ErrorSchema, description);

/** The responses every keyed read route can give besides its own. */
export const readErrors = {
  400: errorResponse('bad parameter, named in details'),
  401: errorResponse('no valid key'),
  403: errorResponse('the key lacks the role'),
} as const;

export const notFound = { 404: errorResponse('no such item') } as const;

/**
 * A query or path far over its limits, once percent-encoded, makes the request line longer than
 * Node's HTTP parser accepts: it answers 431 before the API sees the request. Declared where a
 * schema-valid value can already come close (a 2,000-character reason of 4-byte characters is 24 KB).
 */
export const headersTooLarge = {
  431: { description: 'the request line and headers are larger than the server accepts (16 KiB), answered by the HTTP server itself' },
} as const;

export const notModified = { 304: { description: 'not modified (If-None-Match matched the ETag, or nothing changed since If-Modified-Since)' } } as const;

/** The security requirement of a route that needs an API key (the scheme is registered in docs.ts). */
export const keyed = [{ apiKey: [] }];

/** A handler for one route, typed by its definition: validated params, query and body, typed responses. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** A router for one resource; mounted under its prefix with app.route(). */
export const router = () => new OpenAPIHono<AppEnv>();
