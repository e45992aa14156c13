import { encryptionAlgorithm } from '../encryption-algorithms.js';
import { ciphertextKeyArn, ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { defineOperation } from '../types.js';

/**
 * ReEncrypt: decrypt under the source key and encrypt under the destination, server-side only.
 * Either side may be symmetric or RSA; each side's algorithm comes from the algorithm table.
 */
export const ReEncrypt = defineOperation({
  name: 'ReEncrypt',
  action: 'kms:ReEncryptFrom',
  readOnly: true,
  dryRun: true,
  auditDefaults: () => ({
    SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  }),
  key: {
    ...ENCRYPTION_KEY_RULE,
    from: ({ input, caller, services }) => ciphertextKeyArn(input.CiphertextBlob, input.SourceKeyId, caller, services),
  },
  async run({ input, key: source, services, useKey, caller }) {
    const destination = await useKey(input.DestinationKeyId, ENCRYPTION_KEY_RULE, 'kms:ReEncryptTo');
    const sourceAlgorithm = encryptionAlgorithm(source, input.SourceEncryptionAlgorithm);
    const destinationAlgorithm = encryptionAlgorithm(destination, input.DestinationEncryptionAlgorithm);
    const { plaintext, materialId } = await sourceAlgorithm.decrypt(
      services,
      source,
      input.CiphertextBlob,
      input.SourceEncryptionContext,
    );
    try {
      const blob = await destinationAlgorithm.encrypt(
        services,
        destination,
        plaintext,
        input.DestinationEncryptionContext,
      );
      const destinationMaterialId = destinationAlgorithm.namesKeyMaterial ? destination.currentMaterialId : undefined;
      caller.additionalEventData = {
        ...(materialId !== undefined ? { sourceKeyMaterialId: materialId } : {}),
        ...(destinationMaterialId !== undefined ? { destinationKeyMaterialId: destinationMaterialId } : {}),
      };
      return {
        CiphertextBlob: blob,
        SourceKeyId: source.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: sourceAlgorithm.name,
        DestinationEncryptionAlgorithm: destinationAlgorithm.name,
        ...(materialId !== undefined ? { SourceKeyMaterialId: materialId } : {}),
        ...(destinationMaterialId !== undefined ? { DestinationKeyMaterialId: destinationMaterialId } : {}),
      };
    } finally {
      plaintext.fill(0);
    }
  },
});
