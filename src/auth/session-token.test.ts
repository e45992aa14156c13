import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SESSION_TOKEN_BYTES, newSessionToken, sessionTokenHash, sessionTokenMatches } from './session-token.js';

describe('session tokens', () => {
  it('are long random base64 strings, different each time', () => {
    const a = newSessionToken(randomBytes);
    const b = newSessionToken(randomBytes);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64')).toHaveLength(SESSION_TOKEN_BYTES);
    expect(a.length).toBeGreaterThanOrEqual(300);
    expect(a).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('take their bytes from the injected randomness', () => {
    expect(newSessionToken((n) => Buffer.alloc(n, 0xff))).toBe(
      Buffer.alloc(SESSION_TOKEN_BYTES, 0xff).toString('base64'),
    );
  });

  it('are stored as the SHA-256 of their text', () => {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    expect(sessionTokenHash('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('match only the token they were issued with', () => {
    const token = newSessionToken(randomBytes);
    const hash = sessionTokenHash(token);
    expect(sessionTokenMatches(token, hash)).toBe(true);
    expect(sessionTokenMatches(`${token}x`, hash)).toBe(false);
    expect(sessionTokenMatches(token.slice(1), hash)).toBe(false);
    expect(sessionTokenMatches(undefined, hash)).toBe(false);
    expect(sessionTokenMatches(token, hash.subarray(0, 16))).toBe(false);
  });

  it('may not be sent with a long-term access key, which has none', () => {
    expect(sessionTokenMatches(undefined, undefined)).toBe(true);
    expect(sessionTokenMatches('anything', undefined)).toBe(false);
    expect(sessionTokenMatches('', undefined)).toBe(false);
  });
});
