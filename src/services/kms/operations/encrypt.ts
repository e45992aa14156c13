import { encryptionAlgorithm } from '../encryption-algorithms.js';
import { ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { defineOperation } from '../types.js';

export const Encrypt = defineOperation({
  name: 'Encrypt',
  action: 'kms:Encrypt',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  auditDefaults: () => ({ EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  async run({ input, key, services, caller }) {
    const algorithm = encryptionAlgorithm(key, input.EncryptionAlgorithm);
    const plaintext = Buffer.from(input.Plaintext.buffer, input.Plaintext.byteOffset, input.Plaintext.byteLength);
    const blob = await algorithm.encrypt(services, key, plaintext, input.EncryptionContext);
    // CloudTrail names the key material of symmetric encryption (ct-encrypt additionalEventData).
    if (algorithm.namesKeyMaterial) caller.additionalEventData = { keyMaterialId: key.currentMaterialId };
    return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm.name };
  },
});
