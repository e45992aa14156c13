import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MIN_CIPHERTEXT_LENGTH,
  openSymmetric,
  parseCiphertext,
  sealSymmetric,
  type ParsedCiphertext,
} from './ciphertext.js';
import { CiphertextError, CryptoInputError } from './errors.js';
import { newMaterialId } from './random.js';

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const otherArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ac';
const materialId = 'a'.repeat(64);
const material = Buffer.alloc(32, 7);
const plaintext = Buffer.from('attack at dawn, bring the data key');
const encryptionContext = { purpose: 'test', tenant: 'alice' };

function seal(overrides: Partial<Parameters<typeof sealSymmetric>[0]> = {}): Buffer {
  return sealSymmetric({
    keyArn,
    materialId,
    material,
    plaintext,
    encryptionContext,
    ...overrides,
  });
}

/** decrypt(blob) uses the sealing context; decrypt(blob, m, undefined) really passes undefined. */
function decrypt(blob: Buffer, mat = material, ...ctx: [Record<string, string> | undefined] | []): Buffer {
  return openSymmetric(parseCiphertext(blob), mat, ctx.length === 0 ? encryptionContext : ctx[0]);
}

/** Every rejection is the same error: same class, same message, no cause. */
function expectRejected(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CiphertextError);
  const e = caught as CiphertextError;
  expect(e.message).toBe(new CiphertextError().message);
  expect(e.cause).toBeUndefined();
  expect(Object.keys(e)).toEqual(['name']); // nothing else rides along
}

/** Rebuilds a blob with a different header ARN, keeping every other byte. */
function withArn(blob: Buffer, arn: string): Buffer {
  const oldLen = blob.readUInt16BE(5);
  const arnBytes = Buffer.from(arn, 'ascii');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(arnBytes.length);
  return Buffer.concat([blob.subarray(0, 5), len, arnBytes, blob.subarray(7 + oldLen)]);
}

