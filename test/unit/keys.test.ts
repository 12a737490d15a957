import { describe, expect, it } from 'vitest';
import { generateKey, parseKey, secretMatches } from '../../lib/keys.ts';

describe('API keys', () => {
  it('generates distinct keys whose secret matches only its own hash', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a.token).not.toBe(b.token);
    const pa = parseKey(a.token)!;
    expect(pa.id).toBe(a.id);
    expect(secretMatches(pa.secret, a.secretHash)).toBe(true);
    expect(secretMatches(pa.secret, b.secretHash)).toBe(false);
    expect(a.secretHash.toString('hex')).not.toContain(pa.secret);
  });

  it('rejects tokens that are not shaped like keys', () => {
    expect(parseKey('')).toBeNull();
    expect(parseKey('rfy_short_x')).toBeNull();
    expect(parseKey(`${generateKey().token}x`)).toBeNull();
    expect(parseKey("rfy_000000000000_' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).toBeNull();
  });
});
