/**
 * ML-KEM (FIPS 203) key encapsulation, one table row per key spec (STYLE rule 3). node:crypto on
 * Node 20 has no ML-KEM, so the parameter sets come from @noble/post-quantum. A key's material is
 * the 64-byte seed d || z of ML-KEM.KeyGen_internal (FIPS 203 §6.1); the key pair is derived from
 * it deterministically, so only the seed is wrapped and stored.
 */
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { der, subjectPublicKeyInfo } from './der.js';
import { CryptoInputError } from './errors.js';

type NobleKem = typeof ml_kem768;

export interface KemParameterSet {
  /** The KMS key spec. */
  readonly keySpec: string;
  /** FIPS 203 parameter set name. */
  readonly name: string;
  /**
   * Object identifier of the parameter set in SubjectPublicKeyInfo, id-alg-ml-kem-* from NIST's
   * Computer Security Objects Register (draft-ietf-lamps-kyber-certificates, "Algorithm Identifiers").
   */
  readonly oid: string;
  readonly publicKeyLength: number;
  readonly ciphertextLength: number;
  readonly kem: NobleKem;
}

/** FIPS 203 Table 3 sizes: encapsulation key, ciphertext; the shared secret is 32 bytes. */
export const KEM_PARAMETER_SETS: Readonly<Record<string, KemParameterSet>> = {
  ML_KEM_512: {
    keySpec: 'ML_KEM_512',
    name: 'ML-KEM-512',
    oid: '2.16.840.1.101.3.4.4.1',
    publicKeyLength: 800,
    ciphertextLength: 768,
    kem: ml_kem512,
  },
  ML_KEM_768: {
    keySpec: 'ML_KEM_768',
    name: 'ML-KEM-768',
    oid: '2.16.840.1.101.3.4.4.2',
    publicKeyLength: 1184,
    ciphertextLength: 1088,
    kem: ml_kem768,
  },
  ML_KEM_1024: {
    keySpec: 'ML_KEM_1024',
    name: 'ML-KEM-1024',
    oid: '2.16.840.1.101.3.4.4.3',
    publicKeyLength: 1568,
    ciphertextLength: 1568,
    kem: ml_kem1024,
  },
};

/** The shared secret's length for every parameter set (FIPS 203 §7). */
export const KEM_SHARED_SECRET_LENGTH = 32;
/** The seed d || z (FIPS 203 §6.1, Algorithm 16 inputs). */
export const KEM_SEED_LENGTH = 64;

export interface KemKeyPair {
  /** Encapsulation key ek, raw (FIPS 203 ByteEncode form). */
  readonly publicKey: Uint8Array;
  /** Decapsulation key dk, raw. Never leaves the process. */
  readonly secretKey: Uint8Array;
}

/**
 * Thrown for a ciphertext whose length does not match the parameter set: the one case in which
 * decapsulation fails. Any other ciphertext decapsulates to some 32-byte value (implicit
 * rejection, FIPS 203 §6.3). The message is fixed.
 */
export class KemCiphertextLengthError extends Error {
  constructor() {
    super('Ciphertext length does not match the parameter set');
    this.name = 'KemCiphertextLengthError';
  }
}

function parameterSet(keySpec: string): KemParameterSet {
  const set = KEM_PARAMETER_SETS[keySpec];
  if (!set) throw new CryptoInputError('keySpec is not an ML-KEM key spec');
  return set;
}

/** The key pair of an ML-KEM key from its 64-byte seed (ML-KEM.KeyGen_internal(d, z)). */
export function kemKeyPairFromSeed(keySpec: string, seed: Uint8Array): KemKeyPair {
  if (seed.length !== KEM_SEED_LENGTH) throw new CryptoInputError('seed must be 64 bytes');
  const { publicKey, secretKey } = parameterSet(keySpec).kem.keygen(seed);
  return { publicKey, secretKey };
}

/** ML-KEM.Encaps to `publicKey` with fresh randomness: the ciphertext and the shared secret. */
export function kemEncapsulate(keySpec: string, publicKey: Uint8Array): { ciphertext: Buffer; sharedSecret: Buffer } {
  const set = parameterSet(keySpec);
  if (publicKey.length !== set.publicKeyLength) throw new CryptoInputError('publicKey has the wrong length');
  const { cipherText, sharedSecret } = set.kem.encapsulate(publicKey);
  return { ciphertext: Buffer.from(cipherText), sharedSecret: Buffer.from(sharedSecret) };
}

/**
 * ML-KEM.Decaps. A ciphertext of the wrong length is KemCiphertextLengthError; any other one yields
 * a 32-byte secret, the implicit-rejection value when it was not made for this key.
 */
export function kemDecapsulate(keySpec: string, secretKey: Uint8Array, ciphertext: Uint8Array): Buffer {
  const set = parameterSet(keySpec);
  if (ciphertext.length !== set.ciphertextLength) throw new KemCiphertextLengthError();
  return Buffer.from(set.kem.decapsulate(ciphertext, secretKey));
}

// ---- SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with the parameters field absent, as the ML-KEM
// certificate profile (draft-ietf-lamps-kyber-certificates) requires -------------------------

function derOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const body: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift(0x80 | (v & 0x7f));
    body.push(...base128);
  }
  return der(0x06, Buffer.from(body));
}

/** The DER SubjectPublicKeyInfo of an ML-KEM encapsulation key, as GetPublicKey returns it. */
export function kemPublicKeySpki(keySpec: string, publicKey: Uint8Array): Buffer {
  const set = parameterSet(keySpec);
  if (publicKey.length !== set.publicKeyLength) throw new CryptoInputError('publicKey has the wrong length');
  return subjectPublicKeyInfo(der(0x30, derOid(set.oid)), publicKey);
}

/**
 * The raw encapsulation key inside an ML-KEM SubjectPublicKeyInfo of `keySpec`, or a
 * CryptoInputError when `spki` is anything else.
 */
export function kemPublicKeyFromSpki(keySpec: string, spki: Uint8Array): Buffer {
  const set = parameterSet(keySpec);
  const prefix = kemPublicKeySpki(keySpec, new Uint8Array(set.publicKeyLength)).subarray(0, -set.publicKeyLength);
  const input = Buffer.from(spki);
  if (input.length !== prefix.length + set.publicKeyLength || !input.subarray(0, prefix.length).equals(prefix)) {
    throw new CryptoInputError('spki is not an encapsulation key of this parameter set');
  }
  return input.subarray(prefix.length);
}
