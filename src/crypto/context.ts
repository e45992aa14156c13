/**
 * Canonical encoding of a KMS encryption context, bound into every symmetric ciphertext as
 * associated data. It is injective (distinct contexts never encode alike) and independent of
 * insertion order, so Decrypt succeeds exactly when the caller presents the same key-value pairs
 * that Encrypt saw (AWS KMS Developer Guide, "Encryption context": exact, case-sensitive match).
 *
 *   count (u32 BE) || for each pair, sorted by the key's UTF-8 bytes:
 *     key length (u32 BE) || key (UTF-8) || value length (u32 BE) || value (UTF-8)
 *
 * Keys are unique in a Record, so sorting by key bytes gives one order. An absent and an empty
 * context both encode as four zero bytes, as AWS treats them alike.
 */
import { CryptoInputError } from './errors.js';
import { u32, utf8 } from './encoding.js';

export type EncryptionContext = Record<string, string>;

export function encodeEncryptionContext(ctx: EncryptionContext | undefined): Buffer {
  if (ctx === undefined || ctx === null) return u32(0);
  if (typeof ctx !== 'object' || Array.isArray(ctx)) {
    throw new CryptoInputError('encryption context must be an object of strings');
  }
  const pairs = Object.entries(ctx).map(([k, v]) => {
    if (typeof v !== 'string') throw new CryptoInputError('encryption context values must be strings');
    return [utf8(k, 'encryption context key'), utf8(v, 'encryption context value')] as const;
  });
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  const parts: Buffer[] = [u32(pairs.length)];
  for (const [k, v] of pairs) parts.push(u32(k.length), k, u32(v.length), v);
  return Buffer.concat(parts);
}
