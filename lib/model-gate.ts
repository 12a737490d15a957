// The promotion gate: a candidate model version goes to production only if it is not worse than
// the current production version by more than a tolerance, on the same held-out measure.

export interface GateInput {
  metric: string;
  candidate: number;
  /** The production version's value of the same metric; undefined when there is none yet. */
  production?: { version: number; value: number };
  /** How much worse (absolute) the candidate may be and still be promoted. */
  tolerance: number;
  /** The candidate must reach at least this, whatever production does. */
  minimum?: number;
}

export interface GateDecision {
  promote: boolean;
  metric: string;
  candidate: number;
  production: { version: number; value: number } | null;
  tolerance: number;
  minimum: number | null;
  reason: string;
}

export function decidePromotion(g: GateInput): GateDecision {
  const base = { metric: g.metric, candidate: g.candidate, production: g.production ?? null, tolerance: g.tolerance, minimum: g.minimum ?? null };
  const fmt = (v: number) => v.toFixed(4);
  if (!Number.isFinite(g.candidate)) return { ...base, promote: false, reason: `candidate ${g.metric} is not a number` };
  if (g.minimum !== undefined && g.candidate < g.minimum) {
    return { ...base, promote: false, reason: `candidate ${g.metric} ${fmt(g.candidate)} is below the minimum ${fmt(g.minimum)}` };
  }
  if (!g.production) return { ...base, promote: true, reason: `no production version yet; candidate ${g.metric} ${fmt(g.candidate)}` };
  const delta = g.candidate - g.production.value;
  if (delta < -g.tolerance) {
    return {
      ...base,
      promote: false,
      reason: `candidate ${g.metric} ${fmt(g.candidate)} is ${fmt(-delta)} below production v${g.production.version} (${fmt(g.production.value)}), beyond the tolerance ${fmt(g.tolerance)}`,
    };
  }
  return {
    ...base,
    promote: true,
    reason: `candidate ${g.metric} ${fmt(g.candidate)} vs production v${g.production.version} ${fmt(g.production.value)} (Δ ${delta >= 0 ? '+' : ''}${fmt(delta)}, tolerance ${fmt(g.tolerance)})`,
  };
}
