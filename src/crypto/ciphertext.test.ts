import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import {
  MIN_CIPHERTEXT_LENGTH,
  MIN_HSM_CIPHERTEXT_LENGTH,
  openHsm,
  openSymmetric,
  parseCiphertext,
  sealHsm,
  sealSymmetric,
  type ParsedCiphertext,
  type ParsedHsmCiphertext,
  type ParsedSoftwareCiphertext,
} from './ciphertext.js';
import { encodeEncryptionContext } from './context.js';
import { CiphertextError, CryptoInputError, UnwrapError } from './errors.js';
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

/** A version-1 parse (the software layout); anything else fails the test. */
function parseV1(blob: Buffer): ParsedSoftwareCiphertext {
  const parsed = parseCiphertext(blob);
  if (parsed.version !== 1) throw new Error('expected a version-1 ciphertext');
  return parsed;
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

    const parsed = parseV1(blob);
    expect(parsed).toMatchObject({ version: 1, keyArn, materialId });
    expect(parsed.nonce).toEqual(Buffer.alloc(32, 1));
    expect(parsed.iv).toEqual(Buffer.alloc(12, 2));
    expect(parsed.tag.length).toBe(16);
  });

  it('uses a fresh nonce and IV per message', () => {
    const a = parseV1(seal());
    const b = parseV1(seal());
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
    const parsed = parseV1(blob);
    const forge = (o: Partial<ParsedSoftwareCiphertext>): ParsedSoftwareCiphertext => ({ ...parsed, ...o });
    expect(openSymmetric(forge({}), material, encryptionContext)).toEqual(plaintext);
    expectRejected(() => openSymmetric(forge({ keyArn: otherArn }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ materialId: 'b'.repeat(64) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ keyArn: 'not an arn' }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ nonce: parsed.nonce.subarray(1) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ iv: Buffer.alloc(16) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ tag: parsed.tag.subarray(0, 12) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ ciphertext: Buffer.alloc(0) }), material, encryptionContext));
    expectRejected(() => openSymmetric(forge({ version: 2 as unknown as 1 }), material, encryptionContext));
    const { nonce: _nonce, ...rest } = parsed;
    expectRejected(() => openSymmetric({ ...rest, version: 2 } as ParsedCiphertext, material, encryptionContext));
  });
});

