import { DAY_MS, KmsError, LIMITS } from '../../../domain/index.js';
import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const ScheduleKeyDeletion = defineOperation({
  name: 'ScheduleKeyDeletion',
  action: 'kms:ScheduleKeyDeletion',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services, now }) {
    const days = input.PendingWindowInDays ?? LIMITS.pendingWindowDefaultDays;
    if (days < LIMITS.pendingWindowMinDays || days > LIMITS.pendingWindowMaxDays) {
      throw new KmsError(
        'ValidationException',
        `PendingWindowInDays should be between ${LIMITS.pendingWindowMinDays} and ${LIMITS.pendingWindowMaxDays}, but it is ${days}`,
      );
    }
    const deletionDate = new Date(now.getTime() + days * DAY_MS);
    const updated = await updateKey(services.storage, 'ScheduleKeyDeletion', key, (k) => ({
      ...k,
      keyState: 'PendingDeletion',
      deletionDate,
      pendingDeletionWindowInDays: days,
    }));
    return { KeyId: updated.arn, DeletionDate: deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays: days };
  },
});
