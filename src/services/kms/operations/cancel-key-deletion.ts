import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

/** The key returns Disabled, as AWS does. */
export const CancelKeyDeletion = defineOperation({
  name: 'CancelKeyDeletion',
  action: 'kms:CancelKeyDeletion',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    await updateKey(services.storage, 'CancelKeyDeletion', key, (k) => ({
      ...k,
      keyState: 'Disabled',
      deletionDate: undefined,
      pendingDeletionWindowInDays: undefined,
    }));
    return { KeyId: key.arn };
  },
});
