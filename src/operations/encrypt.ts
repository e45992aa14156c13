import { encryptionAlgorithm } from './encryption-algorithms.js';
import { ENCRYPTION_KEY_RULE } from './symmetric.js';
import { defineOperation } from './types.js';

export const Encrypt = defineOperation({
  name: 'Encrypt',
  action: 'kms:Encrypt',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  async run({ input, key, services }) {
    const algorithm = encryptionAlgorithm(key, input.EncryptionAlgorithm);
    const plaintext = Buffer.from(input.Plaintext.buffer, input.Plaintext.byteOffset, input.Plaintext.byteLength);
    const blob = await algorithm.encrypt(services, key, plaintext, input.EncryptionContext);
    return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm.name };
  },
});
