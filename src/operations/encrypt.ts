import { encryptUnderKey, checkSymmetricAlgorithm, SYMMETRIC_DEFAULT, ENCRYPTION_KEY_RULE } from './symmetric.js';
import { defineOperation } from './types.js';

export const Encrypt = defineOperation({
  name: 'Encrypt',
  action: 'kms:Encrypt',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  async run({ input, key, services }) {
    checkSymmetricAlgorithm(key, input.EncryptionAlgorithm);
    const blob = await encryptUnderKey(services, key, input.Plaintext, input.EncryptionContext);
    return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  },
});
