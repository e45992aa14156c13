/**
 * The one AES-GCM code path of Trent. Every GCM decryption goes through `gcmDecrypt`, which
 * always passes `authTagLength: 16` and accepts only 96-bit IVs and 16-byte tags, so a truncated
 * tag can never be accepted (NIST SP 800-38D §5.2.1.2 and §7; DESIGN.md). The Wycheproof AES-GCM
 * vectors run through these functions.
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { CryptoInputError } from './errors.js';

export const GCM_IV_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

function algorithm(key: Buffer): CipherGCMTypes {
  switch (key.length) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    case 32:
      return 'aes-256-gcm';
    default:
      throw new CryptoInputError('AES key must be 16, 24 or 32 bytes');
  }
}

export function gcmEncrypt(
  key: Buffer,
  iv: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): { ciphertext: Buffer; tag: Buffer } {
  if (iv.length !== GCM_IV_LENGTH) throw new CryptoInputError('GCM IV must be 12 bytes');
  const cipher = createCipheriv(algorithm(key), key, iv, { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Throws (some error; callers map it to their own fixed error) unless the tag verifies. */
export function gcmDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  if (iv.length !== GCM_IV_LENGTH) throw new CryptoInputError('GCM IV must be 12 bytes');
  if (tag.length !== GCM_TAG_LENGTH) throw new CryptoInputError('GCM tag must be 16 bytes');
  const decipher = createDecipheriv(algorithm(key), key, iv, { authTagLength: GCM_TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const head = decipher.update(ciphertext);
  try {
    return Buffer.concat([head, decipher.final()]);
  } finally {
    // Unauthenticated plaintext must not linger when final() throws.
    head.fill(0);
  }
}
