/** HKDF with SHA-256 (RFC 5869), the derivation of per-message keys. */
import { hkdfSync } from 'node:crypto';
import { CryptoInputError } from './errors.js';

/** RFC 5869 §2.3: L <= 255 * HashLen. */
export const HKDF_SHA256_MAX_LENGTH = 255 * 32;

export function hkdfSha256(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw new CryptoInputError('HKDF output length out of range');
  }
  // node:crypto limits info to 1024 bytes; callers keep info short (ciphertext.ts bounds it).
  if (info.length > 1024) throw new CryptoInputError('HKDF info too long');
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}