describe('sealSymmetric / openSymmetric', () => {
  it('round-trips, with and without a context', () => {
    expect(decrypt(seal())).toEqual(plaintext);
    const noCtx = seal({ encryptionContext: undefined });
    expect(decrypt(noCtx, material, undefined)).toEqual(plaintext);
    expect(decrypt(noCtx, material, {})).toEqual(plaintext);
  });

  it('round-trips a 4096-byte plaintext and a 1-byte plaintext', () => {
    for (const p of [randomBytes(4096), Buffer.of(0)]) expect(decrypt(seal({ plaintext: p }))).toEqual(p);
  });

  it('produces the documented layout', () => {
    let calls = 0;
    const random = (n: number): Buffer => Buffer.alloc(n, ++calls);
    const blob = seal({ random });
    const arn = Buffer.from(keyArn, 'ascii');
    let at = 0;
    const take = (n: number): Buffer => blob.subarray(at, (at += n));
    expect(take(4).toString('ascii')).toBe('TRNT');
    expect(take(1)).toEqual(Buffer.of(1));
    expect(take(2).readUInt16BE(0)).toBe(arn.length);
    expect(take(arn.length)).toEqual(arn);
    expect(take(32)).toEqual(Buffer.from(materialId, 'hex'));
    expect(take(32)).toEqual(Buffer.alloc(32, 1)); // nonce drawn first
    expect(take(12)).toEqual(Buffer.alloc(12, 2)); // then the IV
    expect(blob.length - at).toBe(plaintext.length + 16);

    const parsed = parseCiphertext(blob);
    expect(parsed).toMatchObject({ version: 1, keyArn, materialId });
    expect(parsed.nonce).toEqual(Buffer.alloc(32, 1));
    expect(parsed.iv).toEqual(Buffer.alloc(12, 2));
    expect(parsed.tag.length).toBe(16);
  });

  it('uses a fresh nonce and IV per message', () => {
    const a = parseCiphertext(seal());
    const b = parseCiphertext(seal());
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('derives a per-message key: same IV, different nonce gives unrelated ciphertext', () => {
    const fixedIv = (nonceByte: number) => (n: number) => Buffer.alloc(n, n === 32 ? nonceByte : 9);
    const a = parseCiphertext(seal({ random: fixedIv(1) }));
    const b = parseCiphertext(seal({ random: fixedIv(2) }));
    expect(a.iv).toEqual(b.iv);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('rejects bad inputs to seal as programming errors', () => {
    expect(() => seal({ keyArn: 'alias/foo' })).toThrow(CryptoInputError);
    expect(() => seal({ keyArn: keyArn + 'é' })).toThrow(CryptoInputError);
    expect(() => seal({ materialId: 'A'.repeat(64) })).toThrow(CryptoInputError);
    expect(() => seal({ materialId: 'a'.repeat(63) })).toThrow(CryptoInputError);
    expect(() => seal({ material: Buffer.alloc(16) })).toThrow(CryptoInputError);
    expect(() => seal({ plaintext: Buffer.alloc(0) })).toThrow(CryptoInputError);
    expect(() => seal({ random: (n) => Buffer.alloc(n - 1) })).toThrow(CryptoInputError);
  });
});

describe('tampering and misuse all give the same CiphertextError', () => {
  const blob = seal();

  it('flipping any single bit', () => {
    for (let i = 0; i < blob.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const t = Buffer.from(blob);
        t[i] = (t[i] as number) ^ (1 << bit);
        expectRejected(() => decrypt(t));
      }
    }
  });

  it('replacing any single byte with each of a few values', () => {
    for (let i = 0; i < blob.length; i++) {
      for (const v of [0x00, 0xff, 0x41]) {
        if (blob[i] === v) continue;
        const t = Buffer.from(blob);
        t[i] = v;
        expectRejected(() => decrypt(t));
      }
    }
  });

  it('truncating at every length, and appending bytes', () => {
    for (let n = 0; n < blob.length; n++) expectRejected(() => decrypt(blob.subarray(0, n)));
    expectRejected(() => decrypt(Buffer.concat([blob, Buffer.of(0)])));
    expectRejected(() => decrypt(Buffer.concat([blob, blob])));
  });

  it('removing any single byte', () => {
    for (let i = 0; i < blob.length; i++) {
      expectRejected(() => decrypt(Buffer.concat([blob.subarray(0, i), blob.subarray(i + 1)])));
    }
  });

  it('the wrong encryption context', () => {
    expectRejected(() => decrypt(blob, material, undefined));
    expectRejected(() => decrypt(blob, material, {}));
    expectRejected(() => decrypt(blob, material, { purpose: 'test' }));
    expectRejected(() => decrypt(blob, material, { ...encryptionContext, extra: '' }));
    expectRejected(() => decrypt(blob, material, { purpose: 'Test', tenant: 'alice' }));
    expectRejected(() => decrypt(blob, material, { Purpose: 'test', tenant: 'alice' }));
    expectRejected(() => decrypt(blob, material, { purpose: 'test', tenant: 'alice\uD800' }));
    expect(decrypt(blob, material, { tenant: 'alice', purpose: 'test' })).toEqual(plaintext);
  });

  it('the wrong key material, or material of the wrong length', () => {
    expectRejected(() => decrypt(blob, Buffer.alloc(32, 8)));
    expectRejected(() => decrypt(blob, randomBytes(32)));
    expectRejected(() => decrypt(blob, material.subarray(0, 31)));
    expectRejected(() => decrypt(blob, Buffer.concat([material, Buffer.of(0)])));
  });

  it('another valid key ARN in the header (same or different length)', () => {
    const same = withArn(blob, otherArn);
    expect(parseCiphertext(same).keyArn).toBe(otherArn);
    expectRejected(() => decrypt(same));
    const longer = withArn(blob, keyArn.replace('us-east-1', 'eu-central-1'));
    expect(parseCiphertext(longer).keyArn).toContain('eu-central-1');
    expectRejected(() => decrypt(longer));
  });

  it('another material id in the header', () => {
    const t = Buffer.from(blob);
    Buffer.from(newMaterialId(), 'hex').copy(t, 7 + keyArn.length);
    expectRejected(() => decrypt(t));
  });

  it('a parsed object whose fields were changed after parsing', () => {
    const parsed = parseCiphertext(blob);
    const forge = (o: Partial<ParsedCiphertext>): ParsedCiphertext => ({ ...parsed, ...o });
    expect(openSymmetric(forge({}), material, encryptionContext)).toEqual(plaintext);
    expectRejected(() => openSymmetric(forge({ keyArn: otherArn }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ materialId: 'b'.repeat(64) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ keyArn: 'not an arn' }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ nonce: parsed.nonce.subarray(1) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ iv: Buffer.alloc(16) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ tag: parsed.tag.subarray(0, 12) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ ciphertext: Buffer.alloc(0) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ version: 2 as unknown as 1 }), material, encryptionContext));
  });
});

describe('parseCiphertext is strict', () => {
  const blob = seal();

  it('rejects unknown magic and versions', () => {
    for (const [i, v] of [
      [0, 0x00],
      [3, 0x00],
      [4, 0x00],
      [4, 0x02],
      [4, 0xff],
    ] as const) {
      const t = Buffer.from(blob);
      t[i] = v;
      expectRejected(() => parseCiphertext(t));
    }
  });

  it('rejects an ARN length that points past the data, and oversized ARNs', () => {
    const t = Buffer.from(blob);
    t.writeUInt16BE(0xffff, 5);
    expectRejected(() => parseCiphertext(t));
    t.writeUInt16BE(0, 5);
    expectRejected(() => parseCiphertext(t));
    const long = `arn:aws:kms:us-east-1:111122223333:key/${'a'.repeat(300)}`;
    expectRejected(() => parseCiphertext(withArn(blob, long)));
  });

  it('rejects ARNs with invalid characters or shape', () => {
    for (const bad of [
      keyArn.replace('arn:', 'ARN:'),
      keyArn.replace('key/', 'alias/'),
      keyArn.replace('111122223333', '11112222333'),
      keyArn + ' ',
      keyArn + '\n',
      keyArn.replace('1234abcd', '1234abc\0'),
      keyArn.replace('key/', 'key/../'),
    ]) {
      expectRejected(() => parseCiphertext(withArn(blob, bad)));
    }
    const nonAscii = withArn(blob, keyArn);
    nonAscii[7 + keyArn.length - 1] = 0xe9; // last ARN byte becomes non-ASCII
    expectRejected(() => parseCiphertext(nonAscii));
  });

  it('rejects anything shorter than the minimum length', () => {
    expectRejected(() => parseCiphertext(Buffer.alloc(0)));
    expectRejected(() => parseCiphertext(blob.subarray(0, MIN_CIPHERTEXT_LENGTH - 1)));
    expectRejected(() => parseCiphertext('not a buffer' as unknown as Buffer));
  });

  it('copies its fields, so later changes to the blob do not reach them', () => {
    const t = Buffer.from(blob);
    const parsed = parseCiphertext(t);
    t.fill(0);
    expect(openSymmetric(parsed, material, encryptionContext)).toEqual(plaintext);
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it('accepts the shortest valid ARN', () => {
    const arn = 'arn:a:kms:a:000000000000:key/a';
    const b = seal({ keyArn: arn, plaintext: Buffer.of(1) });
    expect(b.length).toBe(MIN_CIPHERTEXT_LENGTH);
    expect(decrypt(b)).toEqual(Buffer.of(1));
  });
});

describe('documented constants', () => {
  it('the shortest blob is 130 bytes, as docs/ciphertext-format.md says', () => {
    expect(MIN_CIPHERTEXT_LENGTH).toBe(130);
  });
});
