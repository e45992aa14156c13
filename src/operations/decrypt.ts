import { resolveKey } from './resolve.js';
import {
  checkSymmetricAlgorithm,
  ciphertextKeyArn,
  decryptUnderKey,
  parseBlob,
  SYMMETRIC_DEFAULT,
} from './symmetric.js';
import { refuseRecipient } from './recipient.js';
import { defineOperation } from './types.js';

const KEY_RULE = { aliases: true, crossAccount: true, usage: 'ENCRYPT_DECRYPT' } as const;

export const Decrypt = defineOperation({
  name: 'Decrypt',
  action: 'kms:Decrypt',
  readOnly: true,
  dryRun: true,
  key: {
    ...KEY_RULE,
    async from({ input, caller, services }) {
      const parsed = parseBlob(input.CiphertextBlob);
      const named = input.KeyId ? await resolveKey(input.KeyId, KEY_RULE, caller, services) : undefined;
      return ciphertextKeyArn(services, caller.region, parsed, named);
    },
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
