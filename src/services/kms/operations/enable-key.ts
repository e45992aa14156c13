import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const EnableKey = defineOperation({
  name: 'EnableKey',
  action: 'kms:EnableKey',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    await updateKey(services.storage, 'EnableKey', key, (k) => ({ ...k, keyState: 'Enabled' }));
    return {};
  },
});
