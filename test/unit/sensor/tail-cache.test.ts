// TailCache: a tail is handed out only at the generation it was remembered with, as a copy, and the
// least recently used device leaves first once the cache is full.
import { describe, expect, it } from 'vitest';
import { TailCache, type StoredTail } from '../../../domains/sensor/live/tails.ts';
import { emptyTail } from '../../../lib/imu/live-windows.ts';

const tail = (deviceId: string, windowsOnDay = 0): StoredTail => ({
  deviceId,
  generation: '0',
  tail: { ...emptyTail(), windowsOnDay },
  lastEventId: 0,
  lastPrediction: null,
});

describe('TailCache', () => {
  it('hands a tail out only at the generation it was written with', () => {
    const cache = new TailCache();
    cache.remember([tail('a', 3)], new Map([['a', '17']]));
    expect(cache.take('a', '16')).toBeUndefined();
    expect(cache.take('b', '17')).toBeUndefined();
    expect(cache.take('a', '17')).toMatchObject({ deviceId: 'a', generation: '17', tail: { windowsOnDay: 3 } });
  });

  it('hands out copies, so a transaction that rolls back leaves what was remembered', () => {
    const cache = new TailCache();
    cache.remember([tail('a', 3)], new Map([['a', '5']]));
    const taken = cache.take('a', '5')!;
    taken.tail = { ...taken.tail, windowsOnDay: 9 };
    taken.lastEventId = 4;
    expect(cache.take('a', '5')).toMatchObject({ lastEventId: 0, tail: { windowsOnDay: 3 } });
  });

  it('remembers only tails given a generation, and lets the least recently used go first', () => {
    const cache = new TailCache(2);
    cache.remember(
      [tail('a'), tail('b'), tail('c')],
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect(cache.size).toBe(2);
    expect(cache.take('a', '1')).toBeDefined(); // a is now the most recently used
    cache.remember([tail('c')], new Map([['c', '3']]));
    expect(cache.size).toBe(2);
    expect(cache.take('b', '2')).toBeUndefined();
    expect(cache.take('a', '1')).toBeDefined();
    expect(cache.take('c', '3')).toBeDefined();
  });
});
