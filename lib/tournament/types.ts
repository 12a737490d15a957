// Shapes shared by the tournament math: a field of teams, an auction's bids and the Calcutta's rules.
// Everything else in lib/tournament works on indices into a Team[] and typed arrays.

export interface Team {
  /** Stable identifier, e.g. "duke"; bids refer to teams by this key. */
  key: string;
  name: string;
  region: string;
  /** 1..16 within the region. */
  seed: number;
  /** Strength on a points-margin scale (KenPom-like adjusted efficiency margin); only differences matter. */
  rating: number;
  /** Plays in the First Four: it shares its region and seed with one other play-in team, and the winner takes their slot. */
  playIn?: boolean;
}

export interface Bid {
  entry: string;
  /** Team key. */
  team: string;
  amount: number;
}

/**
 * One round's prize: a team that reaches `wins` wins earns `share` of the pool on top of what it
 * earned for fewer wins (per-round increments; a team's total is the sum over rules with wins ≤ its wins).
 */
export interface PayoutRule {
  wins: number;
  share: number;
}

export interface Calcutta {
  budgetPerEntry: number;
  minBid: number;
  maxTeamsPerEntry?: number;
  payouts: PayoutRule[];
}
