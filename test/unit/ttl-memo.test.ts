// The moment-long memo behind freshness and the device listing's days (lib/ttl-memo.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TtlMemo } from '../../lib/ttl-memo.ts';

afterEach(() => vi.useRealTimers());

describe('TtlMemo', () => {
  it('shares one computation per key within the moment, and computes again after it', async () => {
    vi.useFakeTimers({ now: 0 });
    const memo = new TtlMemo<number>(1000);
    let runs = 0;
    const compute = async () => ++runs;
    expect(await Promise.all([memo.get('a', compute), memo.get('a', compute)])).toEqual([1, 1]);
    expect(await memo.get('b', compute)).toBe(2);
    vi.setSystemTime(999);
    expect(await memo.get('a', compute)).toBe(1);
    vi.setSystemTime(1000);
    expect(await memo.get('a', compute)).toBe(3);
  });

  it('forgets a failed computation at once', async () => {
    const memo = new TtlMemo<string>(60_000);
    await expect(memo.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await memo.get('k', async () => 'up')).toBe('up');
  });

  it('computes every time with no moment, and empties itself past its size', async () => {
    let runs = 0;
    const none = new TtlMemo<number>(0);
    await none.get('a', async () => ++runs);
    await none.get('a', async () => ++runs);
    expect(runs).toBe(2);
    const small = new TtlMemo<string>(60_000, 2);
    await small.get('a', async () => 'first');
    await small.get('b', async () => 'b');
    await small.get('c', async () => 'c'); // full: emptied, then c kept
    expect(await small.get('a', async () => 'again')).toBe('again');
  });
});
