import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const DisableKey = defineOperation({
  name: 'DisableKey',
  action: 'kms:DisableKey',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    await updateKey(services.storage, 'DisableKey', key, (k) => ({ ...k, keyState: 'Disabled' }));
    return {};
  },
});
