import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

/**
 * The key returns Disabled, as AWS does, or PendingImport when it is an EXTERNAL key without its
 * material (one deleted, expired or never imported), which cannot be enabled until an import.
 */
export const CancelKeyDeletion = defineOperation({
  name: 'CancelKeyDeletion',
  action: 'kms:CancelKeyDeletion',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    // An EXTERNAL key is usable only with every one of its materials imported.
    const complete =
      key.origin !== 'EXTERNAL' ||
      ((await services.storage.listImportedKeyMaterials(key.arn)).every((m) => m.imported) &&
        key.currentMaterialId !== '');
    await updateKey(services.storage, 'CancelKeyDeletion', key, (k) => ({
      ...k,
      keyState: complete ? 'Disabled' : 'PendingImport',
      deletionDate: undefined,
      pendingDeletionWindowInDays: undefined,
    }));
    return { KeyId: key.arn };
  },
});
