import { checkNewTags } from '../tags.js';
import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const TagResource = defineOperation({
  name: 'TagResource',
  action: 'kms:TagResource',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    await updateKey(services.storage, 'TagResource', key, (k) => ({
      ...k,
      tags: checkNewTags(k.tags, input.Tags, services.quotas.tagsPerKey),
    }));
    return {};
  },
});
