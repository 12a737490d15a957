// Proof that bronze may store a short decimal's float4 as Math.fround of its double (binary COPY)
// and get what text COPY stores (PostgreSQL's float4in, correctly rounded from the decimal): checked
// for every decimal isShortDecimal can accept, exhaustively, with exact BigInt arithmetic.
//
// Why the exhaustive loop may skip most values: v (the double nearest the decimal d) and d round to
// different float4s only if a float4 rounding boundary (a midpoint between neighbouring float4s) lies
// between them. Every midpoint M is itself a double, and rounding to double is monotonic, so d < M
// forces v <= M and d > M forces v >= M: the only way is v === M exactly. A double is a float4
// midpoint exactly when its 29 fraction bits below float4's 23 are 1000…0 (in float4's normal range,
// which 1e-15..1e15 is well inside). Those doubles are compared with d exactly.
import { describe, expect, it } from 'vitest';
import { isShortDecimal } from '../../../domains/sensor/ingest/segments.ts';
import { encodeRowForTest } from '../../../lib/db/copy-encoder.ts';

const bits = new Float64Array(1);
const low = new Uint32Array(bits.buffer);
const word = new BigUint64Array(bits.buffer);

/** A positive finite double as M·2^E exactly. */
function dyadic(v: number): { M: bigint; E: number } {
  bits[0] = v;
  const exponent = Number((word[0]! >> 52n) & 0x7ffn);
  return { M: (word[0]! & ((1n << 52n) - 1n)) | (1n << 52n), E: exponent - 1075 };
}

/** The sign of num/den − v, exactly (num, den, v positive). */
function compare(num: bigint, den: bigint, v: number): number {
  const { M, E } = dyadic(v);
  let left = num;
  let right = M * den;
  if (E < 0) left <<= BigInt(-E);
  else right <<= BigInt(E);
  return left > right ? 1 : left < right ? -1 : 0;
}

/** The float4 nearest num/den (ties to even), by exact arithmetic alone: no Math.fround. */
function float4Of(num: bigint, den: bigint): number {
  let shift = 24 - (num.toString(2).length - den.toString(2).length);
  for (;;) {
    const scaled = shift >= 0 ? (num << BigInt(shift)) / den : num / (den << BigInt(-shift));
    if (scaled >= 1n << 24n) shift--;
    else if (scaled < 1n << 23n) shift++;
    else break;
  }
  const top = shift >= 0 ? num << BigInt(shift) : num;
  const bottom = shift >= 0 ? den : den << BigInt(-shift);
  let q = top / bottom;
  const twice = 2n * (top - q * bottom);
  if (twice > bottom || (twice === bottom && q % 2n === 1n)) q++;
  return Number(q) * 2 ** -shift;
}

/** The decimal m·10^e as a fraction. */
const fraction = (m: number, e: number): [bigint, bigint] => (e >= 0 ? [BigInt(m) * 10n ** BigInt(e), 1n] : [BigInt(m), 10n ** BigInt(-e)]);

/** A decimal string (as the text COPY path writes it) as an exact fraction. */
function parseDecimal(s: string): [bigint, bigint] {
  const match = /^-?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(s);
  if (!match) throw new Error(`not a decimal: ${s}`);
  const places = (match[2] ?? '').length - Number(match[3] ?? 0);
  const digits = BigInt(match[1]! + (match[2] ?? ''));
  return places >= 0 ? [digits, 10n ** BigInt(places)] : [digits * 10n ** BigInt(-places), 1n];
}

/**
 * Whether Math.fround(v) is the float4 nearest num/den, for v the double nearest num/den (both
 * positive); exact, by the argument at the top: only a v on a float4 midpoint needs arithmetic.
 */
function froundIsExact(num: bigint, den: bigint, v: number): boolean {
  bits[0] = v;
  if ((low[0]! & 0x1fffffff) !== 0x10000000) return true;
  const side = compare(num, den, v);
  const f = Math.fround(v);
  const other = 2 * v - f; // the float4 on the other side of the midpoint v (exact)
  return f === (side === 0 ? f : side > 0 ? Math.max(f, other) : Math.min(f, other));
}

/**
 * Every decimal of at most six significant digits from 1e-15 to below 1e15 (all isShortDecimal can
 * accept besides 0): m·10^e with m in [100000, 999999] and e in [−20, 9], both signs. Returns the
 * values visited, the midpoints among them, and those where Math.fround of the nearest double is
 * not the decimal's float4.
 */
