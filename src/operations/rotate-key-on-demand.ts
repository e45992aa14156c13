import { KmsError, LIMITS } from '../domain/index.js';
import { rotateKey } from './rotate.js';
import { checkRotatable } from './rotation.js';
import { defineOperation } from './types.js';

export const RotateKeyOnDemand = defineOperation({
  name: 'RotateKeyOnDemand',
  action: 'kms:RotateKeyOnDemand',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services, now }) {
    checkRotatable(key);
    const materials = await services.storage.listKeyMaterials(key.arn);
    const onDemand = materials.filter((m) => m.rotationType === 'ON_DEMAND').length;
    if (onDemand >= LIMITS.onDemandRotationsPerKey) {
      throw new KmsError(
        'LimitExceededException',
        `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
      );
    }
    await rotateKey(services, key, now, 'ON_DEMAND');
    return { KeyId: key.keyId };
  },
});
