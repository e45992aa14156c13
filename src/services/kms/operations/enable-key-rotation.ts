import { LIMITS } from '../../../domain/index.js';
import { checkRotatable, nextRotationDate } from '../rotation.js';
import { refuseReplicaRotation, updateRotationSettings } from '../multi-region.js';
import { defineOperation } from '../types.js';

export const EnableKeyRotation = defineOperation({
  name: 'EnableKeyRotation',
  action: 'kms:EnableKeyRotation',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services, now }) {
    checkRotatable(key);
    refuseReplicaRotation(key);
    const period = input.RotationPeriodInDays ?? LIMITS.rotationPeriodDefaultDays;
    // Rotation is shared: a multi-Region primary key's setting is its replicas' too.
    await updateRotationSettings(services, 'EnableKeyRotation', key, (k) => ({
      ...k,
      rotationEnabled: true,
      rotationPeriodInDays: period,
      nextRotationDate: nextRotationDate(now, period),
    }));
    return {};
  },
});
