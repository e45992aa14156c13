import { LIMITS } from '../../../domain/index.js';
import { checkRotatable, nextRotationDate } from '../rotation.js';
import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const EnableKeyRotation = defineOperation({
  name: 'EnableKeyRotation',
  action: 'kms:EnableKeyRotation',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services, now }) {
    checkRotatable(key);
    const period = input.RotationPeriodInDays ?? LIMITS.rotationPeriodDefaultDays;
    await updateKey(services.storage, 'EnableKeyRotation', key, (k) => ({
      ...k,
      rotationEnabled: true,
      rotationPeriodInDays: period,
      nextRotationDate: nextRotationDate(now, period),
    }));
    return {};
  },
});
