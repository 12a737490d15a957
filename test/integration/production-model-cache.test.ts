// ProductionModelCache remembers its answer for `recheckMs`, "no production version" included: ingest
// asks for the model at every transaction, and with none in production that was a query each time.
// A promotion is seen at the next check.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NoProductionModelError, ProductionModelCache } from '../../domains/registry/sql/models.ts';
import { EXERCISE_MODEL } from '../../domains/sensor/steps/train.ts';
import { seedProductionModel } from '../support/model.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());
afterEach(() => vi.useRealTimers());

describe('the production model, kept in memory', () => {
  it('remembers that there is none until the next check, then finds the one promoted meanwhile', async () => {
    // The cache's clock only moves when the test moves it (the database's does not matter here).
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = new ProductionModelCache(stack.pools.api, EXERCISE_MODEL, undefined, 5_000);
    await expect(cache.get()).rejects.toBeInstanceOf(NoProductionModelError);
    const { modelVersionId } = await seedProductionModel(stack.pools.owner);
    vi.advanceTimersByTime(4_900);
    // Promoted, but this process checked less than recheckMs ago.
    await expect(cache.get()).rejects.toThrow('no production version yet');
    vi.advanceTimersByTime(200);
    expect((await cache.get()).modelVersionId).toBe(modelVersionId);
  });
});
