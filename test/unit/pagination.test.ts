// Cursors: every string of a cursor's declared pattern decodes to a key the queries can use (so a
// schema-valid cursor always gets a page), what the server issues reads back exactly, and anything
// else is refused with 400 naming query.cursor.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cursorOf, cursorParts } from '../../api/pagination.ts';

const runs = cursorOf(cursorParts.time, cursorParts.id);
const rankings = cursorOf(cursorParts.float, cursorParts.text);
const tournaments = cursorOf(cursorParts.year, cursorParts.text);

/** The pattern the OpenAPI document declares for a cursor (test/integration/openapi.test.ts checks it is the one served). */
const declared = (c: { pattern: string }) => new RegExp(c.pattern);

describe('cursor patterns', () => {
  it('declare the shape the server reads, one part per sort column', () => {
    expect(runs.pattern).toBe('^[0-9]{1,13}\\.[0-9]{1,15}$');
    expect(rankings.pattern).toBe('^[0-9a-f]{16}\\.[A-Za-z0-9_-]{0,400}$');
  });

  it('decode every string they match to a usable key (valid instant, whole id, text without NUL)', () => {
    fc.assert(
      fc.property(fc.stringMatching(declared(runs)), (s) => {
        const [at, id] = runs.param.parse(s)!;
        expect(Number.isNaN(at.getTime())).toBe(false);
        expect(at.toISOString()).toMatch(/^\d{4}-/); // PostgreSQL reads it
        expect(Number.isSafeInteger(id)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(declared(rankings)), (s) => {
        const [payout, entry] = rankings.param.parse(s)!;
        expect(typeof payout).toBe('number'); // NaN and ±Infinity are float8 values too
        expect(entry).not.toContain('\u0000');
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(declared(tournaments)), (s) => {
        const [year] = tournaments.param.parse(s)!;
        expect(year).toBeGreaterThanOrEqual(0);
        expect(year).toBeLessThanOrEqual(9999); // fits PostgreSQL's integer
      }),
    );
  });

  it('read back exactly what the server issues', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(9_999_999_999_999), noInvalidDate: true }),
        fc.integer({ min: 1, max: 999_999_999_999_999 }),
        (at, id) => {
          expect(runs.param.parse(runs.encode([at, id]))).toEqual([at, id]);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.double(),
        fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s.replaceAll('\u0000', '')),
        (payout, entry) => {
          const wellFormed = Buffer.from(entry, 'utf8').toString('utf8');
          const [p, e] = rankings.param.parse(rankings.encode([payout, wellFormed]))!;
          expect(Object.is(p, payout)).toBe(true);
          expect(e).toBe(wellFormed);
        },
      ),
    );
  });

  it('refuse anything else with the field named', () => {
    for (const bad of ['bm90IGEgY3Vyc29y', '1764000000000', '1.2.3', '٣.1', '1764000000000.x', '']) {
      const r = runs.param.safeParse(bad);
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]?.message).toBe('is not a cursor from this endpoint');
    }
  });
});
