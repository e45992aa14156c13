import { defineOperation } from './types.js';

export const GetKeyRotationStatus = defineOperation({
  name: 'GetKeyRotationStatus',
  action: 'kms:GetKeyRotationStatus',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: true },
  async run({ key }) {
    return {
      KeyId: key.arn,
      KeyRotationEnabled: key.rotationEnabled,
      ...(key.rotationEnabled
        ? { RotationPeriodInDays: key.rotationPeriodInDays, NextRotationDate: key.nextRotationDate }
        : {}),
      ...(key.onDemandRotationStartDate ? { OnDemandRotationStartDate: key.onDemandRotationStartDate } : {}),
    };
  },
});
