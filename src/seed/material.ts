/**
 * Key material in a seed file, per KeySpec (a table, one row per spec): hex for symmetric, HMAC,
 * ML-DSA and ML-KEM keys (the raw key or the FIPS 203/204 seed), PKCS#8 PEM for RSA, elliptic-curve
 * and Ed25519 keys. Each row turns the text into the stored form (crypto/key-material.ts) and back,
 * and the material id of seeded material is derived from it, so that a ciphertext made under a
 * seeded key decrypts on any server seeded from the same file.
 */
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';

interface MaterialForm {
  /** The stored form, or what is wrong with the text. */
  fromText(text: string): Buffer | string;
  toText(material: Buffer): string;
}

const hex = (bytes: number): MaterialForm => ({
  fromText: (text) =>
    new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(text)
      ? Buffer.from(text, 'hex')
      : `must be ${bytes * 2} hex digits (${bytes} bytes), not ${/^[0-9a-fA-F]*$/.test(text) ? text.length : 'other characters'}`,
  toText: (material) => material.toString('hex'),
});

const pem = (described: string, fits: (key: KeyObject) => boolean): MaterialForm => ({
  fromText: (text) => {
    if (!text.includes('-----BEGIN PRIVATE KEY-----')) return `must be ${described} as PKCS#8 PEM (BEGIN PRIVATE KEY)`;
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: text, format: 'pem' });
    } catch {
      return `is not a readable PKCS#8 PEM private key`;
    }
    if (!fits(key)) return `must be ${described}`;
    return key.export({ format: 'der', type: 'pkcs8' });
  },
  toText: (material) =>
    createPrivateKey({ key: material, format: 'der', type: 'pkcs8' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString(),
});

const rsa = (bits: number) =>
  pem(
    `an RSA private key of ${bits} bits`,
    (k) => k.asymmetricKeyType === 'rsa' && k.asymmetricKeyDetails?.modulusLength === bits,
  );
const ec = (curve: string, name: string) =>
  pem(
    `an elliptic-curve private key on ${name}`,
    (k) => k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === curve,
  );

const FORMS: Readonly<Record<string, MaterialForm>> = {
  SYMMETRIC_DEFAULT: hex(32),
  HMAC_224: hex(28),
  HMAC_256: hex(32),
  HMAC_384: hex(48),
  HMAC_512: hex(64),
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ec('prime256v1', 'P-256'),
  ECC_NIST_P384: ec('secp384r1', 'P-384'),
  ECC_NIST_P521: ec('secp521r1', 'P-521'),
  ECC_SECG_P256K1: ec('secp256k1', 'secp256k1'),
  ECC_NIST_EDWARDS25519: pem('an Ed25519 private key', (k) => k.asymmetricKeyType === 'ed25519'),
  SM2: ec('SM2', 'SM2'),
  ML_DSA_44: hex(32),
  ML_DSA_65: hex(32),
  ML_DSA_87: hex(32),
  ML_KEM_512: hex(64),
  ML_KEM_768: hex(64),
  ML_KEM_1024: hex(64),
};

/** The stored form of a seed file's material text for `keySpec`, or what is wrong with it. */
export function materialFromText(keySpec: string, text: string): Buffer | string {
  const form = FORMS[keySpec];
  return form ? form.fromText(text.trim()) : `material cannot be given for ${keySpec} keys`;
}

/** The seed file's text of a stored material (seed export). */
export function materialToText(keySpec: string, material: Buffer): string {
  const form = FORMS[keySpec];
  if (!form) throw new Error(`no seed form for key spec ${keySpec}`);
  return form.toText(material);
}

/**
 * The id of seeded material: 64 hex digits like newMaterialId's, derived from the key, the
 * material's place in the list and the material itself (the id is public: DescribeKey shows it,
 * ciphertexts carry it; SHA-256 of a secret key does not reveal the key).
 */
export function seededMaterialId(keyArn: string, index: number, material: Buffer): string {
  return createHash('sha256').update(`trent seed material id\0${keyArn}\0${index}\0`).update(material).digest('hex');
}
