import { LIMITS } from '../../../domain/index.js';
import { pendingRotation } from '../imported-material.js';
import { pageArray } from '../paging.js';
import { checkOnDemandRotatable } from '../rotation.js';
import { defineOperation } from '../types.js';

export const ListKeyRotations = defineOperation({
  name: 'ListKeyRotations',
  action: 'kms:ListKeyRotations',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    checkOnDemandRotatable(key);
    const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
    // Imported material (Origin EXTERNAL) is listed imported or not, with its import state, expiry
    // and description; ALL_KEY_MATERIAL "adds the first key material and any imported key
    // material pending rotation" (ListKeyRotations, IncludeKeyMaterial).
    const external = key.origin === 'EXTERNAL';
    const materials = external
      ? await services.storage.listImportedKeyMaterials(key.arn)
      : (await services.storage.listKeyMaterials(key.arn)).map((m) => ({ ...m, imported: true }));
    const pending = external ? pendingRotation(key, materials)?.materialId : undefined;
    const rotations = materials
      .filter((m) => all || m.rotationType)
      .map((m) => ({
        KeyId: key.keyId,
        KeyMaterialId: m.materialId,
        ...(external && m.description !== undefined ? { KeyMaterialDescription: m.description } : {}),
        ...(external ? { ImportState: m.imported ? ('IMPORTED' as const) : ('PENDING_IMPORT' as const) } : {}),
        KeyMaterialState:
          m.materialId === key.currentMaterialId
            ? ('CURRENT' as const)
            : m.materialId === pending
              ? ('PENDING_ROTATION' as const)
              : ('NON_CURRENT' as const),
        ...(external && m.expirationModel
          ? {
              ExpirationModel: m.expirationModel as 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE',
              ...(m.validTo ? { ValidTo: m.validTo } : {}),
            }
          : {}),
        ...(m.rotationType ? { RotationDate: m.createdAt, RotationType: m.rotationType } : {}),
      }));
    const { page, truncated, nextMarker } = pageArray(
      'rotations',
      rotations,
      input.Limit ?? LIMITS.defaultListLimit,
      input.Marker,
    );
    return { Rotations: page, Truncated: truncated, ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  },
});
