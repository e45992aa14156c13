import { resolveKey } from './resolve.js';
import {
  checkSymmetricAlgorithm,
  ciphertextKeyArn,
  decryptUnderKey,
  encryptUnderKey,
  parseBlob,
  SYMMETRIC_DEFAULT,
} from './symmetric.js';
import { defineOperation } from './types.js';

const KEY_RULE = { aliases: true, crossAccount: true, usage: 'ENCRYPT_DECRYPT' } as const;

/** ReEncrypt: decrypt under the source key and encrypt under the destination, server-side only. */
export const ReEncrypt = defineOperation({
  name: 'ReEncrypt',
  action: 'kms:ReEncryptFrom',
  readOnly: true,
  dryRun: true,
  key: {
    ...KEY_RULE,
    async from({ input, caller, services }) {
      const parsed = parseBlob(input.CiphertextBlob);
      const named = input.SourceKeyId ? await resolveKey(input.SourceKeyId, KEY_RULE, caller, services) : undefined;
      return ciphertextKeyArn(services, caller.region, parsed, named);
    },
  },
  async run({ input, key: source, services, useKey }) {
    const destination = await useKey(input.DestinationKeyId, KEY_RULE, 'kms:ReEncryptTo');
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
