import { DAY_MS, KmsError, LIMITS } from '../../../domain/index.js';
import { relatedKeys } from '../multi-region.js';
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
    // "KMS will not delete a multi-Region primary key with existing replica keys": it waits in
    // PendingReplicaDeletion, with no deletion date, until the scheduler sees its last replica
    // deleted; then its waiting period begins (multi-region.ts, finishReplicaDeletions).
    const waitsForReplicas =
      key.multiRegionKeyType === 'PRIMARY' && (await relatedKeys(services, key)).some((k) => k.arn !== key.arn);
    if (waitsForReplicas) {
      const updated = await updateKey(services.storage, 'ScheduleKeyDeletion', key, (k) => ({
        ...k,
        keyState: 'PendingReplicaDeletion',
        deletionDate: undefined,
        pendingDeletionWindowInDays: days,
      }));
      return { KeyId: updated.arn, KeyState: 'PendingReplicaDeletion', PendingWindowInDays: days };
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
