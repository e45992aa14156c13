/**
 * Importing key material (KMS keys of Origin EXTERNAL): the wrapping algorithms of
 * GetParametersForImport, the unwrapping of EncryptedKeyMaterial, what material each importable
 * key spec accepts, and the id of imported material. Tables, one row per algorithm or spec
 * (STYLE rule 3).
 *
 * RSAES_OAEP_*: the material is RSA-OAEP encrypted under the wrapping public key (empty label,
 * MGF1 with the same hash). RSA_AES_KEY_WRAP_*: RSA-OAEP of an ephemeral 256-bit AES key
 * (exactly the modulus length), followed by the material wrapped under that key with AES key
 * wrap with padding (RFC 5649, default alternative IV A65959A6), as the KMS Developer Guide,
 * "Encrypt the key material", describes (and `openssl pkeyutl` + `openssl enc -id-aes256-wrap-pad`
 * produce). SM2PKE (China Regions only): the material SM2-encrypted (C1C3C2 in DER, as SM2PKE
 * ciphertext is everywhere in KMS) under the SM2 wrapping public key of wrapping key spec SM2.
 */
import {
  createDecipheriv,
  createCipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { CiphertextError } from './errors.js';
import { RSA_OAEP, rsaOaepDecrypt, rsaOaepEncrypt, type OaepParameters } from './rsa-encryption.js';
import { SM2PKE_MAX_PLAINTEXT, sm2Decrypt, sm2Encrypt, sm2KeyPairFromPkcs8, sm2PointFromSpki } from './sm2.js';

export interface WrappingAlgorithm {
  oaep: OaepParameters;
  /** RSA_AES_KEY_WRAP: an RSA-OAEP-wrapped AES-256 key, then the material under AES-KWP. */
  aesKeyWrap: boolean;
}

export const WRAPPING_ALGORITHMS: Readonly<Record<string, WrappingAlgorithm>> = {
  RSAES_OAEP_SHA_1: { oaep: RSA_OAEP.RSAES_OAEP_SHA_1!, aesKeyWrap: false },
  RSAES_OAEP_SHA_256: { oaep: RSA_OAEP.RSAES_OAEP_SHA_256!, aesKeyWrap: false },
  RSA_AES_KEY_WRAP_SHA_1: { oaep: RSA_OAEP.RSAES_OAEP_SHA_1!, aesKeyWrap: true },
  RSA_AES_KEY_WRAP_SHA_256: { oaep: RSA_OAEP.RSAES_OAEP_SHA_256!, aesKeyWrap: true },
};

/** RSA wrapping key specs and their modulus lengths. */
export const WRAPPING_KEY_SPECS: Readonly<Record<string, number>> = {
  RSA_2048: 2048,
  RSA_3072: 3072,
  RSA_4096: 4096,
};

/** SM2PKE: the wrapping algorithm of the SM2 wrapping key spec, both in the China Regions only. */
export const SM2_WRAPPING = { algorithm: 'SM2PKE', keySpec: 'SM2' } as const;

/** SM2PKE's unwrapping of EncryptedKeyMaterial; every failure is the same CiphertextError. */
export function sm2UnwrapImportedMaterial(privateKeyPkcs8: Buffer, encrypted: Buffer): Buffer {
  if (encrypted.length === 0) throw new CiphertextError();
  return sm2Decrypt(sm2KeyPairFromPkcs8(privateKeyPkcs8), encrypted);
}

/** What a client does with an SM2 wrapping public key (SPKI DER): for tests and client-side tools. */
export function sm2WrapForImport(publicKeySpki: Buffer, material: Buffer): Buffer {
  if (material.length > SM2PKE_MAX_PLAINTEXT) throw new Error('material too long for SM2PKE');
  return sm2Encrypt(sm2PointFromSpki(publicKeySpki), material);
}

/** RFC 5649 §3: the alternative initial value of AES key wrap with padding. */
const KWP_IV = Buffer.from('a65959a6', 'hex');
const AES_KEY_LENGTH = 32;

/**
 * The material inside `encrypted`, unwrapped with the wrapping private key. Every failure (wrong
 * length, bad OAEP padding, an AES key that is not 256 bits, a failed RFC 5649 integrity check)
 * is the same CiphertextError: no oracle on the padding or the key wrap.
 */
export function unwrapImportedMaterial(algorithm: WrappingAlgorithm, privateKey: KeyObject, encrypted: Buffer): Buffer {
  if (!algorithm.aesKeyWrap) return rsaOaepDecrypt(privateKey, algorithm.oaep, encrypted);
  const k = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  // RFC 5649: at least one 64-bit block of wrapped data after the 64-bit integrity block.
  if (encrypted.length < k + 16) throw new CiphertextError();
  const aesKey = rsaOaepDecrypt(privateKey, algorithm.oaep, encrypted.subarray(0, k));
  try {
    if (aesKey.length !== AES_KEY_LENGTH) throw new CiphertextError();
    return aesKeyWrapPadUnwrap(aesKey, encrypted.subarray(k));
  } finally {
    aesKey.fill(0);
  }
}

/**
 * AES-256 key wrap with padding (RFC 5649 §4.2, through OpenSSL's id-aes256-wrap-pad): the
 * integrity check covers the alternative IV, the length indicator and the zero padding. Every
 * failure is the same CiphertextError.
 */
export function aesKeyWrapPadUnwrap(key: Buffer, wrapped: Buffer): Buffer {
  if (key.length !== AES_KEY_LENGTH || wrapped.length < 16 || wrapped.length % 8 !== 0) throw new CiphertextError();
  try {
    const decipher = createDecipheriv('id-aes256-wrap-pad', key, KWP_IV);
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch {
    throw new CiphertextError();
  }
}

/**
 * What a client does before ImportKeyMaterial: wraps `material` under the wrapping public key.
 * For tests and client-side tools; the server only unwraps.
 */
export function wrapForImport(algorithm: WrappingAlgorithm, publicKey: KeyObject, material: Buffer): Buffer {
  if (!algorithm.aesKeyWrap) return rsaOaepEncrypt(publicKey, algorithm.oaep, material);
  const aesKey = randomBytes(AES_KEY_LENGTH);
  try {
    const cipher = createCipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
    const wrapped = Buffer.concat([cipher.update(material), cipher.final()]);
    return Buffer.concat([rsaOaepEncrypt(publicKey, algorithm.oaep, aesKey), wrapped]);
  } finally {
    aesKey.fill(0);
  }
}

/** What a key spec accepts as imported material (KMS Developer Guide, "Requirements for imported key material"). */
export interface ImportableKeySpec {
  /** The material as stored (as generated material of the spec is), or undefined when it does not fit. */
  accept(material: Buffer): Buffer | undefined;
  /**
   * The smallest wrapping key, in bits, under which an RSAES_OAEP algorithm may wrap the material
   * directly; absent: only the RSA_AES_KEY_WRAP algorithms may (RSA private keys).
   */
  directWrapMinBits?: number;
}

const raw = (min: number, max: number): ImportableKeySpec => ({
  accept: (m) => (m.length >= min && m.length <= max ? Buffer.from(m) : undefined),
  directWrapMinBits: 2048,
});

/** A PKCS#8 DER private key of `type` whose details pass `fits`, re-encoded as node:crypto encodes generated keys. */
function pkcs8(type: string, fits: (key: KeyObject) => boolean, digest: string | null): ImportableKeySpec['accept'] {
  return (material) => {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
    } catch {
      return undefined;
    }
    if (key.asymmetricKeyType !== type || !fits(key)) return undefined;
    // Pairwise consistency (FIPS 140-3 IG 10.3.A): a private key whose embedded public key or CRT
    // values do not belong to it would sign what its own public key does not verify.
    const probe = Buffer.from('Trent imported key pairwise consistency test');
    try {
      if (!verify(digest, probe, createPublicKey(key), sign(digest, probe, key))) return undefined;
    } catch {
      return undefined;
    }
    return key.export({ type: 'pkcs8', format: 'der' });
  };
}

const rsaKey = (bits: number): ImportableKeySpec => ({
  accept: pkcs8('rsa', (k) => k.asymmetricKeyDetails?.modulusLength === bits, 'sha256'),
});

const ecKey = (namedCurve: string, directWrapMinBits: number): ImportableKeySpec => ({
  accept: pkcs8('ec', (k) => k.asymmetricKeyDetails?.namedCurve === namedCurve, 'sha256'),
  directWrapMinBits,
});

/** SM2 private keys (China Regions only): PKCS#8 whose scalar and point agree. */
const sm2Key: ImportableKeySpec = {
  accept(material) {
    try {
      const { scalar } = sm2KeyPairFromPkcs8(material);
      scalar.fill(0);
      return createPrivateKey({ key: material, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' });
    } catch {
      return undefined;
    }
  },
  directWrapMinBits: 2048,
};

/**
 * Key specs whose material can be imported, and what each accepts: 256-bit symmetric keys; HMAC
 * keys of the lengths AWS allows per spec; RSA and ECC private keys as PKCS#8 DER of the spec's
 * modulus or curve. "You cannot use the RSAES_OAEP_SHA_* wrapping algorithm with the RSA_2048
 * wrapping key spec to wrap ECC_NIST_P521 key material" (GetParametersForImport, API reference).
 */
export const IMPORTABLE_KEY_SPECS: Readonly<Record<string, ImportableKeySpec>> = {
  SYMMETRIC_DEFAULT: raw(32, 32),
  HMAC_224: raw(28, 64),
  HMAC_256: raw(32, 64),
  HMAC_384: raw(48, 128),
  HMAC_512: raw(64, 128),
  RSA_2048: rsaKey(2048),
  RSA_3072: rsaKey(3072),
  RSA_4096: rsaKey(4096),
  ECC_NIST_P256: ecKey('prime256v1', 2048),
  ECC_NIST_P384: ecKey('secp384r1', 2048),
  ECC_NIST_P521: ecKey('secp521r1', 3072),
  ECC_SECG_P256K1: ecKey('secp256k1', 2048),
  SM2: sm2Key,
};

const MATERIAL_ID_LABEL = Buffer.from('Trent imported key material id v1', 'ascii');

/**
 * The id of imported material: "based on the KMS key ID and the imported key material"
 * (ImportKeyMaterial, KeyMaterialId), so importing the same material into the same key gives the
 * same id, and any other material another. HMAC-SHA256 keyed by the material, so the id reveals
 * nothing of it. 64 lowercase hex digits, like every material id.
 */
export function importedMaterialId(keyId: string, material: Buffer): string {
  return createHmac('sha256', material).update(MATERIAL_ID_LABEL).update(keyId, 'utf8').digest('hex');
}

/** The wrapping private key from its PKCS#8 DER (as the key-generation pool returns it). */
export function wrappingPrivateKey(pkcs8Der: Buffer): KeyObject {
  return createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' });
}

/** GetParametersForImport's PublicKey: the wrapping public key as DER SubjectPublicKeyInfo. */
export function wrappingPublicKeySpki(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}