function everyShortDecimal(): { visited: number; midpoints: number; wrong: string[] } {
  let visited = 0;
  let midpoints = 0;
  const wrong: string[] = [];
  for (let e = -20; e <= 9; e++) {
    const scale = 10 ** Math.abs(e); // exact (checked), so v below is correctly rounded from m·10^e
    if (BigInt(scale) !== 10n ** BigInt(Math.abs(e))) wrong.push(`10^${Math.abs(e)} is not exact`);
    for (let m = 100_000; m < 1_000_000; m++) {
      const v = e < 0 ? m / scale : m * scale;
      visited += 2;
      bits[0] = v;
      if ((low[0]! & 0x1fffffff) !== 0x10000000) continue;
      midpoints++;
      const [num, den] = fraction(m, e);
      // Negative decimals round as their magnitude does, with the sign: checked, not assumed.
      if (!froundIsExact(num, den, v) || Math.fround(-v) !== -Math.fround(v)) wrong.push(`${m}e${e}`);
    }
  }
  return { visited, midpoints, wrong };
}

describe('a short decimal stored as Math.fround of its double', () => {
  it('is the float4 PostgreSQL parses from its decimal text, for every decimal isShortDecimal can accept', () => {
    const started = performance.now();
    const { visited, midpoints, wrong } = everyShortDecimal();
    expect(visited).toBe(2 * 30 * 900_000);
    expect(midpoints).toBeGreaterThan(0); // the exact comparison did run
    expect(wrong).toEqual([]);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('agrees with an exact float4 rounding of the decimal (no midpoint argument) on a large sample and the edges', () => {
    let s = 20_261_201;
    const next = () => (s = (s * 48_271) % 2_147_483_647) / 2_147_483_647;
    const cases: [number, number][] = [];
    for (let e = -20; e <= 9; e++) {
      for (const m of [100_000, 100_001, 131_072, 262_144, 524_288, 838_861, 999_999]) cases.push([m, e]);
      for (let i = 0; i < 3_000; i++) cases.push([100_000 + Math.floor(next() * 900_000), e]);
    }
    const wrong = cases.filter(([m, e]) => {
      const [num, den] = fraction(m, e);
      const v = e < 0 ? m / 10 ** -e : m * 10 ** e;
      return Math.fround(v) !== float4Of(num, den) || Math.fround(-v) !== -float4Of(num, den);
    });
    expect(wrong).toEqual([]);
    expect(cases.length).toBe(30 * 3_007);
  });

  it('would catch a double rounding: a longer decimal just above a float4 midpoint, whose double is the midpoint', () => {
    // 1 + 2^-24 is the midpoint between the float4s 1 and 1 + 2^-23; this decimal lies 2.5e-17 above it.
    const [num, den] = parseDecimal('1.0000000596046448');
    const v = Number('1.0000000596046448');
    expect(v).toBe(1 + 2 ** -24);
    expect(Math.fround(v)).toBe(1);
    expect(float4Of(num, den)).toBe(1 + 2 ** -23);
    expect(froundIsExact(num, den, v)).toBe(false);
  });

  it('is what text COPY stores for the values ingest takes as short: the text written is the decimal itself', () => {
    let s = 7;
    const next = () => (s = (s * 48_271) % 2_147_483_647) / 2_147_483_647;
    let accepted = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = Number(((next() * 2 - 1) * 10 ** Math.floor(next() * 30 - 15)).toPrecision(1 + Math.floor(next() * 8)));
      if (!isShortDecimal(v) || v === 0) continue;
      accepted++;
      const text = encodeRowForTest(['x'], [v]).trimEnd();
      const [num, den] = parseDecimal(text);
      const digits = text
        .replace(/^-|\.|e.*$/g, '')
        .replace(/^0+/, '')
        .replace(/0+$/, '');
      // The decimal written has at most six significant digits, lies in the exhaustive range, is
      // v's, and its float4 is Math.fround(v).
      const inRange = Math.abs(v) >= 1e-15 && Math.abs(v) < 1e15;
      if (digits.length > 6 || !inRange || Number(text) !== v || Math.fround(v) !== Math.sign(v) * float4Of(num, den)) wrong.push(text);
    }
    expect(wrong).toEqual([]);
    expect(accepted).toBeGreaterThan(20_000);
  });

  it('keeps the sign of −0, as the text "-0" does', () => {
    expect(isShortDecimal(-0)).toBe(true);
    expect(encodeRowForTest(['x'], [-0])).toBe('-0\n');
    expect(Object.is(Math.fround(-0), -0)).toBe(true);
    expect(Object.is(Math.fround(0), 0)).toBe(true);
  });
});
