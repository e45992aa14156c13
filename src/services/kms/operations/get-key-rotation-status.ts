import { defineOperation } from '../types.js';

export const GetKeyRotationStatus = defineOperation({
  name: 'GetKeyRotationStatus',
  action: 'kms:GetKeyRotationStatus',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: true },
  async run({ key }) {
    // "While a KMS key is pending deletion, its key rotation status is false ... If you cancel the
    // deletion, the original key rotation status returns to true." The stored setting is kept.
    const enabled = key.rotationEnabled && key.keyState !== 'PendingDeletion';
    return {
      KeyId: key.arn,
      KeyRotationEnabled: enabled,
      ...(enabled ? { RotationPeriodInDays: key.rotationPeriodInDays, NextRotationDate: key.nextRotationDate } : {}),
      ...(key.onDemandRotationStartDate ? { OnDemandRotationStartDate: key.onDemandRotationStartDate } : {}),
    };
  },
});
