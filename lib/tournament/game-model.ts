// Who wins one game: a logistic curve on the rating difference, fitted by maximum likelihood.
// Ratings are KenPom-like margins (points per 100 possessions); only their difference matters.

export interface GameModel {
  /** Rating points per logit: P(A beats B) = σ((ratingA − ratingB) / scale + intercept). */
  scale: number;
  /**
   * Advantage of the first-listed team in logits (e.g. home court in regular-season data). Reported
   * by the fit when asked for; tournament games are on neutral courts, so probabilityMatrix ignores it.
   */
  intercept?: number;
}

/** A 10-point rating gap wins 80% of the time: σ(10/scale) = 0.8 ⇒ scale = 10 / ln 4 ≈ 7.21. */
export const DEFAULT_GAME_MODEL: GameModel = Object.freeze({ scale: 10 / Math.log(4) });

export interface HistoricalGame {
  ratingA: number;
  ratingB: number;
  aWon: boolean;
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export function winProbability(model: GameModel, ratingA: number, ratingB: number): number {
  return sigmoid((ratingA - ratingB) / model.scale + (model.intercept ?? 0));
}

/** n×n, p[i*n+j] = P(i beats j) on a neutral court; p[i*n+j] + p[j*n+i] = 1 exactly, diagonal 0.5. */
export function probabilityMatrix(model: GameModel, ratings: ArrayLike<number>): Float64Array {
  const n = ratings.length;
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    p[i * n + i] = 0.5;
    for (let j = i + 1; j < n; j++) {
      const q = sigmoid((ratings[i] - ratings[j]) / model.scale);
      p[i * n + j] = q;
      p[j * n + i] = 1 - q;
    }
  }
  return p;
}

export interface FitOptions {
  /** Also fit a first-listed-team advantage (default false: the model is symmetric in A and B). */
  intercept?: boolean;
}

/**
 * Maximum-likelihood fit of 1/scale (and optionally the intercept) by Newton's method with step
 * halving. Throws when the data cannot determine a positive scale (no games, no rating differences,
 * better-rated teams losing more often, or perfectly separated outcomes).
 */
export function fitGameModel(games: readonly HistoricalGame[], options: FitOptions = {}): GameModel {
  if (games.length === 0) throw new Error('fitGameModel: no games to fit');
  const withIntercept = options.intercept ?? false;
  const d = Float64Array.from(games, (g) => g.ratingA - g.ratingB);
  const y = Float64Array.from(games, (g) => (g.aWon ? 1 : 0));
  if (d.every((x) => x === 0)) throw new Error('fitGameModel: every game has equal ratings, the scale is undetermined');
  // When the better-rated team always wins, the likelihood keeps rising as the scale shrinks to 0.
  if (d.every((x, i) => x === 0 || x > 0 === (y[i] === 1))) {
    throw new Error(`fitGameModel: the better-rated team won all ${games.length} games, so no positive scale maximises the likelihood`);
  }

  const logLik = (b: number, a: number) => {
    let ll = 0;
    for (let i = 0; i < d.length; i++) {
      const z = b * d[i] + a;
      // log σ(z) and log(1 − σ(z)) without overflow.
      ll -= y[i] ? softplus(-z) : softplus(z);
    }
    return ll;
  };
  let beta = 1 / DEFAULT_GAME_MODEL.scale;
  let alpha = 0;
  let current = logLik(beta, alpha);
  for (let iter = 0; iter < 100; iter++) {
    let gb = 0,
      ga = 0,
      hbb = 0,
      hab = 0,
      haa = 0;
    for (let i = 0; i < d.length; i++) {
      const q = sigmoid(beta * d[i] + alpha);
      const w = q * (1 - q);
      const r = y[i] - q;
      gb += r * d[i];
      ga += r;
      hbb += w * d[i] * d[i];
      hab += w * d[i];
      haa += w;
    }
    let stepB: number, stepA: number;
    if (withIntercept) {
      const det = hbb * haa - hab * hab;
      if (!(det > 0)) break;
      stepB = (haa * gb - hab * ga) / det;
      stepA = (hbb * ga - hab * gb) / det;
    } else {
      if (!(hbb > 0)) break;
      stepB = gb / hbb;
      stepA = 0;
    }
    let t = 1;
    let next = logLik(beta + stepB, alpha + stepA);
    while (next < current && t > 1e-8) {
      t /= 2;
      next = logLik(beta + t * stepB, alpha + t * stepA);
    }
    beta += t * stepB;
    alpha += t * stepA;
    const gain = next - current;
    current = next;
    if (Math.abs(t * stepB) < 1e-10 * Math.max(1, Math.abs(beta)) && Math.abs(gain) < 1e-12 * d.length) break;
  }
  if (!(beta > 0) || !Number.isFinite(beta) || beta > 1e3) {
    throw new Error(
      `fitGameModel: the ${games.length} games do not determine a positive scale (1/scale = ${beta}); are outcomes separated or ratings reversed?`,
    );
  }
  return withIntercept ? { scale: 1 / beta, intercept: alpha } : { scale: 1 / beta };
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export interface Calibration {
  games: number;
  /** Mean negative log-likelihood in nats; ln 2 ≈ 0.693 is a coin flip. */
  logLoss: number;
  /** Mean squared error of the predicted probability; 0.25 is a coin flip. */
  brier: number;
}

export function calibration(model: GameModel, games: readonly HistoricalGame[]): Calibration {
  let logLoss = 0,
    brier = 0;
  for (const g of games) {
    const z = (g.ratingA - g.ratingB) / model.scale + (model.intercept ?? 0);
    logLoss += g.aWon ? softplus(-z) : softplus(z);
    const q = sigmoid(z);
    brier += ((g.aWon ? 1 : 0) - q) ** 2;
  }
  const n = Math.max(games.length, 1);
  return { games: games.length, logLoss: logLoss / n, brier: brier / n };
}
