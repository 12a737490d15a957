import { describe, expect, it } from 'vitest';
import { decidePromotion } from '../../lib/model-gate.ts';

describe('promotion gate', () => {
  it('promotes the first version when it reaches the minimum', () => {
    expect(decidePromotion({ metric: 'macro_f1', candidate: 0.9, tolerance: 0.01, minimum: 0.5 })).toMatchObject({ promote: true, production: null });
    expect(decidePromotion({ metric: 'macro_f1', candidate: 0.4, tolerance: 0.01, minimum: 0.5 }).promote).toBe(false);
  });

  it('promotes a candidate within the tolerance of production and refuses one beyond it', () => {
    const production = { version: 3, value: 0.92 };
    expect(decidePromotion({ metric: 'macro_f1', candidate: 0.915, production, tolerance: 0.01 }).promote).toBe(true);
    expect(decidePromotion({ metric: 'macro_f1', candidate: 0.95, production, tolerance: 0.01 }).promote).toBe(true);
    const refused = decidePromotion({ metric: 'macro_f1', candidate: 0.9, production, tolerance: 0.01 });
    expect(refused.promote).toBe(false);
    expect(refused.reason).toBe('candidate macro_f1 0.9000 is 0.0200 below production v3 (0.9200), beyond the tolerance 0.0100');
  });

  it('never promotes a candidate whose measure is not a number', () => {
    expect(decidePromotion({ metric: 'macro_f1', candidate: Number.NaN, tolerance: 1 }).promote).toBe(false);
  });
});
