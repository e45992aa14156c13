import { randomBytes } from 'node:crypto';
import { dataKeyLength } from '../data-key.js';
import { encryptUnderKey, ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { refuseRecipient } from '../recipient.js';
import { defineOperation } from '../types.js';

export const GenerateDataKey = defineOperation({
  name: 'GenerateDataKey',
  action: 'kms:GenerateDataKey',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  async run({ input, key, services, caller }) {
    refuseRecipient(input);
    const plaintext = randomBytes(dataKeyLength(input.KeySpec, input.NumberOfBytes));
    const blob = await encryptUnderKey(services, key, plaintext, input.EncryptionContext);
    caller.additionalEventData = { keyMaterialId: key.currentMaterialId };
    return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: key.arn, KeyMaterialId: key.currentMaterialId };
  },
});
