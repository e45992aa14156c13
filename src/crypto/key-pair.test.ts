import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { kemKeyPairFromSeed, kemPublicKeySpki } from './kem.js';
import { DATA_KEY_PAIR_SPECS, generateDataKeyPair } from './key-pair.js';
import { KeyGenerationPool } from './keygen-pool.js';

const pool = new KeyGenerationPool({ threads: 1, maxQueued: 8 });
afterAll(() => pool.close());

describe('data key pairs', () => {
  it("covers the model's DataKeyPairSpec values, SM2 marked China-only", () => {
    expect(Object.keys(DATA_KEY_PAIR_SPECS).sort()).toEqual(
      [
        'ECC_NIST_EDWARDS25519',
        'ECC_NIST_P256',
        'ECC_NIST_P384',
        'ECC_NIST_P521',
        'ECC_SECG_P256K1',
        'RSA_2048',
        'RSA_3072',
        'RSA_4096',
        'SM2',
        'ML_KEM_512',
        'ML_KEM_768',
        'ML_KEM_1024',
      ].sort(),
    );
    expect(
      Object.entries(DATA_KEY_PAIR_SPECS)
        .filter(([, r]) => r.chinaOnly)
        .map(([s]) => s),
    ).toEqual(['SM2']);
  });

  it('generates RSA pairs on the key-generation pool and the rest where measured fast enough', () => {
    const runsOn = Object.fromEntries(Object.entries(DATA_KEY_PAIR_SPECS).map(([spec, row]) => [spec, row.runsOn]));
    expect(runsOn).toEqual({
      RSA_2048: 'keygen-pool',
      RSA_3072: 'keygen-pool',
      RSA_4096: 'keygen-pool',
      ECC_NIST_P256: 'libuv-pool',
      ECC_NIST_P384: 'libuv-pool',
      ECC_NIST_P521: 'libuv-pool',
      ECC_SECG_P256K1: 'libuv-pool',
      ECC_NIST_EDWARDS25519: 'libuv-pool',
      SM2: 'libuv-pool',
      ML_KEM_512: 'event-loop',
      ML_KEM_768: 'event-loop',
      ML_KEM_1024: 'event-loop',
    });
  });

  it('returns a PKCS#8 private key and the SPKI public key that belongs to it', async () => {
    for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'SM2']) {
      const { privateKey, publicKey } = await generateDataKeyPair(spec, pool);
      const parsed = createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' });
      expect(createPublicKey(parsed).export({ format: 'der', type: 'spki' }).equals(publicKey), spec).toBe(true);
    }
  });

  it('ML-KEM: PKCS#8 in the RFC 9935 seed-only form, whose seed gives the SPKI public key', async () => {
    // RFC 9935 Appendix C prints ML-KEM-512's seed-only key as base64 "MFQCAQAwCwYJYIZIAWUDBAQBBEKAQ...".
    const rfcPrefix512 = Buffer.from('MFQCAQAwCwYJYIZIAWUDBAQBBEKAQAAB', 'base64').subarray(0, 22);
    for (const [spec, arc] of [
      ['ML_KEM_512', 1],
      ['ML_KEM_768', 2],
      ['ML_KEM_1024', 3],
    ] as const) {
      const { privateKey, publicKey } = await generateDataKeyPair(spec, pool);
      expect(privateKey.length).toBe(22 + 64);
      const prefix = Buffer.from(rfcPrefix512);
      prefix[17] = arc;
      expect(privateKey.subarray(0, 22).equals(prefix), spec).toBe(true);
      const derived = kemKeyPairFromSeed(spec, privateKey.subarray(22));
      expect(kemPublicKeySpki(spec, derived.publicKey).equals(publicKey), spec).toBe(true);
    }
  });
});
