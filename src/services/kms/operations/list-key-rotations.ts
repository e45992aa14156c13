import { LIMITS } from '../../../domain/index.js';
import { pageArray } from '../paging.js';
import { checkRotatable } from '../rotation.js';
import { defineOperation } from '../types.js';

export const ListKeyRotations = defineOperation({
  name: 'ListKeyRotations',
  action: 'kms:ListKeyRotations',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    checkRotatable(key);
    const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
    const materials = (await services.storage.listKeyMaterials(key.arn)).filter((m) => all || m.rotationType);
    const rotations = materials.map((m) => ({
      KeyId: key.keyId,
      KeyMaterialId: m.materialId,
      KeyMaterialState: m.materialId === key.currentMaterialId ? ('CURRENT' as const) : ('NON_CURRENT' as const),
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
