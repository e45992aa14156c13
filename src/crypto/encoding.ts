/** Length-prefixed binary encoding shared by the encryption-context and wrapping AAD encoders. */
import { CryptoInputError } from './errors.js';

/** With the u flag a paired surrogate is one astral code point, so only a lone half is in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * UTF-8 bytes of `s`, refusing strings that are not well-formed UTF-16. Node replaces a lone
 * surrogate with U+FFFD when encoding, so "\uD800" and "\uFFFD" would encode to the same bytes and
 * an encoding built on them would stop being injective.
 */
export function utf8(s: string, what: string): Buffer {
  if (typeof s !== 'string') throw new CryptoInputError(`${what} must be a string`);
  if (LONE_SURROGATE.test(s)) throw new CryptoInputError(`${what} is not well-formed Unicode`);
  return Buffer.from(s, 'utf8');
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

/** count (u32) || for each field: length (u32) || bytes. Unambiguous for any list of byte strings. */
export function encodeFields(fields: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [u32(fields.length)];
  for (const f of fields) parts.push(u32(f.length), f);
  return Buffer.concat(parts);
}
