import { checkExternalOrigin, deleteImportedMaterial } from '../imported-material.js';
import { defineOperation } from '../types.js';

/**
 * Deletes one imported material of the key (KeyMaterialId, default its current material): the key
 * goes to PendingImport (a key pending deletion stays so) until the same material is imported
 * again. Material already deleted, or a key that never had any, is left as it is.
 */
export const DeleteImportedKeyMaterial = defineOperation({
  name: 'DeleteImportedKeyMaterial',
  action: 'kms:DeleteImportedKeyMaterial',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    checkExternalOrigin(key);
    const materialId = input.KeyMaterialId ?? key.currentMaterialId;
    await deleteImportedMaterial(services, key, 'DeleteImportedKeyMaterial', input.KeyMaterialId);
    // Material ids are shown for symmetric keys only, as DescribeKey's CurrentKeyMaterialId.
    const shown = materialId !== '' && key.keySpec === 'SYMMETRIC_DEFAULT';
    return { KeyId: key.arn, ...(shown ? { KeyMaterialId: materialId } : {}) };
  },
});
