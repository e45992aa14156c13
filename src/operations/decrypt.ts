import {
  checkSymmetricAlgorithm,
  ciphertextKeyArn,
  decryptUnderKey,
  ENCRYPTION_KEY_RULE,
  parseBlob,
  SYMMETRIC_DEFAULT,
} from './symmetric.js';
import { refuseRecipient } from './recipient.js';
import { defineOperation } from './types.js';

export const Decrypt = defineOperation({
  name: 'Decrypt',
  action: 'kms:Decrypt',
  readOnly: true,
  dryRun: true,
  key: {
    ...ENCRYPTION_KEY_RULE,
    from: ({ input, caller, services }) => ciphertextKeyArn(input.CiphertextBlob, input.KeyId, caller, services),
  },
  async run({ input, key, services }) {
    refuseRecipient(input);
    checkSymmetricAlgorithm(key, input.EncryptionAlgorithm);
    const parsed = parseBlob(input.CiphertextBlob);
    const plaintext = await decryptUnderKey(services, key, parsed, input.EncryptionContext);
    return {
      KeyId: key.arn,
      Plaintext: plaintext,
      EncryptionAlgorithm: SYMMETRIC_DEFAULT,
      KeyMaterialId: parsed.materialId,
    };
  },
});
