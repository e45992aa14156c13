/** Identifiers and random bytes from the operating system's CSPRNG. */
import { randomBytes, randomUUID } from 'node:crypto';
import { CryptoInputError } from './errors.js';

/** A key-material id: 64 lowercase hex characters (256 random bits), like AWS's KeyMaterialId. */
export function newMaterialId(): string {
  return randomBytes(32).toString('hex');
}

/** A key id: a random (version 4) UUID, as AWS uses for KMS key ids. */
export function newKeyId(): string {
  return randomUUID();
}

/** `n` random bytes (GenerateRandom, data keys, key material). */
export function generateRandom(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new CryptoInputError('byte count must be a non-negative integer');
  return randomBytes(n);
}
