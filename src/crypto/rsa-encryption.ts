/**
 * RSAES-OAEP (RFC 8017 §7.1) for RSA KMS keys: the OAEP parameters of each KMS encryption
 * algorithm, the plaintext limit per modulus, and encryption and decryption with node:crypto.
 * PKCS#1 v1.5 decryption is deliberately absent (Bleichenbacher/Marvin); KMS never offers it.
 */
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { CiphertextError } from './errors.js';

export interface OaepParameters {
  /** Hash of the label and of MGF1 (KMS uses the same hash for both). */
  hash: 'sha1' | 'sha256';
  /** Digest length in bytes. */
  hashLength: number;
}

/** The OAEP parameters of each KMS RSA encryption algorithm (STYLE rule 3: one row each). */
export const RSA_OAEP: Readonly<Record<string, OaepParameters>> = {
  RSAES_OAEP_SHA_1: { hash: 'sha1', hashLength: 20 },
  RSAES_OAEP_SHA_256: { hash: 'sha256', hashLength: 32 },
};

/** Longest plaintext OAEP can carry under a modulus of `modulusBits`: k - 2hLen - 2 (RFC 8017 §7.1.1). */
export function oaepMaxPlaintext(modulusBits: number, params: OaepParameters): number {
  return Math.ceil(modulusBits / 8) - 2 * params.hashLength - 2;
}

export function rsaOaepEncrypt(publicKey: KeyObject, params: OaepParameters, plaintext: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: params.hash }, plaintext);
}

/**
 * Decrypts an OAEP ciphertext. Every failure (wrong length, value above the modulus, bad padding,
 * wrong hash or label) is the same CiphertextError, so no padding oracle leaks (Manger's attack).
 * `label` exists for the Wycheproof vectors; KMS always uses the empty label.
 */
export function rsaOaepDecrypt(
  privateKey: KeyObject,
  params: OaepParameters,
  ciphertext: Buffer,
  label?: Buffer,
): Buffer {
  // Strict: exactly the modulus length (RFC 8017 §7.1.2 step 1b). OpenSSL would also take a
  // shorter input as a number with leading zero bytes, so a truncated ciphertext could decrypt.
  const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (ciphertext.length !== Math.ceil(modulusBits / 8)) throw new CiphertextError();
  try {
    return privateDecrypt(
      {
        key: privateKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: params.hash,
        ...(label && label.length > 0 ? { oaepLabel: label } : {}),
      },
      ciphertext,
    );
  } catch {
    throw new CiphertextError();
  }
}
