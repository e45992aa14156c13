/**
 * The Recipient parameter asks KMS to encrypt a response for a Nitro Enclave, proven by an
 * attestation document signed by AWS's Nitro PKI. Trent cannot verify such documents, so it
 * refuses the parameter rather than answer in plaintext.
 */
import { KmsError } from '../../domain/index.js';

export function refuseRecipient(input: { Recipient?: unknown }): void {
  if (input.Recipient !== undefined) {
    throw new KmsError(
      'UnsupportedOperationException',
      'Recipient is not supported: this server cannot verify Nitro Enclaves attestation documents.',
    );
  }
}
