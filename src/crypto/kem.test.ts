import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  KEM_PARAMETER_SETS,
  KemCiphertextLengthError,
  kemDecapsulate,
  kemEncapsulate,
  kemKeyPairFromSeed,
  kemPublicKeyFromSpki,
  kemPublicKeySpki,
} from './kem.js';
import { CryptoInputError } from './errors.js';

const specs = Object.keys(KEM_PARAMETER_SETS);

describe.each(specs)('%s', (spec) => {
  const set = KEM_PARAMETER_SETS[spec]!;
  const seed = randomBytes(64);
  const pair = kemKeyPairFromSeed(spec, seed);

  it('derives the same key pair from the same seed, and another from another seed', () => {
    const again = kemKeyPairFromSeed(spec, Buffer.from(seed));
    expect(Buffer.from(again.publicKey).equals(Buffer.from(pair.publicKey))).toBe(true);
    expect(Buffer.from(again.secretKey).equals(Buffer.from(pair.secretKey))).toBe(true);
    const other = kemKeyPairFromSeed(spec, randomBytes(64));
    expect(Buffer.from(other.publicKey).equals(Buffer.from(pair.publicKey))).toBe(false);
    expect(pair.publicKey.length).toBe(set.publicKeyLength);
  });

  it('round-trips: decapsulation recovers the encapsulated 32-byte secret', () => {
    const { ciphertext, sharedSecret } = kemEncapsulate(spec, pair.publicKey);
    expect(ciphertext.length).toBe(set.ciphertextLength);
    expect(sharedSecret.length).toBe(32);
    expect(kemDecapsulate(spec, pair.secretKey, ciphertext).equals(sharedSecret)).toBe(true);
    // fresh randomness per encapsulation
    expect(kemEncapsulate(spec, pair.publicKey).sharedSecret.equals(sharedSecret)).toBe(false);
  });

  it('answers a changed ciphertext with the implicit-rejection value J(z || c) (FIPS 203 §6.3)', () => {
    const { ciphertext, sharedSecret } = kemEncapsulate(spec, pair.publicKey);
    for (const index of [0, ciphertext.length >> 1, ciphertext.length - 1]) {
      const tampered = Buffer.from(ciphertext);
      tampered[index]! ^= 0x01;
      const secret = kemDecapsulate(spec, pair.secretKey, tampered);
      expect(secret.length).toBe(32);
      expect(secret.equals(sharedSecret)).toBe(false);
      const z = seed.subarray(32, 64);
      const rejection = createHash('shake256', { outputLength: 32 }).update(z).update(tampered).digest();
      expect(secret.equals(rejection)).toBe(true);
    }
  });

  it('gives another key a pseudo-random secret, not an error', () => {
    const { ciphertext, sharedSecret } = kemEncapsulate(spec, pair.publicKey);
    const other = kemKeyPairFromSeed(spec, randomBytes(64));
    const secret = kemDecapsulate(spec, other.secretKey, ciphertext);
    expect(secret.length).toBe(32);
    expect(secret.equals(sharedSecret)).toBe(false);
  });

  it('refuses a ciphertext of the wrong length', () => {
    const { ciphertext } = kemEncapsulate(spec, pair.publicKey);
    for (const bad of [ciphertext.subarray(1), Buffer.concat([ciphertext, Buffer.alloc(1)]), Buffer.alloc(0)]) {
      expect(() => kemDecapsulate(spec, pair.secretKey, bad)).toThrow(KemCiphertextLengthError);
    }
  });

  it('encodes the public key as SubjectPublicKeyInfo and reads it back', () => {
    const spki = kemPublicKeySpki(spec, pair.publicKey);
    expect(spki.length).toBe(set.publicKeyLength + 22);
    expect(kemPublicKeyFromSpki(spec, spki).equals(Buffer.from(pair.publicKey))).toBe(true);
    const other = specs.find((s) => s !== spec)!;
    expect(() => kemPublicKeyFromSpki(other, spki)).toThrow(CryptoInputError);
  });
});

describe('SubjectPublicKeyInfo', () => {
  it('encodes ML-KEM-768 as SEQUENCE { SEQUENCE { id-alg-ml-kem-768 }, BIT STRING } with no parameters', () => {
    const spki = kemPublicKeySpki('ML_KEM_768', kemKeyPairFromSeed('ML_KEM_768', Buffer.alloc(64)).publicKey);
    expect(spki.subarray(0, 22).toString('hex')).toBe('308204b2300b060960864801650304040203820' + '4a100');
  });

  it('uses OIDs 2.16.840.1.101.3.4.4.1 to .3', () => {
    const oidBytes = (spec: string): string =>
      kemPublicKeySpki(spec, kemKeyPairFromSeed(spec, Buffer.alloc(64)).publicKey)
        .subarray(4, 17)
        .toString('hex');
    expect(oidBytes('ML_KEM_512')).toBe('300b0609608648016503040401');
    expect(oidBytes('ML_KEM_1024')).toBe('300b0609608648016503040403');
  });
});

describe('input checks', () => {
  it('refuses a seed that is not 64 bytes and a spec that is not ML-KEM', () => {
    expect(() => kemKeyPairFromSeed('ML_KEM_768', Buffer.alloc(32))).toThrow(CryptoInputError);
    expect(() => kemKeyPairFromSeed('ML_DSA_65', Buffer.alloc(64))).toThrow(CryptoInputError);
  });
});
