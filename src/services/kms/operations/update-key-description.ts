import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const UpdateKeyDescription = defineOperation({
  name: 'UpdateKeyDescription',
  action: 'kms:UpdateKeyDescription',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    await updateKey(services.storage, 'UpdateKeyDescription', key, (k) => ({ ...k, description: input.Description }));
    return {};
  },
});
