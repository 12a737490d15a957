// ProductionModelCache remembers its answer for `recheckMs`, "no production version" included: ingest
// asks for the model at every transaction, and with none in production that was a query each time.
// A promotion is seen at the next check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoProductionModelError, ProductionModelCache } from '../../domains/registry/sql/models.ts';
import { EXERCISE_MODEL } from '../../domains/sensor/steps/train.ts';
import { seedProductionModel } from '../support/model.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

describe('the production model, kept in memory', () => {
  it('remembers that there is none until the next check, then finds the one promoted meanwhile', async () => {
    const cache = new ProductionModelCache(stack.pools.api, EXERCISE_MODEL, undefined, 1_000);
    await expect(cache.get()).rejects.toBeInstanceOf(NoProductionModelError);
    const { modelVersionId } = await seedProductionModel(stack.pools.owner);
    // Promoted, but this process checked less than a second ago.
    await expect(cache.get()).rejects.toThrow('no production version yet');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await cache.get()).modelVersionId).toBe(modelVersionId);
  });
});
