import { encryptionAlgorithm } from '../encryption-algorithms.js';
import { ciphertextKeyArn, ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { refuseRecipient } from '../recipient.js';
import { defineOperation } from '../types.js';

export const Decrypt = defineOperation({
  name: 'Decrypt',
  action: 'kms:Decrypt',
  readOnly: true,
  dryRun: true,
  auditDefaults: () => ({ EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  key: {
    ...ENCRYPTION_KEY_RULE,
    from: ({ input, caller, services }) => ciphertextKeyArn(input.CiphertextBlob, input.KeyId, caller, services),
  },
  async run({ input, key, services, caller }) {
    refuseRecipient(input);
    const algorithm = encryptionAlgorithm(key, input.EncryptionAlgorithm);
    const { plaintext, materialId } = await algorithm.decrypt(
      services,
      key,
      input.CiphertextBlob,
      input.EncryptionContext,
    );
    if (materialId !== undefined) caller.additionalEventData = { keyMaterialId: materialId };
    return {
      KeyId: key.arn,
      Plaintext: plaintext,
      EncryptionAlgorithm: algorithm.name,
      ...(materialId !== undefined ? { KeyMaterialId: materialId } : {}),
    };
  },
});
