/**
 * Error classes of crypto/. They carry fixed messages and no cause: whoever catches them maps each
 * class to one AWS error, and nothing about why an operation failed may leak through them
 * (DESIGN.md, "Protection of key material").
 */

/**
 * Any failure to parse or decrypt a symmetric ciphertext: bad magic or version, bad lengths, a
 * changed byte, a truncation, the wrong key material or the wrong encryption context. Every cause
 * produces the same error with the same message; callers map it to InvalidCiphertextException.
 */
export class CiphertextError extends Error {
  constructor() {
    super('Invalid ciphertext');
    this.name = 'CiphertextError';
  }
}

/**
 * A wrapped blob (key material or a secret wrapped under the root key) did not open: it was
 * changed, truncated, copied from another record (different associated data) or wrapped under
 * another key. This is corruption or tampering of stored data, not a caller mistake.
 */
export class UnwrapError extends Error {
  constructor() {
    super('Wrapped data failed to authenticate');
    this.name = 'UnwrapError';
  }
}

/**
 * A programming error: an argument a caller should have validated (key length, material id
 * format, key ARN, a string that is not well-formed Unicode). The message names the argument,
 * never its value.
 */
export class CryptoInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoInputError';
  }
}
