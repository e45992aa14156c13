/**
 * The one error type of Trent's core. `code` is the AWS exception name (the `__type` on the wire);
 * the message is what AWS would say. Exactly one function (protocol/errors.ts) turns these into
 * responses; anything that is not a KmsError becomes KMSInternalException there.
 */
export class KmsError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'KmsError';
  }
}

export const isKmsError = (e: unknown): e is KmsError => e instanceof KmsError;

/** Fixed message for every failure to decrypt symmetric ciphertext (DESIGN: one message, no oracle). */
export const INVALID_CIPHERTEXT_MESSAGE = '';
