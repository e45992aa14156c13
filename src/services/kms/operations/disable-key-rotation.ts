import { checkRotatable } from '../rotation.js';
import { refuseReplicaRotation, updateRotationSettings } from '../multi-region.js';
import { defineOperation } from '../types.js';

export const DisableKeyRotation = defineOperation({
  name: 'DisableKeyRotation',
  action: 'kms:DisableKeyRotation',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    checkRotatable(key);
    refuseReplicaRotation(key);
    // Rotation is shared: a multi-Region primary key's setting is its replicas' too.
    await updateRotationSettings(services, 'DisableKeyRotation', key, (k) => ({
      ...k,
      rotationEnabled: false,
      nextRotationDate: undefined,
    }));
    return {};
  },
});
