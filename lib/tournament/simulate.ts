// Monte Carlo brackets, fast and splittable: simulation i draws from its own generator seeded from
// (seed, i) alone, so any split of a run into chunks reproduces one big run byte for byte. The
// First Four, when there is one, is played first, from the same generator.
import { asBracket, progressWidth, STANDARD_SHAPE, type Bracket, type FieldShape } from './bracket.ts';

export interface SimulationOptions {
  /** The bracket (fieldBracket), or team indices in slot order for one without play-in games. */
  bracket: Bracket | ArrayLike<number>;
  /** n×n, p[i*n+j] = P(i beats j). */
  p: Float64Array;
  n: number;
  seed: number;
  /** Index of the first simulation of this chunk (0-based, below 2^32). */
  start: number;
  count: number;
}

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Progress per (simulation, team), row-major count×n: out[s*n + t] is team t's progress (see
 * Bracket: its wins in a 64-team field) in simulation start+s.
 *
 * Each simulation runs sfc32 (128-bit state, passes PractRand) keyed by fmix32 of the seed and the
 * simulation index: a shared 32-bit stream such as mulberry32 would give overlapping, correlated
 * subsequences once a run reaches millions of simulations. A game is decided by comparing the top
 * 31 bits of one draw with p·2^31, one draw per game, 63 per 64-team bracket.
 */
export function simulateTournaments(options: SimulationOptions): Uint8Array {
  const { p, n, seed, start, count } = options;
  const bracket = asBracket(options.bracket);
  const size = bracket.slots.length;
  const playIns = bracket.playIns;
  if (!Number.isInteger(start) || start < 0 || start + count > 2 ** 32) throw new Error(`simulation indices ${start}..${start + count} must lie in 0..2^32`);
  if (p.length !== n * n) throw new Error(`probability matrix has ${p.length} entries, expected n×n = ${n * n}`);
  for (let s = 0; s < size; s++) {
    if (!(bracket.slots[s] >= 0 && bracket.slots[s] < n)) throw new Error(`bracket slot ${s} holds team ${bracket.slots[s]}, outside 0..${n - 1}`);
  }
  for (let q = 0; q < playIns.length; q += 3) {
    if (!(playIns[q] >= 0 && playIns[q] < size && [1, 2].every((k) => playIns[q + k] >= 0 && playIns[q + k] < n))) {
      throw new Error(`play-in game ${q / 3} (slot ${playIns[q]}, teams ${playIns[q + 1]} and ${playIns[q + 2]}) is outside the bracket or the field`);
    }
  }
  // With a First Four, progress counts it as round 0: its losers stay at 0, everyone else starts at 1.
  const firstRound = bracket.firstFour ? 1 : 0;

  // 31-bit thresholds so (draw − threshold) never overflows int32 and its sign decides the game
  // without a branch (upsets are unpredictable, so a branch would mispredict often). p = 1 maps
  // to 2^31, above every draw, so a certain win stays certain.
  const threshold = new Uint32Array(n * n);
  for (let i = 0; i < threshold.length; i++) threshold[i] = Math.round(Math.min(1, Math.max(0, p[i])) * 2147483648);
  const slots = bracket.slots;
  const alive = new Int32Array(size);
  const out = new Uint8Array(count * n);
  const key = fmix32((seed >>> 0) ^ 0x5bd1e995);

  for (let s = 0; s < count; s++) {
    const base = fmix32(key ^ fmix32((start + s + 0x632be5ab) >>> 0));
    let a = base;
    let b = fmix32(base ^ 0x9e3779b9);
    let c = fmix32(b ^ 0x7f4a7c15);
    let d = 1;
    // A few rounds so the state mixes before the first game is decided.
    for (let w = 0; w < 4; w++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
    }
    alive.set(slots);
    const row = s * n;
    // The First Four. The generator step is written out in each loop, as in the main rounds: a
    // function call holding four state words would cost more than the game it decides.
    for (let q = 0; q < playIns.length; q += 3) {
      const x = playIns[q + 1];
      const y = playIns[q + 2];
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      const winner = y ^ ((x ^ y) & (((t >>> 1) - threshold[x * n + y]) >> 31));
      out[row + (x ^ y ^ winner)] = 0;
      alive[playIns[q]] = winner;
    }
    // A loser's progress is the round it lost in, so each game writes one byte instead of incrementing.
    let round = firstRound;
    for (let m = size >> 1; m >= 1; m >>= 1, round++) {
      for (let k = 0; k < m; k++) {
        const x = alive[2 * k];
        const y = alive[2 * k + 1];
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (((c << 21) | (c >>> 11)) + t) | 0;
        const winner = y ^ ((x ^ y) & (((t >>> 1) - threshold[x * n + y]) >> 31));
        out[row + (x ^ y ^ winner)] = round;
        alive[k] = winner;
      }
    }
    out[row + alive[0]] = round;
  }
  return out;
}

/** Empirical progress distribution (n×width, like exactWinDistribution) of count×n simulated progress values. */
export function winDistributionFromSimulations(wins: Uint8Array, n: number, count: number, shape: FieldShape = STANDARD_SHAPE): Float64Array {
  const width = progressWidth(shape);
  const counts = new Float64Array(n * width);
  for (let s = 0; s < count; s++) {
    const row = s * n;
    for (let t = 0; t < n; t++) counts[t * width + wins[row + t]]++;
  }
  for (let i = 0; i < counts.length; i++) counts[i] /= count;
  return counts;
}

/**
 * How far a simulated frequency `s` lies from the exact probability `e` over `count` simulations, in
 * standard errors of the count, continuity-corrected: a rare cell (a 16 seed's title, expected 0.01
 * times) seen once is not a 100-SE event, which the plain normal approximation would call it.
 */
export function samplingZ(e: number, s: number, count: number): number {
  const expected = e * count;
  const deviation = Math.max(0, Math.abs(s * count - expected) - 0.5);
  return deviation / Math.sqrt(expected * (1 - e) + 0.25);
}
