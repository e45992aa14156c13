/**
 * The MAC-algorithm table (STYLE rule 3): each KMS MacAlgorithmSpec, the HMAC hash it uses
 * (RFC 2104, FIPS 198-1) and the one HMAC key spec it fits. KMS never truncates a MAC: GenerateMac
 * returns the whole hash-length tag and VerifyMac accepts only a whole, equal tag.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './compare.js';
import { CryptoInputError } from './errors.js';

export interface MacAlgorithm {
  /** node:crypto hash name. */
  hash: string;
  /** The KeySpec whose keys compute this MAC (AWS: one algorithm per HMAC key spec). */
  keySpec: string;
  /** Length of the MAC in bytes (the hash's output length). */
  macBytes: number;
}

export const MAC_ALGORITHMS: Readonly<Record<string, MacAlgorithm>> = {
  HMAC_SHA_224: { hash: 'sha224', keySpec: 'HMAC_224', macBytes: 28 },
  HMAC_SHA_256: { hash: 'sha256', keySpec: 'HMAC_256', macBytes: 32 },
  HMAC_SHA_384: { hash: 'sha384', keySpec: 'HMAC_384', macBytes: 48 },
  HMAC_SHA_512: { hash: 'sha512', keySpec: 'HMAC_512', macBytes: 64 },
};

function macAlgorithm(name: string): MacAlgorithm {
  const algorithm = MAC_ALGORITHMS[name];
  if (!algorithm) throw new CryptoInputError('unknown MAC algorithm');
  return algorithm;
}

/** The MAC of `message` under `key` with `algorithm` (a MAC_ALGORITHMS name). */
export function computeMac(algorithm: string, key: Uint8Array, message: Uint8Array): Buffer {
  return createHmac(macAlgorithm(algorithm).hash, key).update(message).digest();
}

/**
 * Whether `mac` is the MAC of `message` under `key`, compared in constant time. A truncated or
 * extended tag is never valid, as in KMS.
 */
export function verifyMac(algorithm: string, key: Uint8Array, message: Uint8Array, mac: Uint8Array): boolean {
  return constantTimeEqual(
    computeMac(algorithm, key, message),
    Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength),
  );
}
