import { randomBytes } from 'node:crypto';
import { dataKeyLength } from '../data-key.js';
import { encryptUnderKey, ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { defineOperation } from '../types.js';

export const GenerateDataKeyWithoutPlaintext = defineOperation({
  name: 'GenerateDataKeyWithoutPlaintext',
  action: 'kms:GenerateDataKeyWithoutPlaintext',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  async run({ input, key, services, caller }) {
    const plaintext = randomBytes(dataKeyLength(input.KeySpec, input.NumberOfBytes));
    try {
      const blob = await encryptUnderKey(services, key, plaintext, input.EncryptionContext);
      caller.additionalEventData = { keyMaterialId: key.currentMaterialId };
      return { CiphertextBlob: blob, KeyId: key.arn, KeyMaterialId: key.currentMaterialId };
    } finally {
      plaintext.fill(0);
    }
  },
});
