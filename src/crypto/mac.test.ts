/**
 * The MAC table and functions, with the Wycheproof HMAC vectors (../shared/wycheproof) through
 * computeMac and verifyMac. Absent vectors skip the Wycheproof part locally and fail it in CI.
 *
 * Truncated tags: Wycheproof has groups whose tagSize is half the hash length (an application that
 * truncates). KMS never truncates (GenerateMac returns the full HMAC; VerifyMac compares full
 * tags), so for those groups the valid cases must be the prefix of our full MAC, and verifyMac must
 * refuse every truncated tag, valid or not. Key sizes other than the KMS key spec's (e.g. 112-bit
 * or 520-bit keys) run too: HMAC accepts any key length and the functions take the key as given.
 * The HMAC files have no "acceptable" cases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeMac, MAC_ALGORITHMS, verifyMac } from './mac.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from '../../test/helpers/wycheproof.js';

const FILES: Record<string, string> = {
  HMAC_SHA_224: 'hmac_sha224_test.json',
  HMAC_SHA_256: 'hmac_sha256_test.json',
  HMAC_SHA_384: 'hmac_sha384_test.json',
  HMAC_SHA_512: 'hmac_sha512_test.json',
};
const present = wycheproofPresent('HMAC', Object.values(FILES));

interface MacTest {
  tcId: number;
  key: string;
  msg: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface MacVectors {
  testGroups: Array<{ keySize: number; tagSize: number; tests: MacTest[] }>;
}
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('MAC_ALGORITHMS', () => {
  it('has one row per KMS MacAlgorithmSpec, each fitting one HMAC key spec', () => {
    expect(Object.keys(MAC_ALGORITHMS).sort()).toEqual([
      'HMAC_SHA_224',
      'HMAC_SHA_256',
      'HMAC_SHA_384',
      'HMAC_SHA_512',
    ]);
    expect(new Set(Object.values(MAC_ALGORITHMS).map((a) => a.keySpec)).size).toBe(4);
  });

  it('computes full-length HMACs (RFC 4231 test case 2)', () => {
    const key = Buffer.from('Jefe');
    const msg = Buffer.from('what do ya want for nothing?');
    expect(computeMac('HMAC_SHA_256', key, msg).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    for (const [name, alg] of Object.entries(MAC_ALGORITHMS)) {
      expect(computeMac(name, key, msg)).toEqual(createHmac(alg.hash, key).update(msg).digest());
      expect(computeMac(name, key, msg)).toHaveLength(alg.macBytes);
    }
  });

  it('verifyMac refuses changed, truncated and extended tags', () => {
    const key = Buffer.alloc(32, 7);
    const msg = Buffer.from('message');
    const mac = computeMac('HMAC_SHA_256', key, msg);
    expect(verifyMac('HMAC_SHA_256', key, msg, mac)).toBe(true);
    expect(verifyMac('HMAC_SHA_256', key, Buffer.from('messagE'), mac)).toBe(false);
    expect(verifyMac('HMAC_SHA_256', key, msg, mac.subarray(0, 31))).toBe(false);
    expect(verifyMac('HMAC_SHA_256', key, msg, Buffer.concat([mac, Buffer.of(0)]))).toBe(false);
    const flipped = Buffer.from(mac);
    flipped[5] = (flipped[5] ?? 0) ^ 1;
    expect(verifyMac('HMAC_SHA_256', key, msg, flipped)).toBe(false);
    expect(verifyMac('HMAC_SHA_384', key, msg, mac)).toBe(false);
  });

  it('refuses an unknown algorithm', () => {
    expect(() => computeMac('HMAC_MD5', Buffer.alloc(16), Buffer.alloc(1))).toThrow('unknown MAC algorithm');
  });
});

describe.runIf(present)('Wycheproof HMAC', () => {
  for (const [algorithm, file] of Object.entries(FILES)) {
    it(`${algorithm}: ${file} through computeMac and verifyMac`, () => {
      const vectors = JSON.parse(readFileSync(join(WYCHEPROOF_DIR, file), 'utf8')) as MacVectors;
      const fullBits = (MAC_ALGORITHMS[algorithm]?.macBytes ?? 0) * 8;
      let valid = 0;
      let invalid = 0;
      let truncated = 0;
      for (const group of vectors.testGroups) {
        for (const t of group.tests) {
          const label = `${file} tcId ${t.tcId}`;
          const tag = hex(t.tag);
          expect(t.result, label).not.toBe('acceptable');
          if (group.tagSize === fullBits) {
            expect(verifyMac(algorithm, hex(t.key), hex(t.msg), tag), label).toBe(t.result === 'valid');
            if (t.result === 'valid') {
              expect(computeMac(algorithm, hex(t.key), hex(t.msg)).toString('hex'), label).toBe(t.tag);
              valid++;
            } else invalid++;
          } else {
            // KMS never truncates: a truncated tag never verifies; a valid one is our MAC's prefix.
            expect(verifyMac(algorithm, hex(t.key), hex(t.msg), tag), label).toBe(false);
            const prefix = computeMac(algorithm, hex(t.key), hex(t.msg)).subarray(0, group.tagSize / 8);
            expect(prefix.equals(tag), label).toBe(t.result === 'valid');
            truncated++;
          }
        }
      }
      expect(valid).toBeGreaterThan(20);
      expect(invalid).toBeGreaterThan(20);
      expect(truncated).toBeGreaterThan(20);
    });
  }
});
