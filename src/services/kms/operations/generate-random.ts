import { randomBytes } from 'node:crypto';
import { KmsError } from '../../../domain/index.js';
import { refuseRecipient } from '../recipient.js';
import { defineOperation } from '../types.js';

export const GenerateRandom = defineOperation({
  name: 'GenerateRandom',
  action: 'kms:GenerateRandom',
  readOnly: true,
  async run({ input }) {
    if (input.CustomKeyStoreId !== undefined) {
      throw new KmsError(
        'CustomKeyStoreNotFoundException',
        `Custom key store ${input.CustomKeyStoreId} does not exist.`,
      );
    }
    refuseRecipient(input);
    if (input.NumberOfBytes === undefined) {
      throw new KmsError('ValidationException', 'NumberOfBytes is required.');
    }
    return { Plaintext: randomBytes(input.NumberOfBytes) };
  },
});
