/**
 * Wycheproof vectors (../shared/wycheproof, beside the repository) through Trent's own AES-GCM and
 * HKDF code paths. Absent vectors skip the suite locally and fail it in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gcmDecrypt, gcmEncrypt } from './gcm.js';
import { hkdfSha256 } from './hkdf.js';
import { aesGcmOpen, UnwrapError } from './index.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from '../../test/helpers/wycheproof.js';

const present = wycheproofPresent('AES-GCM and HKDF', ['aes_gcm_test.json', 'hkdf_sha256_test.json']);

interface Vectors<T> {
  testGroups: Array<Record<string, unknown> & { tests: T[] }>;
}
interface AeadTest {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface HkdfTest {
  tcId: number;
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: 'valid' | 'invalid' | 'acceptable';
}

function load<T>(file: string): Vectors<T> {
  return JSON.parse(readFileSync(join(WYCHEPROOF_DIR, file), 'utf8')) as Vectors<T>;
}
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe.runIf(present)('Wycheproof AES-GCM (96-bit IV, 128-bit tag)', () => {
  const groups = present
    ? load<AeadTest>('aes_gcm_test.json').testGroups.filter((g) => g.ivSize === 96 && g.tagSize === 128)
    : [];
  const cases = groups.flatMap((g) => g.tests.map((t) => ({ ...t, keySize: g.keySize as number })));

  it('covers every key size, with valid and invalid cases', () => {
    expect(new Set(cases.map((c) => c.keySize))).toEqual(new Set([128, 192, 256]));
    expect(cases.some((c) => c.result === 'invalid' && c.keySize === 256)).toBe(true);
    expect(cases.filter((c) => c.keySize === 256).length).toBeGreaterThan(50);
  });

  it('gcmDecrypt opens every valid case and rejects every invalid one', () => {
    for (const t of cases) {
      const open = (): Buffer => gcmDecrypt(hex(t.key), hex(t.iv), hex(t.ct), hex(t.tag), hex(t.aad));
      if (t.result === 'valid') expect(open(), `tcId ${t.tcId}`).toEqual(hex(t.msg));
      else expect(open, `tcId ${t.tcId}`).toThrow();
    }
  });

  it('gcmEncrypt reproduces every valid case', () => {
    for (const t of cases.filter((c) => c.result === 'valid')) {
      const { ciphertext, tag } = gcmEncrypt(hex(t.key), hex(t.iv), hex(t.msg), hex(t.aad));
      expect(ciphertext.toString('hex'), `tcId ${t.tcId}`).toBe(t.ct);
      expect(tag.toString('hex'), `tcId ${t.tcId}`).toBe(t.tag);
    }
  });

  it('aesGcmOpen (the wrapping format) agrees on every 256-bit case', () => {
    for (const t of cases.filter((c) => c.keySize === 256)) {
      const blob = Buffer.concat([Buffer.of(1), hex(t.iv), hex(t.ct), hex(t.tag)]);
      const open = (): Buffer => aesGcmOpen(hex(t.key), blob, hex(t.aad));
      if (t.result === 'valid') expect(open(), `tcId ${t.tcId}`).toEqual(hex(t.msg));
      else expect(open, `tcId ${t.tcId}`).toThrow(UnwrapError);
    }
  });

  it('rejects truncated tags on valid cases (authTagLength is fixed at 16)', () => {
    for (const t of cases.filter((c) => c.result === 'valid').slice(0, 20)) {
      for (const n of [4, 8, 12, 15]) {
        expect(() => gcmDecrypt(hex(t.key), hex(t.iv), hex(t.ct), hex(t.tag).subarray(0, n), hex(t.aad))).toThrow();
      }
    }
  });

  it('refuses IVs other than 96 bits, whatever the vector says', () => {
    const other = present
      ? load<AeadTest>('aes_gcm_test.json')
          .testGroups.filter((g) => g.ivSize !== 96)
          .flatMap((g) => g.tests)
      : [];
    expect(other.length).toBeGreaterThan(0);
    for (const t of other) {
      expect(() => gcmDecrypt(hex(t.key), hex(t.iv), hex(t.ct), hex(t.tag), hex(t.aad)), `tcId ${t.tcId}`).toThrow();
    }
  });
});

describe.runIf(present)('Wycheproof HKDF-SHA-256', () => {
  const cases = present ? load<HkdfTest>('hkdf_sha256_test.json').testGroups.flatMap((g) => g.tests) : [];

  it('hkdfSha256 matches every valid case and rejects every invalid one', () => {
    expect(cases.length).toBeGreaterThan(80);
    expect(cases.some((c) => c.result === 'invalid')).toBe(true);
    for (const t of cases) {
      const derive = (): Buffer => hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size);
      if (t.result === 'valid') expect(derive().toString('hex'), `tcId ${t.tcId}`).toBe(t.okm);
      else expect(derive, `tcId ${t.tcId}`).toThrow();
    }
  });
});
