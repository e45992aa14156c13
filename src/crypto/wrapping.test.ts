import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoInputError, UnwrapError } from './errors.js';
import { aesGcmOpen, aesGcmSeal, wrappingAad } from './wrapping.js';

const key = randomBytes(32);
const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const aad = wrappingAad('key-material', arn, 'a'.repeat(64));

describe('wrappingAad', () => {
  it('separates record types and ids unambiguously', () => {
    const encodings = [
      wrappingAad('key-material', 'ab', 'c'),
      wrappingAad('key-material', 'a', 'bc'),
      wrappingAad('key-material', 'abc'),
      wrappingAad('key-material', 'abc', ''),
      wrappingAad('key-material'),
      wrappingAad('key-material', ''),
      wrappingAad('access-key-secret', 'ab', 'c'),
      wrappingAad('key-materialab', 'c'),
    ].map((b) => b.toString('hex'));
    expect(new Set(encodings).size).toBe(encodings.length);
  });

  it('is injective over arbitrary field lists', () => {
    const fields = fc.tuple(
      fc.string({ minLength: 1, maxLength: 4 }),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(fields, fields, ([ta, ia], [tb, ib]) => {
        const same = wrappingAad(ta, ...ia).equals(wrappingAad(tb, ...ib));
        expect(same).toBe(ta === tb && ia.length === ib.length && ia.every((x, i) => x === ib[i]));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects an empty record type and lone surrogates', () => {
    expect(() => wrappingAad('')).toThrow(CryptoInputError);
    expect(() => wrappingAad('key-material', '\uDFFF')).toThrow(CryptoInputError);
  });
});

describe('aesGcmSeal / aesGcmOpen', () => {
  const secret = randomBytes(32);
  const blob = aesGcmSeal(key, secret, aad);

  it('round-trips, with the documented layout', () => {
    expect(aesGcmOpen(key, blob, aad)).toEqual(secret);
    expect(blob[0]).toBe(1);
    expect(blob.length).toBe(1 + 12 + secret.length + 16);
    expect(aesGcmOpen(key, aesGcmSeal(key, Buffer.alloc(0), aad), aad)).toEqual(Buffer.alloc(0));
  });

  it('uses a fresh IV per wrap', () => {
    expect(aesGcmSeal(key, secret, aad).subarray(1, 13).equals(blob.subarray(1, 13))).toBe(false);
  });

  it('fails under other associated data (a blob copied to another record)', () => {
    expect(() => aesGcmOpen(key, blob, wrappingAad('key-material', arn, 'b'.repeat(64)))).toThrow(UnwrapError);
    expect(() => aesGcmOpen(key, blob, wrappingAad('access-key-secret', arn, 'a'.repeat(64)))).toThrow(UnwrapError);
    expect(() => aesGcmOpen(key, blob, Buffer.alloc(0))).toThrow(UnwrapError);
  });

  it('fails under another key', () => {
    expect(() => aesGcmOpen(randomBytes(32), blob, aad)).toThrow(UnwrapError);
  });

  it('fails for any flipped bit, any truncation and an unknown version', () => {
    for (let i = 0; i < blob.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const t = Buffer.from(blob);
        t[i] = (t[i] as number) ^ (1 << bit);
        expect(() => aesGcmOpen(key, t, aad)).toThrow(UnwrapError);
      }
    }
    for (let n = 0; n < blob.length; n++) expect(() => aesGcmOpen(key, blob.subarray(0, n), aad)).toThrow(UnwrapError);
  });

  it('requires a 32-byte key', () => {
    expect(() => aesGcmSeal(randomBytes(16), secret, aad)).toThrow(CryptoInputError);
    expect(() => aesGcmOpen(randomBytes(16), blob, aad)).toThrow(CryptoInputError);
  });
});
