import { checkRotatable } from '../rotation.js';
import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const DisableKeyRotation = defineOperation({
  name: 'DisableKeyRotation',
  action: 'kms:DisableKeyRotation',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    checkRotatable(key);
    await updateKey(services.storage, 'DisableKeyRotation', key, (k) => ({
      ...k,
      rotationEnabled: false,
      nextRotationDate: undefined,
    }));
    return {};
  },
});
