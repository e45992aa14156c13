import { KmsError } from '../../../domain/index.js';
import { isReservedTagKey } from '../tags.js';
import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const UntagResource = defineOperation({
  name: 'UntagResource',
  action: 'kms:UntagResource',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    if (input.TagKeys.some(isReservedTagKey)) {
      throw new KmsError('TagException', 'Tags beginning with aws: are reserved');
    }
    const removed = new Set(input.TagKeys);
    await updateKey(services.storage, 'UntagResource', key, (k) => ({
      ...k,
      tags: k.tags.filter((t) => !removed.has(t.TagKey)),
    }));
    return {};
  },
});
