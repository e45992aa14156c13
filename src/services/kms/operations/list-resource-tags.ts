import { LIMITS } from '../../../domain/index.js';
import { pageArray } from '../paging.js';
import { defineOperation } from '../types.js';

export const ListResourceTags = defineOperation({
  name: 'ListResourceTags',
  action: 'kms:ListResourceTags',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key }) {
    const sorted = [...key.tags].sort((a, b) => (a.TagKey < b.TagKey ? -1 : a.TagKey > b.TagKey ? 1 : 0));
    const { page, truncated, nextMarker } = pageArray(
      'tags',
      sorted,
      input.Limit ?? LIMITS.tagListDefault,
      input.Marker,
    );
    return { Tags: page, Truncated: truncated, ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  },
});