describe('parseCiphertext is strict', () => {
  const blob = seal();

  it('rejects unknown magic and versions', () => {
    for (const [i, v] of [
      [0, 0x00],
      [3, 0x00],
      [4, 0x00],
      [4, 0x03],
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

/**
 * Version 2 (a key in a custom key store): the HSM is a stand-in here, AES-256-GCM under one key
 * with the KeyMaterialStore blob layout (0x01 || IV || ciphertext || tag) and UnwrapError for
 * every blob that does not open, as keystore/pkcs11 HsmMaterialStore behaves.
 */
describe('sealHsm / openHsm (version 2)', () => {
  const hsmKey = randomBytes(32);
  const aads: Buffer[] = [];
  const hsm = {
    async encrypt(p: Buffer, aad: Buffer): Promise<Buffer> {
      aads.push(aad);
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', hsmKey, iv);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(p), c.final()]);
      return Buffer.concat([Buffer.of(1), iv, ct, c.getAuthTag()]);
    },
    async decrypt(sealed: Buffer, aad: Buffer): Promise<Buffer> {
      try {
        if (sealed[0] !== 1) throw new Error('layout');
        const d = createDecipheriv('aes-256-gcm', hsmKey, sealed.subarray(1, 13), { authTagLength: 16 });
        d.setAAD(aad);
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        return Buffer.concat([d.update(sealed.subarray(13, sealed.length - 16)), d.final()]);
      } catch {
        throw new UnwrapError();
      }
    },
  };
  const sealV2 = (overrides: Partial<Parameters<typeof sealHsm>[0]> = {}): Promise<Buffer> =>
    sealHsm({ keyArn, materialId, plaintext, encryptionContext, encrypt: (p, a) => hsm.encrypt(p, a), ...overrides });
  /** openV2(blob) uses the sealing context; openV2(blob, undefined) really passes undefined. */
  const openV2 = (blob: Buffer, ...ctx: [Record<string, string> | undefined] | []): Promise<Buffer> =>
    openHsm(parseCiphertext(blob), ctx.length === 0 ? encryptionContext : ctx[0], (sealed, aad) =>
      hsm.decrypt(sealed, aad),
    );

  /** Every rejection, parse or open, is the same CiphertextError. */
  async function expectRejectedV2(blob: Buffer, ...ctx: [Record<string, string> | undefined] | []) {
    let caught: unknown;
    try {
      await openV2(blob, ...ctx);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CiphertextError);
    expect((caught as Error).message).toBe(new CiphertextError().message);
    expect((caught as Error).cause).toBeUndefined();
  }

  it('round-trips, with and without a context', async () => {
    expect(await openV2(await sealV2())).toEqual(plaintext);
    const noCtx = await sealV2({ encryptionContext: undefined });
    expect(await openV2(noCtx, undefined)).toEqual(plaintext);
    expect(await openV2(noCtx, {})).toEqual(plaintext);
    for (const p of [randomBytes(4096), Buffer.of(0)]) expect(await openV2(await sealV2({ plaintext: p }))).toEqual(p);
  });

  it('produces the documented layout, the AAD being the header and the encoded context', async () => {
    aads.length = 0;
    const blob = await sealV2();
    const arn = Buffer.from(keyArn, 'ascii');
    let at = 0;
    const take = (n: number): Buffer => blob.subarray(at, (at += n));
    expect(take(4).toString('ascii')).toBe('TRNT');
    expect(take(1)).toEqual(Buffer.of(2));
    expect(take(2).readUInt16BE(0)).toBe(arn.length);
    expect(take(arn.length)).toEqual(arn);
    expect(take(32)).toEqual(Buffer.from(materialId, 'hex'));
    const header = blob.subarray(0, at);
    expect(take(1)).toEqual(Buffer.of(1)); // the HSM blob's own version
    expect(take(12)).toHaveLength(12); // its IV
    expect(blob.length - at).toBe(plaintext.length + 16);
    expect(aads).toEqual([Buffer.concat([header, encodeEncryptionContext(encryptionContext)])]);

    const parsed = parseCiphertext(blob) as ParsedHsmCiphertext;
    expect(parsed).toMatchObject({ version: 2, keyArn, materialId });
    expect(parsed).not.toHaveProperty('nonce');
    expect(parsed.tag).toHaveLength(16);
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it('the shortest blob is 99 bytes', async () => {
    const b = await sealV2({ keyArn: 'arn:a:kms:a:000000000000:key/a', plaintext: Buffer.of(1) });
    expect(b.length).toBe(MIN_HSM_CIPHERTEXT_LENGTH);
    expect(MIN_HSM_CIPHERTEXT_LENGTH).toBe(99);
    expect(await openV2(b)).toEqual(Buffer.of(1));
    expect(() => parseCiphertext(b.subarray(0, b.length - 1))).toThrow(CiphertextError);
  });

  it('every changed bit, truncation, extension, and the wrong context are the same error', async () => {
    const blob = await sealV2();
    for (let i = 0; i < blob.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const t = Buffer.from(blob);
        t[i]! ^= bit;
        await expectRejectedV2(t);
      }
    }
    for (let n = 0; n < blob.length; n += 7) await expectRejectedV2(blob.subarray(0, n));
    await expectRejectedV2(Buffer.concat([blob, Buffer.of(0)]));
    await expectRejectedV2(blob, { ...encryptionContext, tenant: 'bob' });
    await expectRejectedV2(blob, {});
    await expectRejectedV2(blob, undefined);
  });

  it('another key ARN or material id in the header does not open', async () => {
    const blob = await sealV2();
    await expectRejectedV2(withArn(blob, otherArn));
    const t = Buffer.from(blob);
    t.write('b'.repeat(64), 7 + keyArn.length, 'hex');
    await expectRejectedV2(t);
  });

  it('never mixes versions: v2 is refused by openSymmetric, v1 by openHsm, and a swapped version byte', async () => {
    const v2 = await sealV2();
    expectRejected(() => openSymmetric(parseCiphertext(v2), material, encryptionContext));
    const v1 = seal();
    await expectRejectedV2(v1);
    const v1as2 = Buffer.from(v1);
    v1as2[4] = 2;
    // It may even parse as version 2 (the nonce's first byte being 0x01): it never opens.
    await expectRejectedV2(v1as2);
    expectRejected(() => openSymmetric(parseCiphertext(Buffer.from(v1as2)), material, encryptionContext));
    const v2as1 = Buffer.from(v2);
    v2as1[4] = 1;
    let parsed: ParsedCiphertext | undefined;
    try {
      parsed = parseCiphertext(v2as1);
    } catch (e) {
      expect(e).toBeInstanceOf(CiphertextError);
    }
    if (parsed) expectRejected(() => openSymmetric(parsed, material, encryptionContext));
  });

  it('refuses an HSM blob version other than 0x01 when parsing', async () => {
    const blob = await sealV2();
    for (const v of [0x00, 0x02, 0xff]) {
      const t = Buffer.from(blob);
      t[7 + keyArn.length + 32] = v;
      expectRejected(() => parseCiphertext(t));
    }
  });

  it('passes an unavailable HSM through, and refuses a blob of another layout from it', async () => {
    class HsmDown extends Error {}
    const down = async (): Promise<Buffer> => {
      throw new HsmDown('no HSM answers');
    };
    await expect(sealV2({ encrypt: down })).rejects.toBeInstanceOf(HsmDown);
    await expect(openHsm(parseCiphertext(await sealV2()), encryptionContext, down)).rejects.toBeInstanceOf(HsmDown);
    await expect(sealV2({ encrypt: async () => Buffer.alloc(40) })).rejects.toBeInstanceOf(CryptoInputError);
    const short = async (p: Buffer, a: Buffer) => (await hsm.encrypt(p, a)).subarray(1);
    await expect(sealV2({ encrypt: short })).rejects.toBeInstanceOf(CryptoInputError);
    await expect(sealV2({ plaintext: Buffer.alloc(0) })).rejects.toBeInstanceOf(CryptoInputError);
    await expect(sealV2({ keyArn: 'alias/foo' })).rejects.toBeInstanceOf(CryptoInputError);
  });
});
