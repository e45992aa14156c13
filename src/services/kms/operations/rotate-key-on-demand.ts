import { KmsError } from '../../../domain/index.js';
import { rotateToImportedMaterial } from '../imported-material.js';
import { refuseReplicaRotation } from '../multi-region.js';
import { rotateKey } from '../rotate.js';
import { checkOnDemandRotatable } from '../rotation.js';
import { defineOperation } from '../types.js';

export const RotateKeyOnDemand = defineOperation({
  name: 'RotateKeyOnDemand',
  action: 'kms:RotateKeyOnDemand',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services, now }) {
    checkOnDemandRotatable(key);
    refuseReplicaRotation(key);
    if (key.origin === 'EXTERNAL') {
      await rotateToImportedMaterial(services, key, now);
      return { KeyId: key.arn };
    }
    // Counted against the freshest record before each write attempt, so racing calls cannot
    // exceed the limit (the write is compare-and-set on the version read with the count).
    await rotateKey(services, key, now, 'ON_DEMAND', async (current) => {
      const materials = await services.storage.listKeyMaterials(current.arn);
      if (materials.filter((m) => m.rotationType === 'ON_DEMAND').length >= services.quotas.onDemandRotationsPerKey) {
        throw new KmsError(
          'LimitExceededException',
          `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
        );
      }
      return true;
    });
    // The key ARN, whatever identifier the request used (LocalStack's AWS-validated test).
    return { KeyId: key.arn };
  },
});
