/**
 * Key material per KeySpec (STYLE rule 3: a table, one row per spec). Material is what the key
 * store wraps: 32 random bytes for SYMMETRIC_DEFAULT, the raw key for HMAC, the private key as
 * PKCS#8 DER for RSA, elliptic-curve and Ed25519 keys, and the 32-byte seed for ML-DSA and ML-KEM
 * keys (their private keys are derived from it deterministically, FIPS 204 and FIPS 203).
 *
 * Each row also says where its generation runs, chosen by measuring (Node 20, one core of a 2-core
 * machine): RSA takes 150 ms (2048 bits) to 1.5 s and more (4096 bits), so it runs on the
 * key-generation threads (keygen-pool.ts); EC and Ed25519 take 0.2 ms (P-256, Ed25519) to 2.2 ms
 * (P-521), short enough for libuv's thread pool beside the data plane; random bytes take
 * microseconds on the event loop.
 */
import { randomBytes } from 'node:crypto';
import { generatePrivateKeyOnLibuv, type KeyPairParams } from './keygen-job.js';
import type { KeyPairGenerator } from './keygen-pool.js';

/** Where a row's generation runs. */
export type GenerationThread = 'event-loop' | 'libuv-pool' | 'keygen-pool';

export interface MaterialGenerator {
  runsOn: GenerationThread;
  generate(keyGeneration: KeyPairGenerator): Promise<Buffer>;
}

const random = (bytes: number): MaterialGenerator => ({
  runsOn: 'event-loop',
  generate: async () => randomBytes(bytes),
});

const onKeygenPool = (params: KeyPairParams): MaterialGenerator => ({
  runsOn: 'keygen-pool',
  generate: (keyGeneration) => keyGeneration.generateKeyPair(params),
});

const onLibuvPool = (params: KeyPairParams): MaterialGenerator => ({
  runsOn: 'libuv-pool',
  generate: () => generatePrivateKeyOnLibuv(params),
});

const rsa = (modulusLength: number): KeyPairParams => ({ type: 'rsa', modulusLength, publicExponent: 0x10001 });
const ec = (namedCurve: string): KeyPairParams => ({ type: 'ec', namedCurve });

export const MATERIAL_GENERATORS: Readonly<Record<string, MaterialGenerator>> = {
  SYMMETRIC_DEFAULT: random(32),
  HMAC_224: random(28),
  HMAC_256: random(32),
  HMAC_384: random(48),
  HMAC_512: random(64),
  RSA_2048: onKeygenPool(rsa(2048)),
  RSA_3072: onKeygenPool(rsa(3072)),
  RSA_4096: onKeygenPool(rsa(4096)),
  ECC_NIST_P256: onLibuvPool(ec('prime256v1')),
  ECC_NIST_P384: onLibuvPool(ec('secp384r1')),
  ECC_NIST_P521: onLibuvPool(ec('secp521r1')),
  ECC_SECG_P256K1: onLibuvPool(ec('secp256k1')),
  ECC_NIST_EDWARDS25519: onLibuvPool({ type: 'ed25519' }),
  SM2: onLibuvPool(ec('SM2')),
  ML_DSA_44: random(32),
  ML_DSA_65: random(32),
  ML_DSA_87: random(32),
  ML_KEM_512: random(64),
  ML_KEM_768: random(64),
  ML_KEM_1024: random(64),
};

/** New material for a key of `keySpec`; slow generations go to `keyGeneration`. */
export async function generateKeyMaterial(keySpec: string, keyGeneration: KeyPairGenerator): Promise<Buffer> {
  const row = MATERIAL_GENERATORS[keySpec];
  if (!row) throw new Error(`no material generator for key spec ${keySpec}`);
  return row.generate(keyGeneration);
}
