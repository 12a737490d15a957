import { describe, expect, it } from 'vitest';
import { fieldBracket } from '../../../lib/tournament/bracket.ts';
import { exactWinDistribution } from '../../../lib/tournament/exact.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { matchups, reachProbabilities } from '../../../lib/tournament/matchups.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';

describe('matchups of a 68-team field', () => {
  const { teams } = sampleTournament(2026, { firstFour: true });
  const n = teams.length;
  const bracket = fieldBracket(teams);
  const p = probabilityMatrix(
    DEFAULT_GAME_MODEL,
    teams.map((t) => t.rating),
  );
  const distribution = exactWinDistribution(bracket, p, n);
  const all = matchups(bracket, p, n, distribution);
  const reach = reachProbabilities(distribution, n, bracket);

  it('lists every ordered pair once, with complementary win probabilities and a shared round', () => {
    expect(all).toHaveLength(n * (n - 1));
    const at = new Map(all.map((m) => [`${m.a}|${m.b}`, m]));
    for (const m of all) {
      const back = at.get(`${m.b}|${m.a}`)!;
      expect(m.pAWins + back.pAWins).toBeCloseTo(1, 12);
      expect([back.round, back.pMeet]).toEqual([m.round, m.pMeet]);
    }
  });

  it('pairs the First Four teams in round 0, 1 v 16 in round 1, and the two halves of the bracket only in the final', () => {
    for (let q = 0; q < bracket.playIns.length; q += 3) {
      const m = all.find((x) => x.a === bracket.playIns[q + 1] && x.b === bracket.playIns[q + 2])!;
      expect(m).toMatchObject({ round: 0, pMeet: 1 });
    }
    expect(all.find((x) => x.a === bracket.slots[0] && x.b === bracket.slots[1])!.round).toBe(1);
    expect(all.find((x) => x.a === bracket.slots[0] && x.b === bracket.slots[63])!.round).toBe(6);
  });

  it('meets exactly one opponent in each round it reaches: Σ P(meet) over opponents = P(reaching the round)', () => {
    for (let a = 0; a < n; a++) {
      for (let round = 1; round <= 6; round++) {
        const sum = all.filter((m) => m.a === a && m.round === round).reduce((s, m) => s + m.pMeet, 0);
        expect(sum).toBeCloseTo(reach[a * 7 + round], 12);
      }
    }
  });
});
