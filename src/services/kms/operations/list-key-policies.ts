import { LIMITS } from '../../../domain/index.js';
import { pageArray } from '../paging.js';
import { defineOperation } from '../types.js';

export const ListKeyPolicies = defineOperation({
  name: 'ListKeyPolicies',
  action: 'kms:ListKeyPolicies',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input }) {
    const { page, truncated, nextMarker } = pageArray(
      'policies',
      ['default'],
      input.Limit ?? LIMITS.defaultListLimit,
      input.Marker,
    );
    return { PolicyNames: page, Truncated: truncated, ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  },
});
