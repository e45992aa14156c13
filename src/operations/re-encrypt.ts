import {
  checkSymmetricAlgorithm,
  ciphertextKeyArn,
  decryptUnderKey,
  encryptUnderKey,
  ENCRYPTION_KEY_RULE,
  parseBlob,
  SYMMETRIC_DEFAULT,
} from './symmetric.js';
import { defineOperation } from './types.js';

/** ReEncrypt: decrypt under the source key and encrypt under the destination, server-side only. */
export const ReEncrypt = defineOperation({
  name: 'ReEncrypt',
  action: 'kms:ReEncryptFrom',
  readOnly: true,
  dryRun: true,
  key: {
    ...ENCRYPTION_KEY_RULE,
    from: ({ input, caller, services }) => ciphertextKeyArn(input.CiphertextBlob, input.SourceKeyId, caller, services),
  },
  async run({ input, key: source, services, useKey }) {
    const destination = await useKey(input.DestinationKeyId, ENCRYPTION_KEY_RULE, 'kms:ReEncryptTo');
    checkSymmetricAlgorithm(source, input.SourceEncryptionAlgorithm);
    checkSymmetricAlgorithm(destination, input.DestinationEncryptionAlgorithm);
    const parsed = parseBlob(input.CiphertextBlob);
    const plaintext = await decryptUnderKey(services, source, parsed, input.SourceEncryptionContext);
    try {
      const blob = await encryptUnderKey(services, destination, plaintext, input.DestinationEncryptionContext);
      return {
        CiphertextBlob: blob,
        SourceKeyId: source.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: SYMMETRIC_DEFAULT,
        DestinationEncryptionAlgorithm: SYMMETRIC_DEFAULT,
        SourceKeyMaterialId: parsed.materialId,
        DestinationKeyMaterialId: destination.currentMaterialId,
      };
    } finally {
      plaintext.fill(0);
    }
  },
});
