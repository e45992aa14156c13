/**
 * Key material per KeySpec (STYLE rule 3: a table, one row per spec). Material is what the key
 * store wraps: 32 random bytes for SYMMETRIC_DEFAULT, the raw key for HMAC, the private key as
 * PKCS#8 DER for RSA, elliptic-curve and Ed25519 keys, and the 32-byte seed for ML-DSA and ML-KEM
 * keys (their private keys are derived from it deterministically, FIPS 204 and FIPS 203).
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

type Generator = () => Promise<Buffer>;

const random =
  (bytes: number): Generator =>
  async () =>
    randomBytes(bytes);

/** RSA generation takes long (seconds for 4096 bits); it runs on libuv's thread pool. */
const rsa =
  (modulusLength: number): Generator =>
  async () => {
    const { privateKey } = await generateKeyPairAsync('rsa', {
      modulusLength,
      publicExponent: 0x10001,
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      publicKeyEncoding: { type: 'spki', format: 'der' },
    });
    return privateKey as unknown as Buffer;
  };

const ec =
  (namedCurve: string): Generator =>
  async () => {
    const { privateKey } = await generateKeyPairAsync('ec', {
      namedCurve,
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      publicKeyEncoding: { type: 'spki', format: 'der' },
    });
    return privateKey as unknown as Buffer;
  };

const ed25519: Generator = async () => {
  const { privateKey } = await generateKeyPairAsync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  return privateKey as unknown as Buffer;
};

export const MATERIAL_GENERATORS: Readonly<Record<string, Generator>> = {
  SYMMETRIC_DEFAULT: random(32),
  HMAC_224: random(28),
  HMAC_256: random(32),
  HMAC_384: random(48),
  HMAC_512: random(64),
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ec('prime256v1'),
  ECC_NIST_P384: ec('secp384r1'),
  ECC_NIST_P521: ec('secp521r1'),
  ECC_SECG_P256K1: ec('secp256k1'),
  ECC_NIST_EDWARDS25519: ed25519,
  SM2: ec('SM2'),
  ML_DSA_44: random(32),
  ML_DSA_65: random(32),
  ML_DSA_87: random(32),
  ML_KEM_512: random(64),
  ML_KEM_768: random(64),
  ML_KEM_1024: random(64),
};

/** New material for a key of `keySpec`. */
export async function generateKeyMaterial(keySpec: string): Promise<Buffer> {
  const generate = MATERIAL_GENERATORS[keySpec];
  if (!generate) throw new Error(`no material generator for key spec ${keySpec}`);
  return generate();
}
