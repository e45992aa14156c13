import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEncryptionContext } from './context.js';
import { CryptoInputError } from './errors.js';

// Strings built from separators, length-like bytes and empty strings: the inputs that break
// naive encodings such as "k=v;k=v" or unprefixed concatenation.
const tricky = fc.oneof(
  fc.string({
    unit: fc.constantFrom('', '=', ';', ',', ':', '\0', '\u0001', '\u0004', 'a', 'é', '😀', '"'),
  }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const context = fc.dictionary(tricky, tricky, { maxKeys: 6 });

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (seed + i * 7919) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function sameContext(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

describe('encodeEncryptionContext', () => {
  it('encodes the documented layout', () => {
    const got = encodeEncryptionContext({ b: '2', a: '' });
    expect(got.toString('hex')).toBe(
      '00000002' + '00000001' + '61' + '00000000' + '00000001' + '62' + '00000001' + '32',
    );
  });

  it('encodes undefined and {} identically', () => {
    expect(encodeEncryptionContext(undefined)).toEqual(encodeEncryptionContext({}));
    expect(encodeEncryptionContext({}).toString('hex')).toBe('00000000');
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF61 < U+1F600 in UTF-8 but not in UTF-16 (0xFF61 > 0xD83D).
    const enc = encodeEncryptionContext({ '\u{1F600}': 'x', '\uFF61': 'y' });
    const firstKey = enc.subarray(8, 8 + enc.readUInt32BE(4)).toString('utf8');
    expect(firstKey).toBe('\uFF61');
  });

  it('is injective: distinct contexts never encode alike', () => {
    fc.assert(
      fc.property(context, context, (a, b) => {
        const same = encodeEncryptionContext(a).equals(encodeEncryptionContext(b));
        expect(same).toBe(sameContext(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('is injective on near-miss pairs (one field moved across a boundary)', () => {
    const pairs: Array<[Record<string, string>, Record<string, string>]> = [
      [{ ab: 'c' }, { a: 'bc' }],
      [{ a: '', b: '' }, { a: 'b' }],
      [{ '': '' }, {}],
      [{ a: '\u0000\u0000\u0000\u0001b' }, { a: '', b: '' }],
      [{ 'a=b': 'c' }, { a: 'b=c' }],
    ];
    for (const [a, b] of pairs) {
      expect(encodeEncryptionContext(a).equals(encodeEncryptionContext(b))).toBe(false);
    }
  });

  it('does not depend on insertion order', () => {
    fc.assert(
      fc.property(context, fc.nat(), (ctx, seed) => {
        const reordered = Object.fromEntries(shuffled(Object.entries(ctx), seed));
        expect(encodeEncryptionContext(reordered)).toEqual(encodeEncryptionContext(ctx));
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects lone surrogates, which UTF-8 encoding would merge with U+FFFD', () => {
    expect(() => encodeEncryptionContext({ '\uD800': 'a' })).toThrow(CryptoInputError);
    expect(() => encodeEncryptionContext({ a: 'x\uDC00' })).toThrow(CryptoInputError);
    expect(encodeEncryptionContext({ '\uFFFD': 'a' }).length).toBeGreaterThan(4);
  });

  it('stays injective over arbitrary UTF-16 (lone surrogates are refused, never merged)', () => {
    const anyUnit = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 3,
    });
    const utf16 = fc.oneof(anyUnit, fc.constantFrom('\uFFFD', '\uD800', '\uDFFF', '\uD83D\uDE00'));
    const ctx16 = fc.dictionary(utf16, utf16, { maxKeys: 3 });
    const tryEncode = (c: Record<string, string>): Buffer | undefined => {
      try {
        return encodeEncryptionContext(c);
      } catch (e) {
        expect(e).toBeInstanceOf(CryptoInputError);
        expect(JSON.stringify(c)).toMatch(/\\ud[89a-f]/i); // only ill-formed input is refused
        return undefined;
      }
    };
    fc.assert(
      fc.property(ctx16, ctx16, (a, b) => {
        const ea = tryEncode(a);
        const eb = tryEncode(b);
        if (ea && eb) expect(ea.equals(eb)).toBe(sameContext(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects non-string values', () => {
    expect(() => encodeEncryptionContext({ a: 1 } as unknown as Record<string, string>)).toThrow(CryptoInputError);
  });

  it('treats __proto__ as an ordinary key', () => {
    const ctx = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    expect(encodeEncryptionContext(ctx)).not.toEqual(encodeEncryptionContext({}));
  });
});
