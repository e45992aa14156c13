/**
 * AES-256-GCM wrapping of secrets at rest (key material, secret access keys) under the root key,
 * and the associated data that binds each wrapped blob to its record. A blob copied to another
 * row carries the wrong AAD and does not open (DESIGN.md, "Protection of key material").
 *
 *   wrapped = version 0x01 (1) || IV (12, random) || ciphertext || tag (16)
 *
 * A random 96-bit IV is safe for up to 2^32 wraps under one root key (NIST SP 800-38D §8.3), far
 * more than the number of materials and secrets one deployment stores.
 */
import { randomBytes } from 'node:crypto';
import { encodeFields, utf8 } from './encoding.js';
import { CryptoInputError, UnwrapError } from './errors.js';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH, gcmDecrypt, gcmEncrypt } from './gcm.js';

export type WrappedRecordType = 'key-material' | 'access-key-secret' | 'key-store-password';

const WRAP_VERSION = 1;
const WRAP_AAD_LABEL = Buffer.from('Trent wrap v1', 'ascii');
const WRAP_KEY_LENGTH = 32;

/**
 * Associated data for a wrapped record: the fields label, record type and ids, each
 * length-prefixed (u32 count, then u32 length || UTF-8 bytes per field), so no two distinct lists
 * encode alike. E.g. wrappingAad('key-material', keyArn, materialId).
 */
export function wrappingAad(recordType: WrappedRecordType | (string & {}), ...ids: string[]): Buffer {
  if (typeof recordType !== 'string' || recordType.length === 0) {
    throw new CryptoInputError('recordType must be a non-empty string');
  }
  return encodeFields([WRAP_AAD_LABEL, utf8(recordType, 'recordType'), ...ids.map((id) => utf8(id, 'wrapping id'))]);
}

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== WRAP_KEY_LENGTH) {
    throw new CryptoInputError('wrapping key must be 32 bytes');
  }
}

export function aesGcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  checkKey(key);
  const iv = randomBytes(GCM_IV_LENGTH);
  const { ciphertext, tag } = gcmEncrypt(key, iv, plaintext, aad);
  return Buffer.concat([Buffer.of(WRAP_VERSION), iv, ciphertext, tag]);
}

/** Throws UnwrapError for any blob that does not authenticate under `key` and `aad`. */
export function aesGcmOpen(key: Buffer, blob: Buffer, aad: Buffer): Buffer {
  checkKey(key);
  if (!Buffer.isBuffer(blob) || blob.length < 1 + GCM_IV_LENGTH + GCM_TAG_LENGTH || blob[0] !== WRAP_VERSION) {
    throw new UnwrapError();
  }
  const iv = blob.subarray(1, 1 + GCM_IV_LENGTH);
  const ciphertext = blob.subarray(1 + GCM_IV_LENGTH, blob.length - GCM_TAG_LENGTH);
  const tag = blob.subarray(blob.length - GCM_TAG_LENGTH);
  try {
    return gcmDecrypt(key, iv, ciphertext, tag, aad);
  } catch {
    throw new UnwrapError();
  }
}
