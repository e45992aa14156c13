/**
 * Unwrapping imported key material: both wrapping families round trip through our own unwrap,
 * AES key wrap with padding runs the Wycheproof AES-KWP vectors (256-bit keys, the size KMS
 * uses), a ciphertext wrapped by OpenSSL's command line unwraps, every failure is the same
 * CiphertextError, and each importable key spec accepts exactly its material.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CiphertextError } from './errors.js';
import {
  aesKeyWrapPadUnwrap,
  IMPORTABLE_KEY_SPECS,
  importedMaterialId,
  sm2UnwrapImportedMaterial,
  sm2WrapForImport,
  unwrapImportedMaterial,
  wrapForImport,
  WRAPPING_ALGORITHMS,
  wrappingPublicKeySpki,
} from './key-import.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from '../../test/helpers/wycheproof.js';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });

const pkcs8 = (key: KeyObject): Buffer => key.export({ type: 'pkcs8', format: 'der' });

describe('unwrapImportedMaterial', () => {
  for (const [name, algorithm] of Object.entries(WRAPPING_ALGORITHMS)) {
    it(`${name} round trips 32 bytes`, () => {
      const material = randomBytes(32);
      const wrapped = wrapForImport(algorithm, rsa2048.publicKey, material);
      expect(wrapped.length).toBe(algorithm.aesKeyWrap ? 256 + 40 : 256);
      expect(unwrapImportedMaterial(algorithm, rsa2048.privateKey, wrapped)).toEqual(material);
    });
  }

  it('RSA_AES_KEY_WRAP carries an RSA-3072 private key (too long for RSA-OAEP)', () => {
    const material = pkcs8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const algorithm = WRAPPING_ALGORITHMS.RSA_AES_KEY_WRAP_SHA_256!;
    const wrapped = wrapForImport(algorithm, rsa3072.publicKey, material);
    expect(unwrapImportedMaterial(algorithm, rsa3072.privateKey, wrapped)).toEqual(material);
  });

  it('refuses, with one error, a changed byte, a truncation, the wrong hash or the wrong key', () => {
    const material = randomBytes(32);
    for (const [name, algorithm] of Object.entries(WRAPPING_ALGORITHMS)) {
      const wrapped = wrapForImport(algorithm, rsa2048.publicKey, material);
      const flipped = Buffer.from(wrapped);
      flipped[flipped.length - 1]! ^= 1;
      const otherHash = name.endsWith('SHA_1') ? name.replace('SHA_1', 'SHA_256') : name.replace('SHA_256', 'SHA_1');
      for (const [bad, key, alg] of [
        [flipped, rsa2048.privateKey, algorithm],
        [wrapped.subarray(0, wrapped.length - 8), rsa2048.privateKey, algorithm],
        [wrapped, rsa2048.privateKey, WRAPPING_ALGORITHMS[otherHash]!],
        [wrapped, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, algorithm],
      ] as const) {
        expect(() => unwrapImportedMaterial(alg, key, bad)).toThrow(CiphertextError);
      }
    }
  });

  it('unwraps what openssl pkeyutl and openssl enc -id-aes256-wrap-pad produce', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trent-kwp-'));
    try {
      const material = randomBytes(32);
      const aesKey = randomBytes(32);
      writeFileSync(join(dir, 'public.der'), wrappingPublicKeySpki(rsa2048.privateKey));
      writeFileSync(join(dir, 'material.bin'), material);
      writeFileSync(join(dir, 'aes.bin'), aesKey);
      execFileSync('openssl', [
        'pkeyutl',
        '-encrypt',
        '-pubin',
        '-keyform',
        'DER',
        '-inkey',
        join(dir, 'public.der'),
        '-in',
        join(dir, 'aes.bin'),
        '-out',
        join(dir, 'aes.wrapped'),
        '-pkeyopt',
        'rsa_padding_mode:oaep',
        '-pkeyopt',
        'rsa_oaep_md:sha256',
        '-pkeyopt',
        'rsa_mgf1_md:sha256',
      ]);
      execFileSync('openssl', [
        'enc',
        '-id-aes256-wrap-pad',
        '-K',
        aesKey.toString('hex'),
        '-iv',
        'A65959A6',
        '-in',
        join(dir, 'material.bin'),
        '-out',
        join(dir, 'material.wrapped'),
      ]);
      const wrapped = Buffer.concat([
        readFileSync(join(dir, 'aes.wrapped')),
        readFileSync(join(dir, 'material.wrapped')),
      ]);
      expect(
        unwrapImportedMaterial(WRAPPING_ALGORITHMS.RSA_AES_KEY_WRAP_SHA_256!, rsa2048.privateKey, wrapped),
      ).toEqual(material);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface KwpTest {
  tcId: number;
  key: string;
  msg: string;
  ct: string;
  result: 'valid' | 'invalid' | 'acceptable';
}

describe('AES-256 key wrap with padding: Wycheproof', () => {
  if (!wycheproofPresent('AES-KWP', ['aes_kwp_test.json'])) return;
  const file = JSON.parse(readFileSync(join(WYCHEPROOF_DIR, 'aes_kwp_test.json'), 'utf8')) as {
    testGroups: { keySize: number; tests: KwpTest[] }[];
  };
  const tests = file.testGroups.filter((g) => g.keySize === 256).flatMap((g) => g.tests);

  it('has vectors for 256-bit keys, valid and invalid, and no acceptable ones', () => {
    expect(tests.some((t) => t.result === 'valid')).toBe(true);
    expect(tests.some((t) => t.result === 'invalid')).toBe(true);
    expect(tests.filter((t) => t.result === 'acceptable')).toEqual([]);
  });

  it('unwraps every valid vector and refuses every invalid one with CiphertextError', () => {
    for (const t of tests) {
      const run = () => aesKeyWrapPadUnwrap(Buffer.from(t.key, 'hex'), Buffer.from(t.ct, 'hex'));
      if (t.result === 'valid') expect(run(), `tcId ${t.tcId}`).toEqual(Buffer.from(t.msg, 'hex'));
      else expect(run, `tcId ${t.tcId}`).toThrow(CiphertextError);
    }
  });
});

describe('IMPORTABLE_KEY_SPECS', () => {
  it('takes exactly 32 bytes for SYMMETRIC_DEFAULT and the HMAC ranges per spec', () => {
    const accepts = (spec: string, n: number) => IMPORTABLE_KEY_SPECS[spec]!.accept(randomBytes(n)) !== undefined;
    expect([31, 32, 33].map((n) => accepts('SYMMETRIC_DEFAULT', n))).toEqual([false, true, false]);
    expect([27, 28, 64, 65].map((n) => accepts('HMAC_224', n))).toEqual([false, true, true, false]);
    expect([31, 32, 64, 65].map((n) => accepts('HMAC_256', n))).toEqual([false, true, true, false]);
    expect([47, 48, 128, 129].map((n) => accepts('HMAC_384', n))).toEqual([false, true, true, false]);
    expect([63, 64, 128, 129].map((n) => accepts('HMAC_512', n))).toEqual([false, true, true, false]);
  });

  it('takes a PKCS#8 private key of the spec modulus or curve only', () => {
    const p256 = pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    const p384 = pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey);
    const rsa = pkcs8(rsa2048.privateKey);
    expect(IMPORTABLE_KEY_SPECS.ECC_NIST_P256!.accept(p256)).toEqual(p256);
    expect(IMPORTABLE_KEY_SPECS.ECC_NIST_P256!.accept(p384)).toBeUndefined();
    expect(IMPORTABLE_KEY_SPECS.ECC_NIST_P384!.accept(p384)).toEqual(p384);
    expect(IMPORTABLE_KEY_SPECS.RSA_2048!.accept(rsa)).toEqual(rsa);
    expect(IMPORTABLE_KEY_SPECS.RSA_3072!.accept(rsa)).toBeUndefined();
    expect(IMPORTABLE_KEY_SPECS.ECC_NIST_P256!.accept(rsa)).toBeUndefined();
    expect(IMPORTABLE_KEY_SPECS.RSA_2048!.accept(randomBytes(32))).toBeUndefined();
    expect(IMPORTABLE_KEY_SPECS.RSA_2048!.accept(rsa.subarray(0, rsa.length - 1))).toBeUndefined();
  });

  it('refuses an EC private key whose embedded public key is not its own', () => {
    const a = pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    const b = pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    // The last 65 bytes of node's P-256 PKCS#8 are the uncompressed public point.
    const mixed = Buffer.concat([a.subarray(0, a.length - 65), b.subarray(b.length - 65)]);
    expect(IMPORTABLE_KEY_SPECS.ECC_NIST_P256!.accept(mixed)).toBeUndefined();
  });
});

describe('importedMaterialId', () => {
  it('is 64 hex digits, the same for the same key and material, different otherwise', () => {
    const m = randomBytes(32);
    const id = importedMaterialId('key-1', m);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(importedMaterialId('key-1', Buffer.from(m))).toBe(id);
    expect(importedMaterialId('key-2', m)).not.toBe(id);
    expect(importedMaterialId('key-1', randomBytes(32))).not.toBe(id);
  });
});

describe('SM2PKE wrapping (China Regions)', () => {
  const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const spki = sm2.publicKey.export({ type: 'spki', format: 'der' });

  it('round trips symmetric and SM2 material, and refuses any changed byte with one error', () => {
    for (const material of [randomBytes(32), pkcs8(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey)]) {
      const wrapped = sm2WrapForImport(spki, material);
      expect(sm2UnwrapImportedMaterial(pkcs8(sm2.privateKey), wrapped)).toEqual(material);
      for (const at of [0, 10, wrapped.length - 1]) {
        const bad = Buffer.from(wrapped);
        bad[at]! ^= 1;
        expect(() => sm2UnwrapImportedMaterial(pkcs8(sm2.privateKey), bad)).toThrow(CiphertextError);
      }
    }
    expect(() => sm2UnwrapImportedMaterial(pkcs8(sm2.privateKey), Buffer.alloc(0))).toThrow(CiphertextError);
  });

  it('accepts SM2 private keys as SM2 material, and no other curve', () => {
    const accept = IMPORTABLE_KEY_SPECS.SM2!.accept;
    expect(accept(pkcs8(sm2.privateKey))).toBeDefined();
    expect(accept(pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey))).toBeUndefined();
    expect(accept(randomBytes(32))).toBeUndefined();
  });
});
